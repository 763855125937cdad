// message_triggers rows as Visor writes them (JSON text in channels/from_users/inputs/output_context,
// unicode, NULLs, booleans), and helpers the restore/verify tests share.
import type { Row } from "../../../scripts/ops/checksum";
import { openKnex } from "../../../components/visor/connection";
import { pgQuery } from "../../support/servers";

export function triggerRow(i: number, now = 1_790_000_000_000): Row {
  return {
    id: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    creator_id: `U${i % 31}`,
    creator_context: i % 4 === 0 ? null : `slack:#ops-${i % 5}`,
    creator_name: i % 7 === 0 ? "Zoë ✓ 日本" : `user ${i}`,
    description: i % 3 === 0 ? null : `when someone says "deploy" #${i}`,
    channels: JSON.stringify([`C${i}`, `C${i + 1}`]),
    from_users: i % 2 ? JSON.stringify([`U${i}`]) : null,
    from_bots: i % 5 === 0,
    contains: i % 2 ? "deploy" : null,
    match_pattern: i % 3 === 1 ? "^ship (\\w+)$" : null,
    threads: ["any", "root_only", "thread_only"][i % 3],
    workflow: `wf-trigger-${i % 4}`,
    inputs: JSON.stringify({ n: i, text: `quote " and \\ ${i}` }),
    output_context: i % 6 === 0 ? null : JSON.stringify({ type: "slack", channel: `C${i}` }),
    status: i % 4 === 3 ? "paused" : "active",
    enabled: i % 4 !== 3,
    created_at: now - i * 1000,
  };
}

export async function seedTriggers(url: string, count: number): Promise<void> {
  const db = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  try {
    if (count) await db("message_triggers").insert(Array.from({ length: count }, (_, i) => triggerRow(i)));
  } finally {
    await db.destroy();
  }
}

/** Another application's table beside Visor's, with `rows` rows marked by `label`. */
export async function addAppAudit(url: string, rows: number, label: string): Promise<void> {
  await pgQuery(url, "CREATE TABLE app_audit (id integer PRIMARY KEY, note text NOT NULL)");
  await pgQuery(url, "INSERT INTO app_audit SELECT g, $1 || g FROM generate_series(1, $2::int) g", [label, rows]);
}
