// Catch-up-then-live subscriptions on the server's own $all subscription, which already
// replays history and then follows new writes in log order. Events are handed on one at a time
// (a batch of one); the next is pulled only after the handler returns, which is the back-pressure.
import { excludeSystemEvents, type EventStoreDBClient } from '@eventstore/db-client';
import { compareGlobal, type GlobalPosition, type SubscribeOptions, type Subscription } from '../event-store.ts';
import { fromServerEvent, isSystemEvent, toRecorded, verifyChain } from './event-envelope.ts';
import { startingPoint, toGlobalPosition } from './global-position.ts';
import type { EventStoreDbLimits } from './limits.ts';
import { translateError } from './translate-error.ts';

export function subscribeToLog(
  client: EventStoreDBClient, limits: EventStoreDbLimits, options: SubscribeOptions,
): Subscription {
  const serverSubscription = client.subscribeToAll({
    fromPosition: startingPoint(options.after),
    filter: excludeSystemEvents(),
  });
  let stopped = false;

  const run = async () => {
    // Whether the server starts at or after `after` is not part of its contract, so positions at
    // or before the last one handed on are dropped here: each event is seen once, in order.
    let last: GlobalPosition | undefined = options.after;
    try {
      for await (const resolved of serverSubscription) {
        if (stopped) break;
        const event = resolved.event;
        if (event === undefined || event.position === undefined || isSystemEvent(event)) continue;
        const position = toGlobalPosition(event.position);
        if (last !== undefined && compareGlobal(position, last) <= 0) continue;
        const stored = fromServerEvent(event, limits.json);
        verifyChain([stored]);
        await options.onEvents([toRecorded(stored)]);
        last = position;
      }
    } catch (error) {
      if (!stopped) throw translateError(error);
    } finally {
      await serverSubscription.unsubscribe().catch(() => undefined);
    }
  };
  const done = run();
  return {
    done,
    async close() {
      stopped = true;
      await serverSubscription.unsubscribe().catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
}
