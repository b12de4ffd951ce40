// Catch-up-then-follow subscriptions for any store that can read its global log in order.
// Reads are woken by local appends and otherwise poll, so appends made by other processes are
// seen within one poll interval; a reader that is woken but finds nothing (an older transaction
// still running holds the log back) retries soon, with backoff.
import type { EventStore, GlobalPosition, SubscribeOptions, Subscription } from './event-store.ts';
import { LOG_START } from './event-store.ts';

type OnAppend = (listener: () => void) => () => void;

export function subscribeByPolling(
  store: Pick<EventStore, 'readAll'>,
  options: SubscribeOptions,
  pollIntervalMs: number,
  onAppend: OnAppend,
): Subscription {
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;
  const delayMs = options.wakeDelayMs ?? 0;
  const unlisten = onAppend(debounce(delayMs, () => {
    woken = true;
    wake?.();
  }));
  const sleep = (milliseconds: number) => new Promise<void>((resolve) => {
    if (stopped || woken) return resolve();
    const timer = setTimeout(() => resolve(), milliseconds);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  const run = async () => {
    let after: GlobalPosition = options.after ?? LOG_START;
    const pacer = new FollowPacer(pollIntervalMs);
    const batchSize = options.batchSize ?? 1000;
    while (!stopped) {
      const wasWoken = woken;
      woken = false;
      const events = await store.readAll({ after, maxCount: batchSize });
      if (stopped) break;
      if (events.length > 0) {
        await options.onEvents(events);
        after = events.at(-1)!.global;
      }
      const delayMs = pacer.next(events.length, batchSize, wasWoken);
      if (delayMs > 0) await sleep(delayMs);
    }
  };
  const done = run().finally(unlisten);
  return {
    done,
    async close() {
      stopped = true;
      wake?.();
      await done.catch(() => undefined);
    },
  };
}

/** Calls `action` once, `delayMs` after the first of any number of calls in that window. */
export function debounce(delayMs: number, action: () => void): () => void {
  if (delayMs <= 0) return action;
  let timer: NodeJS.Timeout | undefined;
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      action();
    }, delayMs);
  };
}

/**
 * When a follower of the log reads next. A full batch means more is waiting: read again at once.
 * A partial batch means it caught up: wait for the next local append (or the poll interval, for
 * other processes' appends). An empty read right after a wake-up means the new events are not
 * visible yet (an older transaction still runs): retry soon, backing off. Polling fast after
 * every event instead cost several queries per request on a quiet gateway.
 */
export class FollowPacer {
  private retryMs = 1;

  constructor(private readonly pollIntervalMs: number) {}

  next(count: number, batchSize: number, woken: boolean): number {
    if (count >= batchSize) return 0;
    if (count > 0 || !woken) {
      this.retryMs = 1;
      return this.pollIntervalMs;
    }
    this.retryMs = Math.min(this.retryMs * 2, this.pollIntervalMs);
    return this.retryMs;
  }
}
