// Shared by the schema-provider-*.test.ts files: the expected schema, SQL helpers against a scratch
// database, a connection-counting listener and a create call as the engine makes it.
import { createServer, type Server } from "node:net";
import { Client } from "pg";
import { schemaProviderLogic, type SchemaProviderInputs } from "../../../components/visor/providers/schema-logic";
import type { Endpoint } from "../../../scripts/local-env/environment";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const VISOR_TABLES = ["schedules", "scheduler_locks", "message_triggers"];
export const EXPECTED_INDEXES = [
  "message_triggers.idx_message_triggers_creator_id(creator_id)",
  "message_triggers.idx_message_triggers_status(status)",
  "schedules.idx_schedules_creator_id(creator_id)",
  "schedules.idx_schedules_status(status)",
  "schedules.idx_schedules_status_next_run(status,next_run_at)",
];

export function connectionOf(ep: Endpoint) {
  return {
    host: ep.host,
    port: ep.port,
    database: ep.database,
    user: ep.user,
    password: ep.password,
    ssl: { mode: "disable" as const },
  };
}

export async function sql<T = Record<string, unknown>>(ep: Endpoint, text: string): Promise<T[]> {
  const c = new Client({ connectionString: ep.url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

export async function tablesIn(ep: Endpoint): Promise<string[]> {
  const rows = await sql<{ t: string }>(
    ep,
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

export async function fillRows(ep: Endpoint): Promise<void> {
  await sql(
    ep,
    `INSERT INTO schedules (id, creator_id, is_recurring, status, created_at, workflow_inputs, next_run_at, lock_token)
     SELECT 'sched-' || g, 'creator-' || (g % 7), g % 2 = 0, 'active', 1700000000000 + g, '{"n":' || g || ',"t":"héllo"}', 9007199254740991 - g, 'tok-' || g
     FROM generate_series(1, 60) g`,
  );
  await sql(
    ep,
    `INSERT INTO scheduler_locks (lock_id, node_id, lock_token, acquired_at, expires_at)
     SELECT 'lock-' || g, 'node-' || g, 'tok-' || g, 1700000000000, 1700000060000 FROM generate_series(1, 5) g`,
  );
  await sql(
    ep,
    `INSERT INTO message_triggers (id, creator_id, workflow, created_at) SELECT 'trig-' || g, 'c', 'wf', 1700000000000 FROM generate_series(1, 9) g`,
  );
}

/** Row count and an md5 over every row of every Visor table (optionally leaving a column of schedules out). */
export async function checksum(
  ep: Endpoint,
  withoutScheduleColumn?: string,
): Promise<Record<string, { n: number; sum: string }>> {
  const out: Record<string, { n: number; sum: string }> = {};
  for (const table of VISOR_TABLES) {
    const key = table === "scheduler_locks" ? "lock_id" : "id";
    const row =
      table === "schedules" && withoutScheduleColumn ? `(to_jsonb(t) - '${withoutScheduleColumn}')::text` : "to_jsonb(t)::text";
    const [r] = await sql<{ n: number; sum: string }>(
      ep,
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(${row}, '|' ORDER BY ${key}), '')) AS sum FROM ${table} t`,
    );
    out[table] = r!;
  }
  return out;
}

/** A TCP listener that counts connection attempts: proves check/diff never reach the database. */
export async function countingListener(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, count: () => n, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function createOn(ep: Endpoint, extra: Partial<SchemaProviderInputs> = {}) {
  const inputs: SchemaProviderInputs = { connection: connectionOf(ep), retainOnDelete: true, ...extra };
  const result = await schemaProviderLogic.create(inputs);
  return { inputs, ...result };
}
