/**
 * CloudTrail LookupEvents on loopback, for the reconcile function (moto does not implement LookupEvents). The
 * function's CloudTrail client reaches it through the standard AWS_ENDPOINT_URL_CLOUDTRAIL setting. AWS JSON 1.1
 * protocol: POST with `X-Amz-Target: CloudTrail_20131101.LookupEvents`; times are epoch seconds; events newest
 * first; at most MaxResults (≤ 50) per page with an opaque NextToken.
 * See: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod';

const LookupEventsRequest = z.object({
  LookupAttributes: z
    .array(z.object({ AttributeKey: z.string(), AttributeValue: z.string() }))
    .max(1)
    .optional(),
  StartTime: z.number().optional(),
  EndTime: z.number().optional(),
  MaxResults: z.number().int().min(1).max(50).optional(),
  NextToken: z.string().optional(),
});

const StoredRecord = z
  .object({
    eventID: z.string(),
    eventName: z.string(),
    eventTime: z.string(),
    eventSource: z.string(),
    readOnly: z.boolean().optional(),
    userIdentity: z.object({ userName: z.string().optional() }).loose().optional(),
  })
  .loose();

export interface CloudTrailStandin {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_CLOUDTRAIL. */
  readonly endpoint: string;
  /** Adds CloudTrail records (as in a log file) to the event history. */
  add(records: readonly unknown[]): void;
  readonly requests: number;
  close(): Promise<void>;
}

function attributeMatches(record: z.infer<typeof StoredRecord>, key: string, value: string): boolean {
  switch (key) {
    case 'EventName':
      return record.eventName === value;
    case 'EventId':
      return record.eventID === value;
    case 'EventSource':
      return record.eventSource === value;
    default:
      return false;
  }
}

function lookupEvents(records: readonly z.infer<typeof StoredRecord>[], body: unknown): unknown {
  const request = LookupEventsRequest.parse(body);
  const attribute = request.LookupAttributes?.[0];
  const start = (request.StartTime ?? 0) * 1000;
  const end = (request.EndTime ?? Number.MAX_SAFE_INTEGER / 1000) * 1000;
  const matching = records
    .filter(
      (r) => attribute === undefined || attributeMatches(r, attribute.AttributeKey, attribute.AttributeValue),
    )
    .filter((r) => Date.parse(r.eventTime) >= start && Date.parse(r.eventTime) <= end)
    .sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime));
  const offset =
    request.NextToken === undefined ? 0 : Number(Buffer.from(request.NextToken, 'base64').toString());
  const size = request.MaxResults ?? 50;
  const page = matching.slice(offset, offset + size);
  const next =
    offset + size < matching.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
  return {
    Events: page.map((r) => ({
      EventId: r.eventID,
      EventName: r.eventName,
      ReadOnly: String(r.readOnly ?? true),
      EventTime: Date.parse(r.eventTime) / 1000,
      EventSource: r.eventSource,
      Username: r.userIdentity?.userName,
      Resources: [],
      CloudTrailEvent: JSON.stringify(r),
    })),
    ...(next === undefined ? {} : { NextToken: next }),
  };
}

export async function startCloudTrailStandin(): Promise<CloudTrailStandin> {
  const records: z.infer<typeof StoredRecord>[] = [];
  let requests = 0;
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const handle = (req: IncomingMessage, res: ServerResponse, text: string): void => {
    requests += 1;
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.endsWith('.LookupEvents')) {
      reply(res, 400, { __type: 'UnknownOperationException', message: `not supported here: ${target}` });
      return;
    }
    try {
      reply(res, 200, lookupEvents(records, JSON.parse(text)));
    } catch (error) {
      reply(res, 400, { __type: 'InvalidLookupAttributesException', message: (error as Error).message });
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    add(more) {
      for (const record of more) records.push(StoredRecord.parse(record));
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
