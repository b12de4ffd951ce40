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
    let idleMs = 2;
    while (!stopped) {
      woken = false;
      const events = await store.readAll({ after, maxCount: options.batchSize ?? 1000 });
      if (stopped) break;
      if (events.length > 0) {
        await options.onEvents(events);
        after = events.at(-1)!.global;
        idleMs = 2;
        continue;
      }
      await sleep(Math.min(idleMs, pollIntervalMs));
      idleMs = woken ? 2 : Math.min(idleMs * 2, pollIntervalMs);
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
