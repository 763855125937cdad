// The smoke test's row round trip: one schedule as Visor's SQL store writes it, read back identically.
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { VisorDriver } from "./connection";
import { SCHEDULES, visorColumns } from "./schema-definition";

/** A schedule row as Visor writes it (its columns only, status paused), read back identically (JSON text, bigints, booleans, unicode). */
export async function rowRoundtrip(db: Knex, driver: VisorDriver, creatorId: string): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  const row = {
    id,
    creator_id: creatorId,
    creator_context: "slack:C0SMOKE",
    creator_name: "Smoke Tëst ✓",
    timezone: "Europe/Zürich".normalize(),
    schedule_expr: "*/5 * * * *",
    run_at: null,
    is_recurring: true,
    original_expression: "every 5 minutes",
    workflow: "visor-db-smoke",
    workflow_inputs: JSON.stringify({ text: 'héllo "quoted" \\ 🚀', n: 1, nested: { ok: true, list: [1, 2, 3] } }),
    output_context: JSON.stringify({ channel: "C0SMOKE" }),
    // Never due: a Visor node polling for active schedules cannot pick this row up, even for a millisecond.
    status: "paused",
    created_at: now,
    last_run_at: null,
    next_run_at: 9_007_199_254_740_991, // Number.MAX_SAFE_INTEGER: BIGINT must hold every epoch-ms value exactly
    run_count: 2_147_483_647,
    failure_count: 0,
    last_error: null,
    // MySQL TEXT holds 65,535 bytes (Visor creates `text` columns on every dialect), so stay below it.
    previous_response: "x".repeat(60_000),
  };
  // Only the columns Visor's SQL store writes: the guide-only ones may be absent from a schema Visor made.
  const unknown = Object.keys(row).filter((k) => !visorColumns(SCHEDULES).some((c) => c.name === k));
  if (unknown.length) throw new Error(`the smoke row writes columns Visor does not: ${unknown.join(", ")}`);
  await db("schedules").insert(row);
  const [back] = await db("schedules").where({ id });
  if (!back) throw new Error("the inserted schedule row was not found");
  const norm = (k: string, v: unknown) => {
    if (v === null || v === undefined) return null;
    if (k === "is_recurring") return Boolean(Number(v) || v === true);
    if (
      typeof v === "bigint" ||
      (typeof v === "string" && /^-?\d+$/.test(v) && typeof (row as Record<string, unknown>)[k] === "number")
    )
      return Number(v);
    return v;
  };
  const bad = Object.keys(row).filter(
    (k) =>
      JSON.stringify(norm(k, (back as Record<string, unknown>)[k])) !==
      JSON.stringify(norm(k, (row as Record<string, unknown>)[k])),
  );
  await db("schedules").where({ id }).delete();
  if (bad.length) throw new Error(`columns changed on the way back: ${bad.join(", ")}`);
  JSON.parse(String(back.workflow_inputs));
  return `a schedule row (JSON text, 2^53−1 epoch ms, booleans, unicode, 60 kB text) read back identically (${driver})`;
}
