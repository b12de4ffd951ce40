// `lumen verify`: walks the whole log in global order, recomputes every hash and link, and
// reports the first bad event. Rows altered, removed or reordered within a stream all break
// either a hash, a link or the version sequence; a removed last event breaks the stream head.
import { canonicalJson } from '../canonical.ts';
import { checkEvent } from '../hash-chain.ts';
import { decodeEventRow, EVENT_COLUMNS, type StoredEvent } from './event-rows.ts';
import type { SqlExecutor, SqlRow } from './sql-client.ts';

export interface VerifyProblem {
  position: string;
  streamId: string;
  version: number;
  code: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  problem?: VerifyProblem;
}

const PAGE_SIZE = 5000;

export async function verifyLog(
  client: SqlExecutor,
  onProgress: (eventsChecked: number, eventsTotal: number) => void = () => undefined,
): Promise<VerifyReport> {
  const [{ count }] = await client.query<{ count: string }>('select count(*)::text as count from lumen_events') as [{ count: string }];
  const total = Number(count);
  const tails = new Map<string, { version: number; hash: string }>();
  let checked = 0;
  let after = { transactionId: '0', position: '0' };
  for (;;) {
    const rows = await client.query(
      `select ${EVENT_COLUMNS} from lumen_events where (transaction_id, position) > ($1::text::xid8, $2::int8)
       order by transaction_id, position limit $3`, [after.transactionId, after.position, PAGE_SIZE]);
    if (rows.length === 0) break;
    for (const row of rows) {
      const decoded = decodeOrProblem(row);
      if ('problem' in decoded) return { ok: false, eventsChecked: checked, streamsChecked: tails.size, problem: decoded.problem };
      const event = decoded.event;
      const problem = checkOne(event, tails.get(event.streamId));
      if (problem !== undefined) return { ok: false, eventsChecked: checked, streamsChecked: tails.size, problem };
      tails.set(event.streamId, { version: event.version, hash: event.hash });
      checked += 1;
    }
    const last = rows.at(-1)!;
    after = { transactionId: String(last.transaction_text), position: String(last.position) };
    onProgress(checked, total);
  }
  const headProblem = await checkHeads(client, tails);
  if (headProblem !== undefined) return { ok: false, eventsChecked: checked, streamsChecked: tails.size, problem: headProblem };
  return { ok: true, eventsChecked: checked, streamsChecked: tails.size };
}

/** A row whose payload no longer parses is itself the finding, not a crash of the verifier. */
function decodeOrProblem(row: SqlRow): { event: StoredEvent } | { problem: VerifyProblem } {
  try {
    return { event: decodeEventRow(row) };
  } catch (error) {
    return { problem: { position: String(row.position), streamId: String(row.stream_id), version: Number(row.stream_version),
      code: 'malformed_payload', message: `stored payload does not parse: ${(error as Error).message}` } };
  }
}

function checkOne(event: StoredEvent, previous: { version: number; hash: string } | undefined): VerifyProblem | undefined {
  const place = { position: event.global.position.toString(), streamId: event.streamId, version: event.version };
  if (previous === undefined && event.version !== 0) {
    return { ...place, code: 'version_gap', message: `the stream's first event in the log has version ${event.version}` };
  }
  const problem = checkEvent(event, previous);
  if (problem !== null) return { ...place, code: problem.code, message: problem.message };
  if (canonicalJson(event.data) !== event.dataJson || canonicalJson(event.metadata) !== event.metadataJson) {
    return { ...place, code: 'not_canonical', message: 'stored payload is not in canonical form' };
  }
  return undefined;
}

async function checkHeads(
  client: SqlExecutor,
  tails: Map<string, { version: number; hash: string }>,
): Promise<VerifyProblem | undefined> {
  const heads = await client.query(`select stream_id, version, encode(last_hash, 'hex') as last_hash from lumen_streams`);
  for (const head of heads) {
    const streamId = String(head.stream_id);
    const tail = tails.get(streamId);
    if (tail === undefined || tail.version !== Number(head.version) || tail.hash !== String(head.last_hash)) {
      return {
        position: 'head', streamId, version: Number(head.version), code: 'missing_events',
        message: `the stream head records version ${head.version} but the log ends at ${tail?.version ?? 'nothing'}`,
      };
    }
  }
  if (heads.length !== tails.size) {
    const known = new Set(heads.map((head) => String(head.stream_id)));
    const orphan = [...tails.keys()].find((streamId) => !known.has(streamId))!;
    return { position: 'head', streamId: orphan, version: tails.get(orphan)!.version, code: 'missing_head',
      message: 'the stream has events but no head' };
  }
  return undefined;
}
