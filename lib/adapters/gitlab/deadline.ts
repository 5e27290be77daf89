/**
 * One lookup's deadline (queueing, retries, Retry-After waits and GitLab's answers), which can be paused while the
 * lookup waits for the process's request budget: our own throttling does not eat into the time GitLab has to
 * answer, so it never turns a lookup into `unavailable` (see budget.ts).
 */
import type { RequestContext } from './http';

export class LookupDeadline implements RequestContext {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private at: number;
  private pausedAt: number | null = null;

  public constructor(
    private readonly ms: number,
    private readonly now: () => number,
  ) {
    this.at = now() + ms;
    this.arm();
  }

  public get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Absolute monotonic deadline; while paused it moves with the clock. */
  public get deadlineAt(): number {
    return this.pausedAt === null ? this.at : this.at + (this.now() - this.pausedAt);
  }

  /** Stops the clock; the returned function starts it again (idempotent). A fired deadline stays fired. */
  public pauseDeadline(): () => void {
    if (this.pausedAt !== null || this.controller.signal.aborted) return () => undefined;
    this.pausedAt = this.now();
    clearTimeout(this.timer);
    return () => {
      if (this.pausedAt === null) return;
      this.at += this.now() - this.pausedAt;
      this.pausedAt = null;
      this.arm();
    };
  }

  public dispose(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    this.timer = setTimeout(
      () => this.controller.abort(new Error(`lookup deadline of ${this.ms} ms`)),
      Math.max(0, this.at - this.now()),
    );
  }
}
