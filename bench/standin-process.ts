/**
 * Runs the GitLab stand-in in its own process for benchmarks, so that its CPU does not compete with the client
 * being measured (a real GitLab is on another machine). Controlled over the IPC channel:
 * parent -> {type:'start', data, latencyMs} | {type:'count'} | {type:'reset'} | {type:'stop'}
 * child  -> {type:'started', apiUrl, token} | {type:'count', requests, maxInFlight} | {type:'ok'}
 */
import { startGitLabStandin, type GitLabStandin, type StandinData } from '../tools/gitlab-standin';

type Command =
  | { type: 'start'; data: StandinData; latencyMs: number }
  | { type: 'count' }
  | { type: 'reset' }
  | { type: 'stop' };

let standin: GitLabStandin | undefined;

function reply(message: object): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const cmd = raw as Command;
  void (async () => {
    switch (cmd.type) {
      case 'start':
        standin = await startGitLabStandin({ data: cmd.data, latencyMs: cmd.latencyMs });
        reply({ type: 'started', apiUrl: standin.apiUrl, token: standin.token });
        return;
      case 'count':
        reply({
          type: 'count',
          requests: standin?.requestCount() ?? 0,
          maxInFlight: standin?.maxInFlight() ?? 0,
        });
        return;
      case 'reset':
        standin?.resetRequests();
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
