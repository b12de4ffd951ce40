// What a projection is: an evolve function over keyed read-model documents, plus the event
// types it handles. Projections are pure; the runner does the I/O.
import type { JsonObject, RecordedEvent } from './event-store.ts';

export interface Projection<Document extends JsonObject = JsonObject> {
  /** Stable name; also the namespace of its documents. */
  name: string;
  /** Bump when evolve changes meaning: the runner then rebuilds the projection from zero. */
  version: number;
  handles: readonly string[];
  /** The documents an event changes. */
  keysOf(event: RecordedEvent): string[];
  /**
   * The next state of one document; null deletes it. Must not read clocks or do I/O.
   * `sibling` gives the document of another key of the same event as it stood before the event,
   * for a document that depends on another (an aggregate that must subtract what a superseded
   * entry held); asking for a key that `keysOf` did not name is a programmer error.
   */
  evolve(document: Document | null, event: RecordedEvent, key: string, sibling: SiblingDocument<Document>): Document | null;
}

export type SiblingDocument<Document extends JsonObject = JsonObject> = (key: string) => Document | null;

export type AnyProjection = Projection<any>;
