/** The CLI's view of the process: injected so the CLI runs in-process from tests, the demo and the benchmark. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
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

/** Exit codes, documented in --help and the README. */
export const EXIT = {
  /** Every record judged; no alert and no unverified verdict. */
  clean: 0,
  /** At least one alert or unverified verdict. */
  findings: 1,
  /** Usage, configuration or input errors (some input could not be judged). */
  error: 2,
} as const;

export class UsageError extends Error {}
