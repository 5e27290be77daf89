/**
 * Runs the GitLab stand-in in its own process for benchmarks, so that its CPU does not compete with the client
 * being measured (a real GitLab is on another machine). Controlled over the IPC channel:
 * parent -> {type:'start', data, latencyMs, requestsPerMinute?} | {type:'count'} | {type:'reset'} | {type:'stop'}
 * child  -> {type:'started', apiUrl, token} | {type:'count', requests, maxInFlight, rateLimited, peakPerMinute}
 *         | {type:'ok'}
 */
import { startGitLabStandin, type GitLabStandin, type StandinData } from '../tools/gitlab-standin';

type Command =
  | { type: 'start'; data: StandinData; latencyMs: number; requestsPerMinute?: number }
  | { type: 'count' }
  | { type: 'reset'; requestsPerMinute?: number }
  | { type: 'stop' };

let standin: GitLabStandin | undefined;

/** The most requests received in any 60 s window (every request, refused ones included). */
function peakPerMinute(times: readonly number[]): number {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i += 1) {
    while ((times[j] ?? 0) <= (times[i] ?? 0) - 60_000) j += 1;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

function reply(message: object): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const cmd = raw as Command;
  void (async () => {
    switch (cmd.type) {
      case 'start':
        standin = await startGitLabStandin({
          data: cmd.data,
          latencyMs: cmd.latencyMs,
          ...(cmd.requestsPerMinute === undefined ? {} : { requestsPerMinute: cmd.requestsPerMinute }),
        });
        reply({ type: 'started', apiUrl: standin.apiUrl, token: standin.token });
        return;
      case 'count':
        reply({
          type: 'count',
          requests: standin?.requestCount() ?? 0,
          maxInFlight: standin?.maxInFlight() ?? 0,
          rateLimited: standin?.rateLimited() ?? 0,
          peakPerMinute: peakPerMinute(standin?.requests.map((r) => r.receivedAt) ?? []),
        });
        return;
      case 'reset':
        standin?.resetRequests();
        // A fresh rate-limit window too, so each measured run starts from the same state.
        if (cmd.requestsPerMinute !== undefined) standin?.setRateLimit(cmd.requestsPerMinute);
        reply({ type: 'ok' });
        return;
      case 'stop':
        await standin?.close();
        reply({ type: 'ok' });
        process.disconnect();
        return;
    }
  })();
});
