/**
 * The whole service on loopback for an integration test: the GitLab stand-in, moto_server, the stack synthesized
 * for a config pointing at the stand-in, its functions' resources created in moto, the alert topic subscribed by an
 * SQS queue, an HTTP and an HTTPS endpoint, the bundled correlator (and reconcile, when the config enables it)
 * running in the Lambda emulator with the SDK pointed at moto through AWS_ENDPOINT_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Message } from '@aws-sdk/client-sqs';
import type { ConfigInput } from '../../../lib/core/config';
import { type GitLabStandin, type StandinData, startGitLabStandin } from '../../../tools/gitlab-standin';
import { type CloudTrailStandin, startCloudTrailStandin } from './cloudtrail-standin';
import { type FaultProxy, type ProxyFault, startFaultProxy } from './fault-proxy';
import { type EmulatedFunction, startFunction } from './lambda';
import { pool } from './pool';
import { createQueue, drainQueue, type Moto, motoClients, type Queue, startMoto, subscribe } from './moto';
import { type DeployedService, deployToMoto, type FunctionName, synthesizeService } from './stack';
import {
  type LoopbackCertificate,
  makeLoopbackCertificate,
  startHttpsSubscriber,
  startHttpSubscriber,
  type Subscriber,
} from './subscribers';

export interface ServiceOptions {
  /** The policy, given the stand-in's instance and API URLs. */
  readonly config: (gitlab: { url: string; apiUrl: string }) => ConfigInput;
  readonly gitlab: StandinData;
  /** Execution environments per function (Lambda concurrency). Default 2. */
  readonly concurrency?: number;
  /** Delay before Lambda's first async retry (doubled for the second). Default 100 ms. */
  readonly retryDelayMs?: number;
  /** Fails chosen SNS requests (before moto sees them): decided per request body. */
  readonly snsFaults?: (body: string) => ProxyFault | undefined;
}

export interface ParsedAlert {
  /** The SNS notification envelope as the subscriber got it. */
  readonly envelope: Record<string, unknown>;
  /** `envelope.Message`, parsed (the verdict JSON for SQS and HTTP, the Chatbot notification for HTTPS). */
  readonly message: Record<string, unknown>;
}

