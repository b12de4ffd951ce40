// Reports failures at most once per interval. While Redis is down every request fails the same
// way; one line per interval, with a count of the rest, says as much as thousands would.
export class ThrottledReporter {
  private lastReportMs = Number.NEGATIVE_INFINITY;
  private suppressedCount = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: ((error: Error, suppressedCount: number) => void) | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  report(error: Error): void {
    if (this.onError === undefined) return;
    const nowMs = this.now();
    if (nowMs - this.lastReportMs < this.intervalMs) {
      this.suppressedCount += 1;
      return;
    }
    const suppressed = this.suppressedCount;
    this.lastReportMs = nowMs;
    this.suppressedCount = 0;
    this.onError(error, suppressed);
  }
}
