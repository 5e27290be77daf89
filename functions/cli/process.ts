/**
 * The CLI as a process: signals and a closed stdout become a clean stop instead of a crash or a lost summary.
 * - first Ctrl-C: every source stops, the records in flight are finished, the table and summary are printed, exit 130;
 * - second Ctrl-C: exit 130 at once;
 * - stdout closed by its reader (`oidc-watch ... | head`, EPIPE): the run stops quietly, exit 141.
 * Tests run `main` in-process with their own CliIo; this module is only the process edge (bin/oidc-watch.js).
 */
import { EXIT, processIo, type CliIo } from './io';
import { main } from './main';

export { main };

type Stdout = CliIo['stdout'] & NodeJS.EventEmitter;

export async function runProcess(argv: readonly string[], proc: NodeJS.Process = process): Promise<void> {
  const stop = new AbortController();
  let outputClosed = false;
  let outputFailed = false;
  let interrupts = 0;
  proc.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts > 1) {
      proc.stderr.write('\noidc-watch: interrupted twice: exiting now\n');
      proc.exit(EXIT.interrupted);
    }
    proc.stderr.write(
      '\noidc-watch: interrupted: finishing the records in flight and printing the summary (Ctrl-C again to exit now)\n',
    );
    stop.abort('interrupted');
  });
  const stdout = proc.stdout as Stdout;
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (outputClosed) return;
    outputClosed = true;
    if (e.code !== 'EPIPE') {
      outputFailed = true;
      proc.stderr.write(`oidc-watch: cannot write output (${e.code ?? e.message})\n`);
    }
    stop.abort('output-closed');
  });
  const io: CliIo = { ...processIo(), stop: stop.signal };
  try {
    const code = await main(argv, io);
    proc.exitCode = outputFailed ? EXIT.error : outputClosed ? EXIT.outputClosed : code;
  } catch (e) {
    proc.stderr.write(
      `oidc-watch: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    proc.exitCode = EXIT.error;
  }
}
