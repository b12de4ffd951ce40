// Which router version is live. Versions are RouterVersionPublished events on the `router`
// stream; their parameters live beside the ledger (router-store.ts) under the digest the event
// names. A gateway with an empty stream publishes the shipped bootstrap version first. Every
// process follows the stream (a short poll), so a version published by `lumen router retune`
// goes live everywhere without a restart. Decisions read `current()`: no I/O on that path.
import { latestSchemaVersion, type EventOf } from '../domain/events.ts';
import { StoreError, type EventStore, type RecordedEvent } from '../ledger/event-store.ts';
import { bootstrapRouter } from '../routing/bootstrap.ts';
import { featureVersion } from '../routing/features.ts';
import type { RouterParameters } from '../routing/parameters.ts';
import type { RouterStore } from './router-store.ts';

export const routerStream = 'router';

export type PublishedVersion = EventOf<'RouterVersionPublished'>['data'];

export interface LiveRouter {
  readonly version: string;
  readonly parameters: RouterParameters;
  readonly published: PublishedVersion;
}

export interface PublishInput {
  parameters: RouterParameters;
  source: PublishedVersion['source'];
  history: PublishedVersion['history'];
  report: PublishedVersion['report'];
}

/** The published versions, oldest first. */
export async function publishedVersions(store: EventStore): Promise<PublishedVersion[]> {
  const events = await store.readStream(routerStream);
  return events.filter((event) => event.type === 'RouterVersionPublished').map((event) => event.data as PublishedVersion);
}

/**
 * Stores the parameters and appends the version after the stream's current head. Publishing a
 * version that is already the latest is a no-op (the event id is derived from the digest).
 */
export async function publishRouterVersion(store: EventStore, routerStore: RouterStore, input: PublishInput): Promise<PublishedVersion> {
  const saved = await routerStore.saveParameters(input.parameters);
  const events = await store.readStream(routerStream);
  const latest = events.at(-1);
  const previous = latest === undefined ? null : (latest.data as PublishedVersion);
  if (previous?.parametersSha256 === saved.sha256) return previous;
  const data: PublishedVersion = { version: input.parameters.version, parametersSha256: saved.sha256, parametersBytes: saved.bytes,
    featureVersion: input.parameters.featureVersion, previousVersion: previous?.version ?? null, source: input.source,
    history: input.history, report: input.report };
  await store.append(routerStream, [{ id: `router-version:${events.length}:${saved.sha256}`, type: 'RouterVersionPublished',
    schemaVersion: latestSchemaVersion('RouterVersionPublished'), data }], latest === undefined ? 'no_stream' : latest.version);
  return data;
}

export class RouterVersions {
  private live: LiveRouter | undefined;
  private seenVersion = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: EventStore, private readonly routerStore: RouterStore,
    private readonly options: { pollIntervalMs: number; onError: (error: unknown) => void }) {}

  /** Loads the live version, publishing the bootstrap version into an empty ledger first. */
  async start(): Promise<void> {
    if ((await this.store.readStream(routerStream)).length === 0) await this.publishBootstrap();
    await this.refresh();
    // One refresh at a time: two slow loads finishing out of order could put an older version back.
    let refreshing = false;
    this.timer = setInterval(() => {
      if (refreshing) return;
      refreshing = true;
      void this.refresh().catch(this.options.onError).finally(() => { refreshing = false; });
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  current(): LiveRouter {
    if (this.live === undefined) throw new Error('RouterVersions.current() before start()');
    return this.live;
  }

  /**
   * Follows the stream: the newest version this build can use goes live. A version it cannot
   * use (features of another build, parameters missing or not matching their digest) is
   * reported and passed over for the one before it, and at worst for the shipped bootstrap,
   * so a bad publication never stops a gateway from starting or serving.
   */
  async refresh(): Promise<void> {
    const events = await this.store.readStream(routerStream);
    const latest: RecordedEvent | undefined = events.at(-1);
    if (latest === undefined || latest.version === this.seenVersion) return;
    for (let index = events.length - 1; index >= 0; index -= 1) {
      const published = events[index]!.data as PublishedVersion;
      if (this.live?.published.parametersSha256 === published.parametersSha256) break;
      const parameters = published.featureVersion === featureVersion
        ? await this.routerStore.loadParameters(published.parametersSha256) : undefined;
      if (parameters !== undefined) {
        this.live = { version: published.version, parameters, published };
        break;
      }
      this.options.onError(new Error(`router version ${published.version} cannot be used by this build (features `
        + `${published.featureVersion}, this build ${featureVersion}; or its parameters are missing or altered)`));
    }
    if (this.live === undefined) {
      const { parameters, history } = bootstrapRouter();
      this.live = { version: parameters.version, parameters, published: { version: parameters.version, parametersSha256: '',
        parametersBytes: 0, featureVersion, previousVersion: null, source: 'bootstrap', history, report: null } };
    }
    this.seenVersion = latest.version;
  }

  private async publishBootstrap(): Promise<void> {
    const { parameters, history } = bootstrapRouter();
    try {
      await publishRouterVersion(this.store, this.routerStore, { parameters, source: 'bootstrap', report: null, history });
    } catch (error) {
      // Another process published first; its version is the one to load.
      if (!(error instanceof StoreError && error.code === 'wrong_expected_version')) throw error;
    }
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
