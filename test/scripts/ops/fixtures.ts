// Visor-shaped rows for the operations tests: schedules with JSON inputs, unicode, NULLs, booleans and
// epoch-ms BIGINTs past 2^32, and scheduler_locks some of which have expired.
import { randomUUID } from "node:crypto";
import { tableHashes, type Row } from "../../../scripts/ops/checksum";
import { VISOR_TABLES } from "../../../components/visor/schema-definition";
import { openKnex } from "../../../components/visor/connection";

export function scheduleRow(i: number, now = 1_790_000_000_000): Row {
  const recurring = i % 3 !== 0;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    creator_id: `U${i % 97}`,
    creator_context: i % 5 === 0 ? null : `slack:#chan-${i % 7}`,
    creator_name: i % 11 === 0 ? "Zoë ✓ 日本" : `user ${i}`,
    timezone: i % 4 === 0 ? "Europe/Prague" : "UTC",
    schedule_expr: recurring ? `${i % 60} * * * *` : null,
    run_at: recurring ? null : now + i * 1000,
    is_recurring: recurring,
    original_expression: recurring ? `every hour at minute ${i % 60}` : `in ${i} seconds`,
    workflow: `wf-${i % 13}`,
    workflow_inputs: JSON.stringify({
      n: i,
      text: `quote " and \\ backslash ${i}`,
      nested: { ok: i % 2 === 0, list: [1, 2, i] },
    }),
    output_context: i % 6 === 0 ? null : JSON.stringify({ type: "slack", channel: `C${i}`, thread: null }),
    status: ["active", "paused", "completed", "failed"][i % 4],
    created_at: now - i * 60_000,
    last_run_at: i % 2 ? now - i : null,
    next_run_at: now + i * 60_000,
    run_count: i % 50,
    failure_count: i % 3,
    last_error: i % 17 === 0 ? "boom\nmulti-line error" : null,
    previous_response: i % 9 === 0 ? "previous ✓ response" : null,
    claimed_by: i % 1000 === 1 ? `node-${i}` : null,
    claimed_at: i % 1000 === 1 ? now - 3_600_000 : null,
    lock_token: i % 1000 === 1 ? randomUUID() : null,
  };
}

export function lockRow(i: number, nowMs: number): Row {
  return {
    lock_id: i % 2 ? `__static_cron__:job-${i}` : `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    node_id: `visor-node-${i % 3}`,
    lock_token: randomUUID(),
    acquired_at: nowMs - 10_000,
    // A few expired, the rest held for a day.
    expires_at: i < 3 ? nowMs - 5_000 : nowMs + 86_400_000,
  };
}

/** Inserts `schedules` schedules and `locks` locks into a bootstrapped database. */
export async function seed(url: string, schedules: number, locks: number): Promise<void> {
  const db = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  try {
    // Claims an hour old by this host's clock (monitor measures claim age against the database clock).
    const rows = Array.from({ length: schedules }, (_, i) => scheduleRow(i)).map((r) =>
      r.claimed_at === null ? r : { ...r, claimed_at: Date.now() - 3_600_000 },
    );
    for (let i = 0; i < rows.length; i += 500) await db("schedules").insert(rows.slice(i, i + 500));
    const now = Date.now();
    if (locks) await db("scheduler_locks").insert(Array.from({ length: locks }, (_, i) => lockRow(i, now)));
  } finally {
    await db.destroy();
  }
}

/** The failure lines of a CLI run (progress lines are `visor-db <command>: …`, the failure `visor-db: …`). */
export function failureLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("visor-db: "));
}

/** Which of Visor's tables exist at `url`. */
export async function targetTables(url: string): Promise<string[]> {
  const db = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  try {
    const out: string[] = [];
    for (const t of ["schedules", "scheduler_locks", "message_triggers"]) if (await db.schema.hasTable(t)) out.push(t);
    return out;
  } finally {
    await db.destroy();
  }
}

/** Per-row hashes of Visor's three tables, for "every row identical". */
export async function visorRows(url: string): Promise<Record<string, [string, string][]>> {
  const db = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  try {
    const out: Record<string, [string, string][]> = {};
    for (const spec of VISOR_TABLES) out[spec.name] = [...((await tableHashes(db, spec))?.hashes ?? [])].sort();
    return out;
  } finally {
    await db.destroy();
  }
}
