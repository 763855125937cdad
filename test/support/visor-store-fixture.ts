// A database exactly as Visor's own SQL store (knex backend) leaves it: on start it checks whether each
// table exists and, for each missing one, runs knex's createTable, whose indexes follow as separate
// statements with knex's names. No claimed_by/claimed_at/lock_token (the guide's columns), no lock of ours.
// The DDL is written here from those facts, independently of components/visor/schema-definition.ts.
import knex, { type Knex } from "knex";
import { randomUUID } from "node:crypto";

/** The index names knex gives Visor's indexes, by table. */
export const VISOR_KNEX_INDEXES: Record<string, string[]> = {
  schedules: ["schedules_creator_id_index", "schedules_status_index", "schedules_status_next_run_at_index"],
  message_triggers: ["message_triggers_creator_id_index", "message_triggers_status_index"],
};

const TABLES: [string, (t: Knex.CreateTableBuilder) => void][] = [
  [
    "schedules",
    (t) => {
      t.string("id", 36).primary();
      t.string("creator_id", 255).notNullable().index();
      t.string("creator_context", 255);
      t.string("creator_name", 255);
      t.string("timezone", 64).notNullable().defaultTo("UTC");
      t.string("schedule_expr", 255);
      t.bigInteger("run_at");
      t.boolean("is_recurring").notNullable();
      t.text("original_expression");
      t.string("workflow", 255);
      t.text("workflow_inputs");
      t.text("output_context");
      t.string("status", 20).notNullable().index();
      t.bigInteger("created_at").notNullable();
      t.bigInteger("last_run_at");
      t.bigInteger("next_run_at");
      t.integer("run_count").notNullable().defaultTo(0);
      t.integer("failure_count").notNullable().defaultTo(0);
      t.text("last_error");
      t.text("previous_response");
      t.index(["status", "next_run_at"]);
    },
  ],
  [
    "scheduler_locks",
    (t) => {
      t.string("lock_id", 255).primary();
      t.string("node_id", 255).notNullable();
      t.string("lock_token", 36).notNullable();
      t.bigInteger("acquired_at").notNullable();
      t.bigInteger("expires_at").notNullable();
    },
  ],
  [
    "message_triggers",
    (t) => {
      t.string("id", 36).primary();
      t.string("creator_id", 255).notNullable().index();
      t.string("creator_context", 255);
      t.string("creator_name", 255);
      t.text("description");
      t.text("channels");
      t.text("from_users");
      t.boolean("from_bots").notNullable().defaultTo(false);
      t.text("contains");
      t.text("match_pattern");
      t.string("threads", 20).notNullable().defaultTo("any");
      t.string("workflow", 255).notNullable();
      t.text("inputs");
      t.text("output_context");
      t.string("status", 20).notNullable().defaultTo("active").index();
      t.boolean("enabled").notNullable().defaultTo(true);
      t.bigInteger("created_at").notNullable();
    },
  ],
];

/** The columns Visor's store made, by table, in order (for byte-for-byte row comparisons). */
export function visorStoreColumns(): Record<string, string[]> {
  const compiler = knex({ client: "pg" });
  const out: Record<string, string[]> = {};
  for (const [name, define] of TABLES) {
    const sql = compiler.schema.createTable(name, define).toSQL()[0]!.sql;
    out[name] = [...sql.matchAll(/"([a-z_]+)" (?:varchar|bigint|boolean|text|integer)/g)].map((m) => m[1]!);
  }
  return out;
}

/** Connects the way Visor does: knex with the driver's own client and the URL as given. */
export function visorKnex(url: string): Knex {
  return knex({ client: url.startsWith("mysql") ? "mysql2" : "pg", connection: url, pool: { min: 0, max: 10 } });
}

/** What Visor's store does on start: each missing table created (its indexes follow); returns what it created. */
export async function createTablesLikeVisor(db: Knex): Promise<string[]> {
  const created: string[] = [];
  for (const [name, define] of TABLES) {
    if (await db.schema.hasTable(name)) continue;
    await db.schema.createTable(name, define);
    created.push(name);
  }
  return created;
}

