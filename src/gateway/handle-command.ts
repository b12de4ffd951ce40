// The one write path for aggregate streams: load the stream, fold it, decide, append with the
// expected version, and on a concurrent write retry a bounded number of times.
import { latestSchemaVersion, asLumenEvent, type LumenEvent } from '../domain/events.ts';
import { WrongExpectedVersion, type EventStore, type RecordedEvent } from '../ledger/event-store.ts';

export interface Decider<State, Command> {
  initial(): State;
  decide(command: Command, state: State): Array<{ id: string; event: LumenEvent }>;
  evolve(state: State, event: LumenEvent, eventId: string): State;
}

export interface Handled<State> {
  state: State;
  /** The events this command appended (empty when it changed nothing). */
  events: RecordedEvent[];
}

const RETRIES_MAX = 5;

export async function handleCommand<State, Command>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command>,
  command: Command,
  now: Date,
): Promise<Handled<State>> {
  for (let attempt = 0; ; attempt += 1) {
    const history = await store.readStream(streamId);
    const state = history.reduce((current, recorded) => decider.evolve(current, asLumenEvent(recorded), recorded.id), decider.initial());
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { state, events: [] };
    const expected = history.length === 0 ? 'no_stream' : history.at(-1)!.version;
    try {
      const result = await store.append(streamId, decided.map(({ id, event }) => ({
        id, type: event.type, schemaVersion: latestSchemaVersion(event.type), data: event.data, recordedAt: now,
      })), expected);
      const next = decided.reduce((current, { id, event }) => decider.evolve(current, event, id), state);
      return { state: next, events: result.events };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= RETRIES_MAX) throw error;
    }
  }
}
