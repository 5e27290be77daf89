/**
 * moto_server on loopback for the integration suite: start/stop, the SDK configuration that points every client at
 * it, and creation of the resources the service uses (S3 bucket, SNS topic and subscriptions, SQS queue, DynamoDB
 * table, Secrets Manager secret). Reusable by any integration test (correlator, reconcile, IAM...).
 *
 * The functions under test are pointed at moto with the SDK's standard endpoint settings (AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_<SERVICE>), so production code has no test-only branch.
 * See: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 * See: https://docs.getmoto.org/en/latest/docs/server_mode.html
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export const MOTO_REGION = 'us-east-1';
/** moto's default account: every ARN it returns is in it. */
export const MOTO_ACCOUNT = '123456789012';
/** moto accepts any credentials; these are not secrets. */
const MOTO_CREDENTIALS = { accessKeyId: 'AKIAMOTOINTEGRATION', secretAccessKey: 'moto-not-a-secret' };

export const PREREQUISITE = 'pip install "moto[server]" cfn-lint';

/** Throws a clear error when a command-line tool the suite needs is not on the PATH. */
export function requireTool(command: string): void {
  const found = spawnSync(command, ['--help'], { stdio: 'ignore', timeout: 30_000 });
  if (found.error !== undefined || found.status !== 0) {
    throw new Error(
      `${command} is not installed or does not run (${found.error?.message ?? `exit ${found.status}`}); ` +
        `the integration suite needs it: ${PREREQUISITE}`,
    );
  }
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the child to bind). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return address.port;
}

export interface Moto {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** SDK client configuration for this process's clients. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: typeof MOTO_CREDENTIALS;
  };
  /**
   * Environment for a process whose SDK clients must all talk to moto (standard SDK variables only). Override
   * one service with AWS_ENDPOINT_URL_<SERVICE> (e.g. a fault-injecting proxy for SNS).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Drops every resource (moto's reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Extra environment for moto_server itself, e.g. REQUESTS_CA_BUNDLE so it trusts a local HTTPS subscriber. */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} at start-up`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  requireTool('moto_server');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const stderr: string[] = [];
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // moto logs one line per request on stderr; keep only the tail for error messages.
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString('utf8'));
    if (stderr.length > 50) stderr.shift();
  });
  try {
    await waitUntilUp(endpoint, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr.join('').slice(-2000)}`, { cause: error });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint,
    clientConfig: { endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS },
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_DEFAULT_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    },
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface MotoClients {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly secrets: SecretsManagerClient;
}

const clientsByMoto = new WeakMap<Moto, MotoClients>();

/** SDK clients bound to moto, created once per Moto. */
export function motoClients(moto: Moto): MotoClients {
  let clients = clientsByMoto.get(moto);
  if (clients === undefined) {
    const config = moto.clientConfig;
    clients = {
      s3: new S3Client({ ...config, forcePathStyle: true }),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
      dynamodb: new DynamoDBClient(config),
      secrets: new SecretsManagerClient(config),
    };
    clientsByMoto.set(moto, clients);
  }
  return clients;
}

export async function createBucket(moto: Moto, name: string): Promise<string> {
  await motoClients(moto).s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** Returns the topic ARN. */
export async function createTopic(moto: Moto, name: string): Promise<string> {
  const out = await motoClients(moto).sns.send(new CreateTopicCommand({ Name: name }));
  if (out.TopicArn === undefined) throw new Error(`CreateTopic ${name}: no TopicArn`);
  return out.TopicArn;
}

export interface Queue {
  readonly url: string;
  readonly arn: string;
}

export async function createQueue(moto: Moto, name: string): Promise<Queue> {
  const { sqs } = motoClients(moto);
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const url = created.QueueUrl;
  if (url === undefined) throw new Error(`CreateQueue ${name}: no QueueUrl`);
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = attributes.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`queue ${name}: no QueueArn`);
  return { url, arn };
}

/** Subscribes an endpoint (queue ARN, http(s) URL) to a topic; moto confirms HTTP(S) subscriptions at once. */
export async function subscribe(
  moto: Moto,
  topicArn: string,
  protocol: 'sqs' | 'http' | 'https',
  endpoint: string,
): Promise<string> {
  const out = await motoClients(moto).sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: protocol,
      Endpoint: endpoint,
      ReturnSubscriptionArn: true,
    }),
  );
  if (out.SubscriptionArn === undefined)
    throw new Error(`Subscribe ${protocol} ${endpoint}: no SubscriptionArn`);
  return out.SubscriptionArn;
}

/**
 * A table with the given string partition key (the idempotency table's is `id`, as the stack defines it).
 * PAY_PER_REQUEST like the stack's.
 */
export async function createTable(
  moto: Moto,
  name: string,
  keySchema: readonly KeySchemaElement[] = [{ AttributeName: 'id', KeyType: 'HASH' }],
): Promise<string> {
  await motoClients(moto).dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [...keySchema],
      AttributeDefinitions: keySchema.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' })),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}

/** Returns the secret ARN. */
export async function createSecret(moto: Moto, name: string, value: string): Promise<string> {
  const out = await motoClients(moto).secrets.send(
    new CreateSecretCommand({ Name: name, SecretString: value }),
  );
  if (out.ARN === undefined) throw new Error(`CreateSecret ${name}: no ARN`);
  return out.ARN;
}

/** Receives and deletes every message currently in a queue (moto delivers synchronously, so "now" is complete). */
export async function drainQueue(moto: Moto, queueUrl: string): Promise<Message[]> {
  const { sqs } = motoClients(moto);
  const messages: Message[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 300,
      }),
    );
    const batch = out.Messages ?? [];
    if (batch.length === 0) return messages;
    messages.push(...batch);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}