/** Rows in all three tables, as Visor writes them (JSON text, unicode, epoch-ms BIGINTs), and a lock held by a Visor node. */
export async function seedLikeVisor(db: Knex, now = Date.now()): Promise<void> {
  const schedules = Array.from({ length: 12 }, (_, i) => ({
    id: randomUUID(),
    creator_id: `U0${i % 3}`,
    creator_context: i % 2 ? "slack:C042" : null,
    creator_name: ["Zoë", "Łukasz", "李雷"][i % 3],
    timezone: "Europe/Zürich",
    schedule_expr: i % 4 ? "0 9 * * 1-5" : "",
    run_at: i % 4 ? null : now + 3_600_000 + i,
    is_recurring: i % 4 !== 0,
    original_expression: i % 4 ? "every weekday at 9" : "in an hour",
    workflow: `daily-report-${i}`,
    workflow_inputs: JSON.stringify({ text: `héllo ${i} "q" 🚀`, n: i, nested: { list: [1, 2, i] } }),
    output_context: i % 3 ? JSON.stringify({ type: "slack", channel: "C042", threadTs: `17000.${i}` }) : null,
    status: ["active", "paused", "completed"][i % 3],
    created_at: now - 86_400_000 + i,
    last_run_at: i % 2 ? now - 60_000 : null,
    next_run_at: i % 4 ? now + 60_000 * (i + 1) : null,
    run_count: i,
    failure_count: i % 2,
    last_error: i % 5 === 0 ? "Timeout ‘exceeded’" : null,
    previous_response: i % 2 ? `résumé ${"✓".repeat(i)}` : null,
  }));
  await db("schedules").insert(schedules);
  const triggers = Array.from({ length: 5 }, (_, i) => ({
    id: randomUUID(),
    creator_id: `U0${i % 2}`,
    creator_context: "slack:C042",
    creator_name: "Zoë",
    description: `when someone says déploy ${i}`,
    channels: JSON.stringify(["C042", `C0${i}`]),
    from_users: i % 2 ? JSON.stringify(["U01", "U02"]) : null,
    from_bots: i % 2 === 1,
    contains: i % 2 ? "deploy" : null,
    match_pattern: i % 3 ? "^deploy (\\w+)$" : null,
    threads: ["any", "root_only", "thread_only"][i % 3],
    workflow: "deploy-helper",
    inputs: JSON.stringify({ env: "prod", emoji: "🚢" }),
    output_context: JSON.stringify({ type: "slack" }),
    status: i === 4 ? "paused" : "active",
    enabled: i !== 3,
    created_at: now - 3_600_000 + i,
  }));
  await db("message_triggers").insert(triggers);
  await holdLockLikeVisor(db, "visor-node-1", `__static_cron__:daily-digest`, 600_000, now);
}

/** Visor's acquire with the node's clock: take over an expired row, else insert. */
export async function holdLockLikeVisor(
  db: Knex,
  nodeId: string,
  lockId: string,
  ttlMs: number,
  now = Date.now(),
): Promise<string> {
  const token = randomUUID();
  const row = { node_id: nodeId, lock_token: token, acquired_at: now, expires_at: now + ttlMs };
  const taken = await db("scheduler_locks").where("lock_id", lockId).andWhere("expires_at", "<", now).update(row);
  if (Number(taken) === 0) await db("scheduler_locks").insert({ lock_id: lockId, ...row });
  return token;
}

/** A database exactly as a Visor node leaves it after its first start and some use. */
export async function buildVisorMadeDatabase(url: string): Promise<void> {
  const db = visorKnex(url);
  try {
    await createTablesLikeVisor(db);
    await seedLikeVisor(db);
  } finally {
    await db.destroy();
  }
}

/** Every row of Visor's columns, in primary-key order, as text: equal strings mean byte-identical rows. */
export async function visorRowsSnapshot(url: string): Promise<Record<string, string>> {
  const db = knex({
    client: url.startsWith("mysql") ? "mysql2" : "pg",
    connection: url.startsWith("mysql") ? { uri: url, supportBigNumbers: true, bigNumberStrings: true } : url,
    pool: { min: 0, max: 1 },
  });
  try {
    const out: Record<string, string> = {};
    for (const [table, columns] of Object.entries(visorStoreColumns())) {
      const rows = await db(table).select(columns).orderBy(columns[0]!);
      out[table] = JSON.stringify(rows);
    }
    return out;
  } finally {
    await db.destroy();
  }
}
