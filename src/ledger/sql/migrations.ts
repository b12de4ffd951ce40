// Schema migrations, applied on every start. Each migration runs once, in order, inside one
// transaction that also records it; an advisory lock keeps two starting processes from racing.
import type { SqlClient } from './sql-client.ts';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events, stream heads, append-only guard',
    sql: `
      create table lumen_events (
        position bigint generated always as identity primary key,
        -- The writing transaction: readers only read below the oldest running transaction, so a
        -- slow transaction's events can never be skipped (see ARCHITECTURE.md, "global order").
        transaction_id xid8 not null default pg_current_xact_id(),
        event_id text not null unique,
        stream_id text not null,
        stream_version integer not null,
        type text not null,
        schema_version integer not null,
        data text not null,
        metadata text not null,
        recorded_at timestamptz not null,
        previous_hash bytea,
        hash bytea not null unique,
        unique (stream_id, stream_version)
      );
      create index lumen_events_global_order on lumen_events (transaction_id, position);

      -- The head of each stream, kept by every append so that finding a chain's tail never
      -- scans the events table.
      create table lumen_streams (
        stream_id text primary key,
        version integer not null,
        last_hash bytea not null
      );

      create function lumen_events_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'lumen_events is append-only: % refused', tg_op
          using errcode = 'insufficient_privilege';
      end $$;
      create trigger lumen_events_no_update_delete before update or delete on lumen_events
        for each row execute function lumen_events_refuse_change();
      create trigger lumen_events_no_truncate before truncate on lumen_events
        for each statement execute function lumen_events_refuse_change();
    `,
  },
  {
    version: 2,
    name: 'projection checkpoints and read models',
    sql: `
      create table lumen_projection_checkpoints (
        projection text primary key,
        projection_version integer not null,
        transaction_id xid8 not null,
        position bigint not null,
        events_applied bigint not null
      );
      -- Read models are documents keyed within their projection, stored as canonical JSON so
      -- that a rebuild can be compared byte for byte with the incrementally kept copy.
      create table lumen_read_models (
        projection text not null,
        key text not null,
        document text not null,
        primary key (projection, key)
      );
    `,
  },
  {
    version: 3,
    name: 'stored responses',
    sql: `
      -- Conversation content a client asked Lumen to keep (Responses API "store"). Deliberately
      -- outside the hash-linked log: content is the client's to have deleted, the ledger's
      -- events never carry it. The response column is the object as sent, for GET /v1/responses/{id}.
      create table lumen_stored_responses (
        response_id text primary key,
        account_id text not null,
        created_at timestamptz not null default now(),
        turns text not null,
        response text not null
      );
    `,
  },
  {
    version: 4,
    name: 'request content kept on request',
    sql: `
      -- Prompts and completions of requests that set "observability": true. Kept beside the
      -- ledger, never in it: the hash-linked RequestCompleted event names the request, this row
      -- holds its content, and deleting the row breaks no hash.
      create table lumen_request_content (
        request_id text primary key,
        account_id text not null,
        event_hash text not null,
        created_at timestamptz not null default now(),
        request text not null,
        response text not null
      );
      create index lumen_request_content_account on lumen_request_content (account_id, created_at);
    `,
  },
  {
    version: 5,
    name: 'merkle log of the ledger',
    sql: `
      -- The Merkle log over every event in global order (src/audit/log). Leaf i seals the event
      -- hash of the i-th event; its leaf hash is SHA-256(0x00 || event hash) (RFC 9162).
      create table lumen_audit_leaves (
        leaf_index bigint primary key,
        event_hash bytea not null unique
      );
      -- Interior perfect subtrees, only of every fourth level (src/audit/strata.ts); the others
      -- are refolded from these and the leaves when a proof needs them.
      create table lumen_audit_nodes (
        level smallint not null,
        node_index bigint not null,
        hash bytea not null,
        primary key (level, node_index)
      );
      -- How far the log is sealed: one row, moved by the one sealer holding the advisory lock.
      create table lumen_audit_state (
        singleton boolean primary key check (singleton),
        tree_size bigint not null,
        transaction_id xid8 not null,
        position bigint not null
      );
      create function lumen_audit_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % refused', tg_table_name, tg_op
          using errcode = 'insufficient_privilege';
      end $$;
      create trigger lumen_audit_leaves_no_update_delete before update or delete on lumen_audit_leaves
        for each row execute function lumen_audit_refuse_change();
      create trigger lumen_audit_leaves_no_truncate before truncate on lumen_audit_leaves
        for each statement execute function lumen_audit_refuse_change();
      create trigger lumen_audit_nodes_no_update_delete before update or delete on lumen_audit_nodes
        for each row execute function lumen_audit_refuse_change();
      create trigger lumen_audit_nodes_no_truncate before truncate on lumen_audit_nodes
        for each statement execute function lumen_audit_refuse_change();
    `,
  },
  {
    version: 6,
    name: 'router parameters and prompt features',
    sql: `
      -- Router versions' fitted parameters (megabytes of JSON), by the digest that the
      -- RouterVersionPublished event names. Written once, never changed.
      create table lumen_router_parameters (
        sha256 text primary key,
        version text not null unique,
        body text not null,
        created_at timestamptz not null default now()
      );
      -- Each chat request's hashed prompt features (term ids, not text) and prompt kind, so a
      -- rating can be replayed into a fit. Beside the ledger, so they can be deleted.
      create table lumen_prompt_features (
        request_id text primary key,
        account_id text not null,
        feature_version text not null,
        prompt_kind text not null,
        router_version text,
        -- Sorted term ids as base64 LEB128 varints of their gaps (router-store.ts).
        term_ids text not null,
        created_at timestamptz not null default now()
      );
      create index lumen_prompt_features_account on lumen_prompt_features (account_id, created_at);
    `,
  },
  {
    version: 7,
    name: 'rating notes, prompt feature retention',
    sql: `
      -- Notes given with ratings (POST /v1/feedback): free text, so beside the ledger.
      create table lumen_rating_notes (
        rating_id text primary key,
        account_id text not null,
        request_id text not null,
        notes text not null,
        created_at timestamptz not null default now()
      );
      -- Old prompt features are deleted by age (router-store.ts pruneFeatures).
      create index lumen_prompt_features_created on lumen_prompt_features (created_at);
    `,
  },
];

export async function migrate(client: SqlClient): Promise<number> {
  return client.transaction(async (executor) => {
    await executor.query('select pg_advisory_xact_lock(7461)');
    await executor.exec(`
      create table if not exists lumen_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      );
    `);
    const rows = await executor.query<{ version: number }>('select version from lumen_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    let count = 0;
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await executor.exec(migration.sql);
      await executor.query('insert into lumen_migrations (version, name) values ($1, $2)',
        [migration.version, migration.name]);
      count += 1;
    }
    return count;
  });
}
