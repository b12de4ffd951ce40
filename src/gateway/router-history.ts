// Reads what a retune replays: every rating and routing decision on the ledger, in log order,
// the prompt features kept beside the ledger for the requests they name, and the version live
// now. The adapter half of `lumen router retune`; src/routing/retune.ts does the rest, purely.
import type { EventOf } from '../domain/events.ts';
import type { EventStore, GlobalPosition } from '../ledger/event-store.ts';
import { bootstrapRouter } from '../routing/bootstrap.ts';
import type { RouterParameters } from '../routing/parameters.ts';
import { requestIdsOf, type DecisionFact, type KeptFeatures, type RatingFact } from '../routing/retune-inputs.ts';
import type { RouterStore } from './router-store.ts';
import { publishedVersions, type PublishedVersion } from './router-versions.ts';

/** A retune reads the whole log, a page at a time. */
export const historyReadLimits = { eventsPerRead: 5_000 } as const;

export type RoutingHistory = {
  readonly ratings: RatingFact[];
  readonly decisions: DecisionFact[];
  readonly kept: Map<string, KeptFeatures>;
};

export async function readRoutingHistory(store: EventStore, routerStore: RouterStore,
  onProgress: (eventsRead: number) => void = () => undefined): Promise<RoutingHistory> {
  const ratings: RatingFact[] = [];
  const decisions: DecisionFact[] = [];
  let after: GlobalPosition | undefined;
  let eventsRead = 0;
  for (;;) {
    const events = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: historyReadLimits.eventsPerRead });
    const last = events.at(-1);
    if (last === undefined) break;
    for (const recorded of events) {
      if (recorded.type === 'ResponseRated') ratings.push(recorded.data as EventOf<'ResponseRated'>['data']);
      else if (recorded.type === 'RoutingDecided') decisions.push(recorded.data as EventOf<'RoutingDecided'>['data']);
    }
    eventsRead += events.length;
    onProgress(eventsRead);
    after = last.global;
  }
  const requestIds = new Set([...ratings.map((rating) => rating.requestId), ...decisions.flatMap(requestIdsOf)]);
  const rows = await routerStore.featuresOf([...requestIds].sort());
  const kept = new Map([...rows].map(([requestId, row]) => [requestId, { featureVersion: row.featureVersion, features: row.features }]));
  return { ratings, decisions, kept };
}

export type LiveVersion = { readonly parameters: RouterParameters; readonly published: PublishedVersion | undefined };

/**
 * The version a new one would replace. With none published yet, that is the shipped bootstrap
 * version: the one a gateway publishes when it starts on an empty ledger.
 */
export async function liveVersion(store: EventStore, routerStore: RouterStore): Promise<LiveVersion> {
  const published = (await publishedVersions(store)).at(-1);
  if (published === undefined) return { parameters: bootstrapRouter().parameters, published: undefined };
  const parameters = await routerStore.loadParameters(published.parametersSha256);
  if (parameters === undefined) {
    throw new Error(`the parameters of live router version ${published.version} are missing or do not match their digest`);
  }
  return { parameters, published };
}
