// The guide's "Migrating from SQLite to PostgreSQL", done properly (its `COPY ... FORMAT csv` of a JSON file
// cannot work): all of Visor's store — schedules, message_triggers and, with --locks, scheduler_locks — is
// copied into PostgreSQL or MySQL after the schema is bootstrapped, in one transaction. Every source table
// is accounted for before anything is written: one we do not know is an error naming it (unless the
// operator ignores it by name), and every row is checked first, so a value that cannot be carried
// faithfully stops the run with nothing written. Rows already in the target are left alone (a re-run
// inserts nothing), and every row's byte checksum is compared with the target's before COMMIT.
import { bootstrapSchema } from "../../components/visor/bootstrap";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection } from "../../components/visor/connection";
import { inspectSchema } from "../../components/visor/inspect";
import { OpsError } from "./errors";
import type { Progress } from "./progress";
import { openVisorStore, type SourceTable, type VisorSource } from "./sqlite-source";
import { checkTable, copyTable, type TableCheck, type TableMigration } from "./sqlite-table-copy";
import { problemsError } from "./sqlite-values";

export type { TableMigration } from "./sqlite-table-copy";

export interface MigrateOptions {
  /** `.visor/schedules.db` or the legacy `.visor/schedules.json`. */
  from: string;
  connection: VisorConnection;
  /** Also copy scheduler_locks (SQLite only). Visor re-acquires its locks, so they may instead be ignored. */
  locks?: boolean;
  /** Source tables to leave behind on purpose (tables that are not Visor's, or scheduler_locks). */
  ignoreTables?: string[];
  /** Read and compare, write nothing (not even the schema). */
  dryRun?: boolean;
  /** Rows per batch and INSERT (default 500). */
  batchSize?: number;
  progress?: Progress;
}

export interface MigrateResult {
  from: string;
  kind: "sqlite" | "json";
  to: string;
  dryRun: boolean;
  /** Tables bootstrap created (with --dry-run: would create). */
  schemaCreated: string[];
  unknownFields: string[];
  /** Source tables left behind because the operator said so, with their row counts. */
  ignoredTables: { name: string; rows: number }[];
  tables: TableMigration[];
  /** Verified and no conflicts. */
  passed: boolean;
  durationMs: number;
}

/** Visor's tables that are always copied; the rest must be copied or ignored by name. */
const ALWAYS = new Set(["schedules", "message_triggers"]);

/** Which source tables are copied; refuses (nothing written) when a table with rows would be left unnamed. */
function planTables(
  source: VisorSource,
  options: MigrateOptions,
): { carried: SourceTable[]; ignored: { name: string; rows: number }[] } {
  const ignore = new Set(options.ignoreTables ?? []);
  const all = [...source.tables.map((t) => ({ name: t.spec.name, rows: t.rows })), ...source.otherTables];
  for (const name of ignore) {
    if (ALWAYS.has(name)) throw new OpsError(`--ignore-table ${name}: ${name} is one of Visor's own tables and is always copied`);
    if (name === "scheduler_locks" && options.locks)
      throw new OpsError("--ignore-table scheduler_locks contradicts --locks: choose one");
    if (!all.some((t) => t.name === name))
      throw new OpsError(
        `--ignore-table ${name}: ${source.path} has no table ${name} (its tables: ${all.map((t) => t.name).join(", ")})`,
      );
  }
  if (options.locks && source.kind === "json") throw new OpsError("--locks: the legacy JSON store has no scheduler_locks");
  const unknown = source.otherTables.filter((t) => !ignore.has(t.name));
  if (unknown.length)
    throw new OpsError(
      `${source.path} has table(s) that are not Visor's: ${unknown.map((t) => `${t.name} (${t.rows} row(s))`).join(", ")}; ` +
        "nothing was copied. If they are not needed in the new database, pass --ignore-table NAME for each",
    );
  const locks = source.tables.find((t) => t.spec.name === "scheduler_locks");
  if (locks && locks.rows > 0 && !options.locks && !ignore.has("scheduler_locks"))
    throw new OpsError(
      `scheduler_locks has ${locks.rows} row(s): pass --locks to copy them, or --ignore-table scheduler_locks to leave ` +
        "them behind (Visor re-acquires its locks); nothing was copied",
    );
  const carried = source.tables.filter((t) => ALWAYS.has(t.spec.name) || (t.spec.name === "scheduler_locks" && options.locks));
  return { carried, ignored: all.filter((t) => ignore.has(t.name)) };
}

export async function migrateSqlite(options: MigrateOptions): Promise<MigrateResult> {
  const started = Date.now();
  const log = options.progress ?? (() => undefined);
  const r = resolveConnection(options.connection);
  if (r.driver === "mssql") throw new OpsError("migrate-sqlite targets PostgreSQL or MySQL (got a SQL Server URL)");
  const to = describeEndpoint(options.connection);
  const dryRun = Boolean(options.dryRun);
  const batchSize = options.batchSize ?? 500;
  const source = openVisorStore(options.from);
  try {
    const { carried, ignored } = planTables(source, options);
    // Pass one: every row checked before anything — not even the schema — is written.
    const checks = new Map<string, TableCheck>();
    let problems = 0;
    const first: string[] = [];
    for (const t of carried) {
      const c = checkTable(source, t);
      checks.set(t.spec.name, c);
      problems += c.problems;
      first.push(...c.firstProblems);
    }
    if (problems) throw problemsError(source.path, problems, first);
    log(
      `read ${carried.map((t) => `${checks.get(t.spec.name)!.rows} ${t.spec.name}`).join(", ")} row(s) from ${source.path} (${source.kind}); every value checked` +
        (source.unknownFields.length ? `; not copied (unknown): ${source.unknownFields.join(", ")}` : "") +
        (ignored.length ? `; ignored: ${ignored.map((t) => `${t.name} (${t.rows})`).join(", ")}` : ""),
    );
    let schemaCreated: string[];
    if (dryRun) {
      const report = await inspectSchema(options.connection);
      schemaCreated = report.tables.filter((t) => !t.exists).map((t) => t.name);
      const errors = report.differences.filter((d) => d.severity === "error");
      if (errors.length)
        throw new OpsError(`the target's schema is not usable by Visor: ${errors.map((d) => d.detail).join("; ")}`);
    } else {
      const boot = await bootstrapSchema(options.connection);
      schemaCreated = boot.created;
      log(boot.created.length ? `bootstrapped: created ${boot.created.join(", ")}` : "schema already present");
    }
    const db = await openKnex(options.connection, { pool: { min: 0, max: 1 } });
    let tables: TableMigration[];
    try {
      const copyAll = async (write: boolean, trx: Parameters<typeof copyTable>[0]) => {
        const out: TableMigration[] = [];
        for (const t of carried) {
          out.push(
            await copyTable(trx, source, t, {
              write,
              tableExists: write || !schemaCreated.includes(t.spec.name),
              batchSize,
              checked: checks.get(t.spec.name)!,
              log,
            }),
          );
        }
        return out;
      };
      tables = dryRun ? await copyAll(false, db) : await db.transaction((trx) => copyAll(true, trx));
    } finally {
      await db.destroy();
    }
    return {
      from: source.path,
      kind: source.kind,
      to,
      dryRun,
      schemaCreated,
      unknownFields: source.unknownFields,
      ignoredTables: ignored,
      tables,
      passed: tables.every((t) => t.verified && t.conflicting === 0),
      durationMs: Date.now() - started,
    };
  } finally {
    source.close();
  }
}
