/** Parent side of bench/standin-process.ts: the stand-in in a child process, with a small promise API. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { StandinData } from '../tools/gitlab-standin';

export interface RemoteStandin {
  readonly apiUrl: string;
  readonly token: string;
  requestCount(): Promise<{
    requests: number;
    maxInFlight: number;
    rateLimited: number;
    peakPerMinute: number;
  }>;
  /** Forgets the requests received; with requestsPerMinute, also starts a fresh rate-limit window. */
  reset(requestsPerMinute?: number): Promise<void>;
  close(): Promise<void>;
}

function ask<T>(child: ChildProcess, message: object, expect: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if ((m as { type?: string }).type === expect) {
        child.off('message', onMessage);
        resolve(m as T);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`stand-in process exited with ${String(code)}`)));
    child.send(message);
  });
}

export async function startRemoteStandin(
  data: StandinData,
  latencyMs: number,
  requestsPerMinute?: number,
): Promise<RemoteStandin> {
  const child = fork(join(__dirname, 'standin-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started = await ask<{ apiUrl: string; token: string }>(
    child,
    { type: 'start', data, latencyMs, requestsPerMinute },
    'started',
  );
  return {
    apiUrl: started.apiUrl,
    token: started.token,
    requestCount: () => ask(child, { type: 'count' }, 'count'),
    reset: async (requestsPerMinute) => {
      await ask(child, { type: 'reset', requestsPerMinute }, 'ok');
    },
    close: async () => {
      await ask(child, { type: 'stop' }, 'ok');
    },
  };
}
