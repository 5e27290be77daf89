/**
 * A loopback HTTP proxy in front of moto that fails chosen requests before they reach it (so a failed call had no
 * effect, as with a real 5xx from the front end or a reset connection), for one service at a time: point the
 * function at it with AWS_ENDPOINT_URL_<SERVICE>. Faults are decided per request by the test.
 *
 * Only failures that happen before the service acted are injected: a response lost after SNS accepted a Publish
 * makes the SDK publish again, which is SNS's own at-least-once behaviour on standard topics, not something the
 * service could prevent.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

export type ProxyFault =
  | { readonly kind: 'status'; readonly status: number; readonly code: string; readonly message: string }
  | { readonly kind: 'reset' };

export interface FaultProxy {
  readonly endpoint: string;
  readonly forwarded: number;
  readonly injected: number;
  close(): Promise<void>;
}

/** An AWS Query protocol error body (SNS, and the other Query services). */
export function queryErrorBody(code: string, message: string, type: 'Sender' | 'Receiver'): string {
  return (
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type>` +
    `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

export interface FaultProxyOptions {
  /**
   * Forward one request at a time. moto_server handles requests on threads without locking its backends, so two
   * concurrent conditional writes (DynamoDB ConditionExpression) can both succeed; real DynamoDB applies each
   * conditional write atomically. Serializing restores that guarantee for the service behind the proxy.
   */
  readonly serialize?: boolean;
}

export async function startFaultProxy(
  upstream: string,
  decide: (body: string) => ProxyFault | undefined,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const target = new URL(upstream);
  let forwarded = 0;
  let injected = 0;
  let queue: Promise<void> = Promise.resolve();
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    if (!options.serialize) {
      send(req, res, body);
      return;
    }
    queue = queue.then(
      () =>
        new Promise<void>((resolve) => {
          res.once('close', resolve);
          send(req, res, body);
        }),
    );
  };
  const send = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    forwarded += 1;
    const upstreamRequest = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      },
    );
    upstreamRequest.on('error', () => res.destroy());
    upstreamRequest.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = decide(body.toString('utf8'));
      if (fault === undefined) {
        forward(req, res, body);
        return;
      }
      injected += 1;
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      const text = queryErrorBody(fault.code, fault.message, fault.status >= 500 ? 'Receiver' : 'Sender');
      res.writeHead(fault.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get forwarded() {
      return forwarded;
    },
    get injected() {
      return injected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
