/**
 * One Lambda "execution environment" of the emulator (bundled with esbuild and forked by lambda.ts): loads the
 * function's bundle once (init), then runs one invocation at a time on request over IPC, with a Lambda context
 * whose remaining time follows the invocation's deadline. Environment variables are the function's own.
 * See: https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 */
import { randomUUID } from 'node:crypto';

interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
  readonly deadline: number;
  readonly functionName: string;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

function describe(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').slice(0, 12),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

const bundle = process.argv[2];
const exportName = process.argv[3] ?? 'handler';
if (bundle === undefined) throw new Error('usage: lambda-runtime <bundle.js> [export]');

let handler: Handler | undefined;
let initError: ReturnType<typeof describe> | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(bundle) as Record<string, unknown>;
  const candidate = loaded[exportName];
  if (typeof candidate !== 'function') throw new TypeError(`${bundle} exports no function ${exportName}`);
  handler = candidate as Handler;
} catch (error) {
  initError = describe(error);
}

function context(message: InvokeMessage): Record<string, unknown> {
  const arn = `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:123456789012:function:${message.functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: message.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: arn,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${message.functionName}`,
    logStreamName: `emulator/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

process.on('message', (raw: unknown) => {
  const message = raw as InvokeMessage;
  if (message.type !== 'invoke') return;
  const reply = (value: Record<string, unknown>): void => {
    process.send?.({ id: message.id, ...value });
  };
  if (handler === undefined) {
    reply({ ok: false, error: initError ?? describe(new Error('init failed')) });
    return;
  }
  handler(message.event, context(message)).then(
    (result) => reply({ ok: true, result: result ?? null }),
    (error: unknown) => reply({ ok: false, error: describe(error) }),
  );
});
process.send?.({ ready: true });
