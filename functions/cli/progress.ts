import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordSource, SourceItem } from '../../lib/core/source';

/** Total size of the regular files under the inputs (recursively), for the ETA. `-` (stdin) has no size. */
async function inputSizes(paths: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const walk = async (path: string): Promise<void> => {
    const s = await stat(path).catch(() => null);
    if (s?.isFile()) sizes.set(path, s.size);
    else if (s?.isDirectory()) {
      const names = await readdir(path).catch(() => [] as string[]);
      // As the files source does: dotfiles (.DS_Store, partial downloads) are not read, so not counted.
      for (const name of names.filter((n) => !n.startsWith('.')).sort()) await walk(join(path, name));
    }
  };
  for (const p of paths) if (p !== '-') await walk(p);
  return sizes;
}

/**
 * The progress line: on a terminal only, redrawn at most a few times a second, cleared at the end.
 * Files: files done of the total, and an ETA from the bytes of the files done. LookupEvents: an ETA from how far back
 * in the window the (newest-first) events have reached.
 */
export class ProgressLine {
  private scanned = 0;
  private verdicts = 0;
  private alerts = 0;
  private oldestEventMs: number | null = null;
  private lastDraw = 0;
  private drawn = false;
  private readonly started: number;
  private sizes: Map<string, number> | null = null;
  private readonly filesDone = new Set<string>();
  private bytesDone = 0;
  private currentFile: string | null = null;

  public constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly enabled: boolean,
    private readonly gitlabRequests: () => number,
    /** LookupEvents reads newest first: the oldest event seen tells how much of the window is done. */
    private readonly window: { since: Date; until: Date } | null,
    private readonly now: () => number = Date.now,
    private readonly label = 'hunt',
  ) {
    this.started = now();
  }

  /** Sizes the inputs in the background (only when the line is shown); the ETA appears once they are known. */
  public countFiles(paths: readonly string[]): void {
    if (!this.enabled) return;
    void inputSizes(paths).then((sizes) => {
      this.sizes = sizes;
    });
  }

  /** For tests and callers that already know the sizes. */
  public setFileSizes(sizes: ReadonlyMap<string, number>): void {
    this.sizes = new Map(sizes);
  }

  public item(item: SourceItem): void {
    this.scanned += item.kind === 'skipped' ? item.count : 1;
    const file = item.kind === 'error' ? item.error.source : item.source;
    if (file !== this.currentFile) {
      if (this.currentFile !== null) this.fileDone(this.currentFile);
      this.currentFile = file;
    }
    if (item.kind === 'assumption' && this.window) {
      const t = Date.parse(item.assumption.eventTime);
      if (!Number.isNaN(t))
        this.oldestEventMs = this.oldestEventMs === null ? t : Math.min(this.oldestEventMs, t);
    }
    this.draw();
  }

  public verdict(kind: string): void {
    this.verdicts += 1;
    if (kind === 'alert' || kind === 'unverified') this.alerts += 1;
    this.draw();
  }

  public text(): string {
    const seconds = Math.max((this.now() - this.started) / 1000, 0.001);
    const rate = Math.round(this.scanned / seconds);
    return (
      `${this.label}: ${this.filesText()}${this.scanned.toLocaleString('en-US')} records scanned, ` +
      `${this.verdicts.toLocaleString('en-US')} verdicts (${this.alerts} alert/unverified), ` +
      `${this.gitlabRequests()} GitLab requests, ${rate.toLocaleString('en-US')} rec/s${this.eta(seconds)}`
    );
  }

  public done(): void {
    if (this.enabled && this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  private fileDone(file: string): void {
    if (this.filesDone.has(file)) return;
    this.filesDone.add(file);
    this.bytesDone += this.sizes?.get(file) ?? 0;
  }

  private filesText(): string {
    if (this.sizes === null || this.sizes.size === 0) return '';
    return `${this.filesDone.size.toLocaleString('en-US')}/${this.sizes.size.toLocaleString('en-US')} files, `;
  }

  private eta(seconds: number): string {
    let done = 0;
    if (this.window && this.oldestEventMs !== null) {
      const span = this.window.until.getTime() - this.window.since.getTime();
      done = Math.min(1, Math.max(0, (this.window.until.getTime() - this.oldestEventMs) / span));
    } else if (this.sizes !== null && this.sizes.size > 0) {
      const total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
      done = total > 0 ? this.bytesDone / total : this.filesDone.size / this.sizes.size;
    }
    return done > 0.02 && done < 1 ? `, ETA ${formatDuration((seconds * (1 - done)) / done)}` : '';
  }

  private draw(): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDraw < 200) return;
    this.lastDraw = t;
    this.drawn = true;
    this.out.write(`\r\x1b[K${this.text()}`);
  }
}

/** Passes every item of a source to the progress line on its way to the judge. */
export function tapProgress(source: RecordSource, progress: ProgressLine): RecordSource {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const item of source) {
        progress.item(item);
        yield item;
      }
    },
  };
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
