import type { SourceItem } from '../../lib/core/source';

/** The progress line: on a terminal only, redrawn at most a few times a second, cleared at the end. */
export class ProgressLine {
  private scanned = 0;
  private verdicts = 0;
  private alerts = 0;
  private oldestEventMs: number | null = null;
  private lastDraw = 0;
  private drawn = false;
  private readonly started: number;

  public constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly enabled: boolean,
    private readonly gitlabRequests: () => number,
    /** LookupEvents reads newest first: the oldest event seen tells how much of the window is done. */
    private readonly window: { since: Date; until: Date } | null,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  public item(item: SourceItem): void {
    this.scanned += item.kind === 'skipped' ? item.count : 1;
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
    let eta = '';
    if (this.window && this.oldestEventMs !== null) {
      const span = this.window.until.getTime() - this.window.since.getTime();
      const done = Math.min(1, Math.max(0, (this.window.until.getTime() - this.oldestEventMs) / span));
      if (done > 0.02 && done < 1) eta = `, ETA ${formatDuration((seconds * (1 - done)) / done)}`;
    }
    return (
      `hunt: ${this.scanned.toLocaleString('en-US')} records scanned, ${this.verdicts.toLocaleString('en-US')} verdicts ` +
      `(${this.alerts} alert/unverified), ${this.gitlabRequests()} GitLab requests, ${rate.toLocaleString('en-US')} rec/s${eta}`
    );
  }

  public done(): void {
    if (this.enabled && this.drawn) this.out.write('\r\x1b[K');
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

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
