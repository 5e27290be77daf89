/**
 * A small Lambda emulator for bundled functions: a pool of execution environments (child processes running
 * lambda-runtime.ts, each with the function's environment, one invocation at a time), the function timeout (the
 * environment is killed and replaced, as Lambda does), and asynchronous invocation as EventBridge uses it: retries
 * (EventInvokeConfig.MaximumRetryAttempts) and then the on-failure destination record sent to the failure queue.
 * See: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 * See: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { build } from 'esbuild';

export interface InvocationError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type AttemptResult =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: InvocationError };

export interface AsyncOutcome {
  readonly attempts: number;
  /** The last attempt's result. */
  readonly last: AttemptResult;
  /** Sent to the on-failure destination after the last retry failed. */
  readonly deadLettered: boolean;
}

export interface EmulatedFunctionOptions {
  readonly name: string;
  readonly bundle: string;
  /** `index.handler` form, as in the template. */
  readonly handler: string;
  /** The function's environment plus the SDK endpoint settings. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Execution environments running at once. */
  readonly concurrency: number;
  readonly maximumRetryAttempts: number;
  /** Lambda waits a minute, then two, between retries; a test shortens that. */
  readonly retryDelayMs: number;
  readonly onFailure: { readonly sqs: SQSClient; readonly queueUrl: string };
  /** Where the environments' stdout/stderr (the function's logs) go. */
  readonly logFile: string;
}

export interface FunctionStats {
  invocations: number;
  errors: number;
  timeouts: number;
  coldStarts: number;
  deadLettered: number;
}

export interface EmulatedFunction {
  readonly stats: FunctionStats;
  /** One synchronous attempt (RequestResponse). */
  invoke(event: unknown): Promise<AttemptResult>;
  /** Event invocation: retried, then dead-lettered. */
  invokeAsync(event: unknown): Promise<AsyncOutcome>;
  close(): Promise<void>;
}

let runtimeBundle: Promise<string> | undefined;

/** lambda-runtime.ts as a plain Node script (built once per test process). */
function runtimeScript(): Promise<string> {
  runtimeBundle ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'oidc-watch-lambda-')), 'runtime.js');
    await build({
      entryPoints: [join(__dirname, 'lambda-runtime.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
    });
    return outfile;
  })();
  return runtimeBundle;
}

interface Reply {
  readonly id?: number;
  readonly ready?: boolean;
  readonly ok?: boolean;
  readonly result?: unknown;
  readonly error?: InvocationError;
}

class Environment {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  public dead = false;

  public constructor(script: string, options: EmulatedFunctionOptions, logFd: number) {
    const [, exportName = 'handler'] = options.handler.split('.');
    this.child = fork(script, [options.bundle, exportName], {
      env: {
        PATH: process.env.PATH ?? '',
        ...options.environment,
        AWS_LAMBDA_FUNCTION_NAME: options.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      },
      stdio: ['ignore', logFd, logFd, 'ipc'],
    });
    this.child.on('message', (raw: Reply) => {
      if (raw.id === undefined) return;
      const resolve = this.pending.get(raw.id);
      this.pending.delete(raw.id);
      resolve?.(raw);
    });
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      for (const resolve of this.pending.values()) {
        resolve({
          ok: false,
          error: { errorType: 'Runtime.ExitError', errorMessage: `exited (${code ?? signal ?? '?'})` },
        });
      }
      this.pending.clear();
    });
  }

  public run(
    event: unknown,
    options: EmulatedFunctionOptions,
  ): Promise<AttemptResult & { timedOut: boolean }> {
    const id = this.nextId++;
    const deadline = Date.now() + options.timeoutMs;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.kill();
        const seconds = (options.timeoutMs / 1000).toFixed(2);
        resolve({
          ok: false,
          timedOut: true,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` },
        });
      }, options.timeoutMs + 50);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.ok === true) resolve({ ok: true, result: reply.result, timedOut: false });
        else
          resolve({
            ok: false,
            timedOut: false,
            error: reply.error ?? { errorType: 'Error', errorMessage: 'no error' },
          });
      });
      this.child.send({ type: 'invoke', id, event, deadline, functionName: options.name });
    });
  }

  public kill(): void {
    this.dead = true;
    this.child.kill('SIGKILL');
  }

  public exited(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The on-failure destination record Lambda sends after the last retry. */
function failureRecord(name: string, event: unknown, attempts: number, error: InvocationError): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: crypto.randomUUID(),
      functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: attempts,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: error,
  });
}

export async function startFunction(options: EmulatedFunctionOptions): Promise<EmulatedFunction> {
  const script = await runtimeScript();
  const logFd = openSync(options.logFile, 'a');
  const idle: Environment[] = [];
  const all = new Set<Environment>();
  const waiting: Array<() => void> = [];
  let running = 0;
  const stats: FunctionStats = { invocations: 0, errors: 0, timeouts: 0, coldStarts: 0, deadLettered: 0 };

  const acquire = async (): Promise<Environment> => {
    while (running >= options.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    let environment = idle.pop();
    while (environment?.dead) environment = idle.pop();
    if (environment === undefined) {
      environment = new Environment(script, options, logFd);
      all.add(environment);
      stats.coldStarts += 1;
    }
    return environment;
  };
  const release = (environment: Environment): void => {
    running -= 1;
    if (!environment.dead) idle.push(environment);
    else all.delete(environment);
    waiting.shift()?.();
  };

  const invoke = async (event: unknown): Promise<AttemptResult> => {
    const environment = await acquire();
    stats.invocations += 1;
    try {
      const result = await environment.run(event, options);
      if (!result.ok) stats.errors += 1;
      if (result.timedOut) stats.timeouts += 1;
      return result.ok ? { ok: true, result: result.result } : { ok: false, error: result.error };
    } finally {
      release(environment);
    }
  };

  return {
    stats,
    invoke,
    async invokeAsync(event) {
      let attempts = 0;
      for (;;) {
        attempts += 1;
        const last = await invoke(event);
        if (last.ok) return { attempts, last, deadLettered: false };
        if (attempts > options.maximumRetryAttempts) {
          await options.onFailure.sqs.send(
            new SendMessageCommand({
              QueueUrl: options.onFailure.queueUrl,
              MessageBody: failureRecord(options.name, event, attempts, last.error),
            }),
          );
          stats.deadLettered += 1;
          return { attempts, last, deadLettered: true };
        }
        await sleep(options.retryDelayMs * attempts);
      }
    },
    async close() {
      const environments = [...all];
      for (const environment of environments) environment.kill();
      await Promise.all(environments.map((e) => e.exited()));
      closeSync(logFd);
    },
  };
}
