// An in-memory stand-in for the parts of the EventStoreDB client the adapter calls, modelled on
// the server's documented behaviour: expected revisions, silent acceptance of an append whose
// event UUIDs already follow the expected revision, $all with its own system events, reads that
// include their start position and subscriptions that start after it. It lets the adapter's own
// logic run the contract here; it is not evidence about the real server.
import {
  ANY, BACKWARDS, END, NO_STREAM, START, STREAM_EXISTS, StreamNotFoundError, WrongExpectedVersionError,
  type AppendExpectedRevision, type EventData, type Position, type RecordedEvent,
} from '@eventstore/db-client';

interface Options {
  direction?: string;
  fromRevision?: typeof START | typeof END | bigint;
  fromPosition?: typeof START | typeof END | Position;
  maxCount?: number | bigint;
  expectedRevision?: AppendExpectedRevision;
}

interface Stored {
  streamId: string; id: string; revision: bigint; type: string; dataText: string; metadataText: string;
  position: Position;
}

export class FakeEventStoreDbClient {
  private readonly log: Stored[] = [];
  private readonly streams = new Map<string, Stored[]>();
  private nextPosition = 0n;
  private readonly waiting = new Set<() => void>();
  appendCalls = 0;

  constructor() {
    this.write('$epoch-information', [{ id: 'epoch', type: '$epoch', data: {}, metadata: undefined }]);
  }

  async appendToStream(streamId: string, events: EventData[], options: Options = {}) {
    this.appendCalls += 1;
    // Yield once, so that concurrent appends interleave the way they would over the network.
    await new Promise((resolve) => setImmediate(resolve));
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length === 0 ? NO_STREAM : BigInt(stream.length - 1);
    const expected = options.expectedRevision ?? ANY;
    const fits = expected === ANY || (expected === STREAM_EXISTS && current !== NO_STREAM) || expected === current;
    if (!fits) {
      const after = expected === NO_STREAM ? 0 : typeof expected === 'bigint' ? Number(expected) + 1 : -1;
      const following = after >= 0 ? stream.slice(after, after + events.length) : [];
      if (following.length === events.length && following.every((event, index) => event.id === events[index]!.id)) {
        return { success: true, nextExpectedRevision: BigInt(after + events.length - 1) };
      }
      throw new WrongExpectedVersionError(undefined, { streamName: streamId, expected, current });
    }
    this.write(streamId, events);
    // The server writes bookkeeping of its own into $all now and then.
    if (this.appendCalls % 3 === 0) {
      this.write('$stats-127.0.0.1:2113', [{ id: `stats-${this.appendCalls}`, type: '$statsCollected', data: {}, metadata: undefined }]);
    }
    return { success: true, nextExpectedRevision: BigInt((this.streams.get(streamId)?.length ?? 0) - 1) };
  }

  readStream(streamId: string, options: Options = {}) {
    const stream = this.streams.get(streamId);
    const backwards = options.direction === BACKWARDS;
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const view = this.view.bind(this);
    return (async function* () {
      if (stream === undefined) throw new StreamNotFoundError(undefined, streamId);
      const from = options.fromRevision;
      const ordered = backwards ? [...stream].reverse() : stream;
      const selected = ordered.filter((event) => from === undefined || from === START || from === END
        || (backwards ? event.revision <= from : event.revision >= from));
      for (const event of selected.slice(0, maxCount)) yield { event: view(event) };
    })();
  }

  readAll(options: Options = {}) {
    const backwards = options.direction === BACKWARDS;
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition;
    const ordered = backwards ? [...this.log].reverse() : [...this.log];
    const selected = ordered.filter((event) => from === undefined || from === START || from === END
      || comparePositions(event.position, from) >= 0);
    const view = this.view.bind(this);
    return (async function* () {
      for (const event of selected.slice(0, maxCount)) yield { event: view(event) };
    })();
  }

  subscribeToAll(options: Options = {}) {
    let stopped = false;
    let next = 0;
    const from = options.fromPosition;
    const client = this;
    async function* follow() {
      if (from !== undefined && from !== START) {
        while (next < client.log.length && comparePositions(client.log[next]!.position, from as Position) <= 0) next += 1;
      }
      while (!stopped) {
        if (next < client.log.length) {
          const event = client.log[next]!;
          next += 1;
          if (!event.type.startsWith('$')) yield { event: client.view(event) };
          continue;
        }
        await new Promise<void>((resolve) => {
          const wake = () => { client.waiting.delete(wake); resolve(); };
          client.waiting.add(wake);
        });
      }
    }
    const iterator = follow();
    return Object.assign(iterator, {
      async unsubscribe() {
        stopped = true;
        for (const wake of [...client.waiting]) wake();
      },
    });
  }

  async dispose() {}

  /** Changes a stored payload in place, as someone with access to the database files could. */
  rewriteData(streamId: string, revision: number, data: unknown): void {
    const event = this.streams.get(streamId)?.[revision];
    if (event === undefined) throw new Error(`no event ${streamId}@${revision}`);
    event.dataText = JSON.stringify(data);
  }

  private write(streamId: string, events: Array<Pick<EventData, 'id' | 'type' | 'data' | 'metadata'>>) {
    const stream = this.streams.get(streamId) ?? [];
    for (const event of events) {
      this.nextPosition += 100n;
      const stored: Stored = { streamId, id: event.id, revision: BigInt(stream.length), type: event.type,
        dataText: JSON.stringify(event.data), metadataText: event.metadata === undefined ? '' : JSON.stringify(event.metadata),
        position: { commit: this.nextPosition, prepare: this.nextPosition } };
      stream.push(stored);
      this.log.push(stored);
    }
    this.streams.set(streamId, stream);
    for (const wake of [...this.waiting]) wake();
  }

  /** What the client hands out: freshly parsed JSON, as it parses the bytes it receives. */
  private view(event: Stored): RecordedEvent {
    return { streamId: event.streamId, id: event.id, revision: event.revision, type: event.type, isJson: true,
      created: new Date(), data: JSON.parse(event.dataText), position: event.position,
      metadata: event.metadataText === '' ? undefined : JSON.parse(event.metadataText) } as RecordedEvent;
  }
}

function comparePositions(left: Position, right: Position): number {
  if (left.commit !== right.commit) return left.commit < right.commit ? -1 : 1;
  return left.prepare === right.prepare ? 0 : left.prepare < right.prepare ? -1 : 1;
}
