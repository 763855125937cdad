// The floor: the cheapest statements that do the same kind of work as a lock operation, issued the same
// way (knex, one connection per worker, same target, same concurrency, same hot ids). A lock operation's
// p50 divided by these tells how much the protocol itself costs beyond "one round trip" (SELECT 1) and
// "one contended single-row write" (INSERT … ON CONFLICT DO UPDATE).
import type { Knex } from "knex";
import { openKnex, type VisorConnection } from "../components/visor/connection";
import { runClosedLoop, timed, type LoadResult, type Phase } from "./load";

/** Same columns, types and primary key as scheduler_locks, but no Visor code ever reads it. */
export const SCRATCH_TABLE = "visor_bench_floor_locks";

export async function createScratchTable(admin: Knex): Promise<void> {
  await admin.raw(`DROP TABLE IF EXISTS ${SCRATCH_TABLE}`);
  await admin.raw(`CREATE TABLE ${SCRATCH_TABLE} (LIKE scheduler_locks INCLUDING ALL)`);
}

export async function dropScratchTable(admin: Knex): Promise<void> {
  await admin.raw(`DROP TABLE IF EXISTS ${SCRATCH_TABLE}`);
}

const UPSERT = `INSERT INTO ${SCRATCH_TABLE} (lock_id, node_id, lock_token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (lock_id) DO UPDATE SET node_id = EXCLUDED.node_id, lock_token = EXCLUDED.lock_token,
    acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at`;

export type FloorOp = "select1" | "upsert";

/** Opens `n` single-connection pools and makes sure each has connected before timing starts. */
export async function openWorkers(conn: VisorConnection, n: number): Promise<Knex[]> {
  const pools = await Promise.all(Array.from({ length: n }, () => openKnex(conn, { pool: { min: 0, max: 1 } })));
  await Promise.all(pools.map((db) => db.raw("SELECT 1")));
  return pools;
}

export async function runFloor(
  conn: VisorConnection,
  op: FloorOp,
  nodes: number,
  lockIds: readonly string[],
  phase: Phase,
): Promise<LoadResult> {
  const pools = await openWorkers(conn, nodes);
  try {
    return await runClosedLoop(
      pools.map((db, i) => ({ db, nodeId: `bench-floor-${i}` })),
      phase,
      async (w, rec) => {
        if (op === "select1") {
          await timed(rec, op, () => w.db.raw("SELECT 1"));
          return;
        }
        const lockId = lockIds[Math.floor(Math.random() * lockIds.length)]!;
        const now = Date.now();
        await timed(rec, op, () => w.db.raw(UPSERT, [lockId, w.nodeId, "floor", now, now + 60_000]));
      },
    );
  } finally {
    await Promise.all(pools.map((db) => db.destroy()));
  }
}
