/** The CLI's view of the process: injected so the CLI runs in-process from tests, the demo and the benchmark. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /**
   * Aborted when the run should stop early: the first Ctrl-C, or stdout closed by its reader (`| head`). Commands
   * stop reading their sources, finish the records in flight, and print what was judged. The reason is a StopReason.
   */
  readonly stop?: AbortSignal;
}

/** Why a run was asked to stop early (the abort reason of CliIo.stop). */
export type StopReason = 'interrupted' | 'output-closed';

export function stopReason(signal: AbortSignal | undefined): StopReason | null {
  if (!signal?.aborted) return null;
  return signal.reason === 'output-closed' ? 'output-closed' : 'interrupted';
}

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Exit codes, documented in --help and the README. 1 and 2 are bits: 3 = findings AND input errors, so a script can
 * tell "alerts found" from "some input could not be judged" when both happen.
 */
export const EXIT = {
  /** Every record judged; no alert and no unverified verdict. */
  clean: 0,
  /** At least one alert or unverified verdict. */
  findings: 1,
  /** Usage, configuration or input errors, or the self-check refused to judge; no findings. */
  error: 2,
  /** At least one alert or unverified verdict AND input errors (some input could not be judged). */
  findingsAndErrors: 3,
  /** Stopped by Ctrl-C: what was judged was printed with the summary (128 + SIGINT). */
  interrupted: 130,
  /** The reader of stdout went away (`oidc-watch ... | head`): stopped quietly (128 + SIGPIPE, as shells report). */
  outputClosed: 141,
} as const;

export const EXIT_HELP = `Exit status:
  0    every record judged, no alert and no unverified verdict (among those selected by --verdict/--severity)
  1    at least one alert or unverified verdict
  2    usage, configuration or input errors, or the self-check refused to judge (no findings)
  3    1 and 2 together: findings AND some input could not be judged
  130  interrupted (Ctrl-C): what was judged was printed, with the summary
  141  the reader of the output went away (| head): stopped quietly
`;

/** The exit code of a run that judged records: the findings bit and the errors bit. */
export function runExitCode(findings: number, errors: number, stop?: AbortSignal): number {
  const reason = stopReason(stop);
  if (reason === 'interrupted') return EXIT.interrupted;
  if (reason === 'output-closed') return EXIT.outputClosed;
  return (findings > 0 ? EXIT.findings : 0) | (errors > 0 ? EXIT.error : 0);
}

export class UsageError extends Error {}