export interface ServiceHarness {
  readonly gitlab: GitLabStandin;
  readonly moto: Moto;
  readonly cloudTrail: CloudTrailStandin;
  readonly deployed: DeployedService;
  readonly alertQueue: Queue;
  readonly http: Subscriber;
  readonly https: Subscriber;
  readonly snsProxy: FaultProxy | undefined;
  readonly correlator: EmulatedFunction;
  readonly reconcile: EmulatedFunction | undefined;
  readonly decisionBucket: string;
  readonly idempotencyTable: string;
  /** Directory of the functions' log files. */
  readonly logDir: string;
  /** Every object in the decision bucket, parsed (one JSON document per line). */
  decisionObjects(): Promise<Array<{ key: string; records: Record<string, unknown>[] }>>;
  /** Receives and deletes the alert queue's messages. */
  sqsAlerts(): Promise<ParsedAlert[]>;
  /** Receives and deletes a function's failure-queue messages (Lambda on-failure destination records). */
  deadLetters(name: FunctionName): Promise<Message[]>;
  idempotencyItems(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

function parseJsonObject(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new Error(`${what}: not a string`);
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what}: not an object`);
  return value as Record<string, unknown>;
}

export function parseDelivery(envelope: Record<string, unknown>): ParsedAlert {
  return { envelope, message: parseJsonObject(envelope.Message, 'SNS Message') };
}

async function startFunctions(
  deployed: DeployedService,
  env: Record<string, string>,
  options: ServiceOptions,
  logDir: string,
  moto: Moto,
): Promise<{ correlator: EmulatedFunction; reconcile: EmulatedFunction | undefined }> {
  const start = (name: FunctionName): Promise<EmulatedFunction> => {
    const fn = deployed.fn(name);
    return startFunction({
      name: `gitlab-oidc-watch-${name}`,
      bundle: fn.spec.bundle,
      handler: fn.spec.handler,
      environment: { ...fn.environment, ...env },
      timeoutMs: fn.spec.timeoutSeconds * 1000,
      concurrency: options.concurrency ?? 2,
      maximumRetryAttempts: fn.spec.maximumRetryAttempts,
      retryDelayMs: options.retryDelayMs ?? 100,
      onFailure: { sqs: motoClients(moto).sqs, queueUrl: fn.onFailureQueueUrl },
      logFile: join(logDir, `${name}.log`),
    });
  };
  const correlator = await start('correlator');
  let reconcile: EmulatedFunction | undefined;
  try {
    reconcile = await start('reconcile');
  } catch (error) {
    if (!/has no reconcile function/.test((error as Error).message)) throw error;
  }
  return { correlator, reconcile };
}

export async function startService(options: ServiceOptions): Promise<ServiceHarness> {
  const logDir = mkdtempSync(join(tmpdir(), 'oidc-watch-integration-'));
  // KEEP_INTEGRATION_LOGS=1 keeps the functions' logs for a post-mortem (the directory is printed).
  const keepLogs = process.env.KEEP_INTEGRATION_LOGS === '1';
  const closers: Array<() => Promise<void> | void> = [
    () =>
      keepLogs
        ? console.log(`function logs kept in ${logDir}`)
        : rmSync(logDir, { recursive: true, force: true }),
  ];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const gitlab = await startGitLabStandin({ data: options.gitlab });
    closers.push(() => gitlab.close());
    const certificate: LoopbackCertificate = makeLoopbackCertificate();
    closers.push(() => certificate.dispose());
    // moto's SNS delivers to HTTPS subscribers with Python requests: make it trust our loopback certificate only.
    const moto = await startMoto({ env: { REQUESTS_CA_BUNDLE: certificate.certFile } });
    closers.push(() => moto.stop());
    const http = await startHttpSubscriber();
    closers.push(() => http.close());
    const https = await startHttpsSubscriber(certificate);
    closers.push(() => https.close());
    const cloudTrail = await startCloudTrailStandin();
    closers.push(() => cloudTrail.close());

    const synthesized = synthesizeService(options.config({ url: gitlab.url, apiUrl: gitlab.apiUrl }));
    closers.push(() => synthesized.dispose());
    const deployed = await deployToMoto(moto, synthesized, { secretValue: gitlab.token });
    const topic = deployed.resource('AlertTopic').arn;
    const alertQueue = await createQueue(moto, 'alert-subscriber');
    await subscribe(moto, topic, 'sqs', alertQueue.arn);
    await subscribe(moto, topic, 'http', http.url);
    await subscribe(moto, topic, 'https', https.url);

    const snsProxy = options.snsFaults && (await startFaultProxy(moto.endpoint, options.snsFaults));
    if (snsProxy) closers.push(() => snsProxy.close());
    // Each DynamoDB request is atomic in AWS, not in moto_server (see FaultProxyOptions.serialize).
    const dynamodb = await startFaultProxy(moto.endpoint, () => undefined, { serialize: true });
    closers.push(() => dynamodb.close());
    const env: Record<string, string> = {
      ...moto.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrail.endpoint,
      ...(snsProxy && { AWS_ENDPOINT_URL_SNS: snsProxy.endpoint }),
    };
    const { correlator, reconcile } = await startFunctions(deployed, env, options, logDir, moto);
    closers.push(() => correlator.close());
    if (reconcile) closers.push(() => reconcile.close());

    const clients = motoClients(moto);
    const decisionBucket = deployed.resource('DecisionLogBucket').ref;
    const idempotencyTable = deployed.resource('IdempotencyTable').ref;
    return {
      gitlab,
      moto,
      cloudTrail,
      deployed,
      alertQueue,
      http,
      https,
      snsProxy,
      correlator,
      reconcile,
      decisionBucket,
      idempotencyTable,
      logDir,
      async decisionObjects() {
        const keys: string[] = [];
        let token: string | undefined;
        do {
          const page = await clients.s3.send(
            new ListObjectsV2Command({ Bucket: decisionBucket, ContinuationToken: token }),
          );
          for (const item of page.Contents ?? []) if (item.Key !== undefined) keys.push(item.Key);
          token = page.NextContinuationToken;
        } while (token !== undefined);
        const objects: Array<{ key: string; records: Record<string, unknown>[] }> = [];
        // Thousands of objects after a soak: read them several at a time.
        await pool(keys, 16, async (key) => {
          const got = await clients.s3.send(new GetObjectCommand({ Bucket: decisionBucket, Key: key }));
          const text = (await got.Body?.transformToString('utf8')) ?? '';
          const records = text
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => parseJsonObject(line, key));
          objects.push({ key, records });
        });
        return objects.sort((a, b) => a.key.localeCompare(b.key));
      },
      async sqsAlerts() {
        const messages = await drainQueue(moto, alertQueue.url);
        return messages.map((m) => parseDelivery(parseJsonObject(m.Body, 'SQS body')));
      },
      deadLetters: (name) => drainQueue(moto, deployed.fn(name).onFailureQueueUrl),
      async idempotencyItems() {
        const items: Array<Record<string, unknown>> = [];
        let start: Record<string, never> | undefined;
        do {
          const page = await clients.dynamodb.send(
            new ScanCommand({ TableName: idempotencyTable, ExclusiveStartKey: start }),
          );
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey as Record<string, never> | undefined;
        } while (start !== undefined);
        return items;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
