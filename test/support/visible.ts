// Reading the global log in tests that share a PostgreSQL server with other tests: the log is
// only read below the oldest running transaction anywhere on the server, so an event committed a
// moment ago can stay invisible while another test holds a transaction open. These helpers wait
// (boundedly) until everything written so far is visible.
import { compareGlobal, type EventStore, type ReadAllOptions, type RecordedEvent } from '../../src/ledger/event-store.ts';

export async function readAllOnceVisible(store: EventStore, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
  const target = await store.lastPosition?.();
  for (let attempt = 0; ; attempt += 1) {
    const events = await store.readAll(options);
    const last = events.at(-1);
    const complete = target === undefined || (last !== undefined && compareGlobal(last.global, target) >= 0)
      || (options.maxCount !== undefined && events.length >= options.maxCount);
    if (complete || attempt >= 500) return events;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
