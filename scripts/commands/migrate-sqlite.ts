// `visor-db migrate-sqlite`: Visor's local SQLite store (or legacy JSON store) into PostgreSQL or MySQL.
import { describeEndpoint, resolveConnection } from "../../components/visor/connection";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { intFlag, parseFlags, UsageError } from "../cli/usage";
import { commandError } from "../ops/errors";
import { progressTo } from "../ops/progress";
import { migrateSqlite } from "../ops/sqlite-migration";

export const MIGRATE_SQLITE_HELP = `visor-db migrate-sqlite --from .visor/schedules.db --to <url> [--locks] [--ignore-table NAME]... [--dry-run] [--json]

Copies all of Visor's SQLite store (or the legacy .visor/schedules.json) into PostgreSQL or MySQL/MariaDB:
schedules and message_triggers, and scheduler_locks with --locks. Every row is checked first (types,
integer ranges, JSON, text that is valid UTF-8 without NUL, no BLOBs in text columns); a value that cannot
be carried byte for byte stops the run naming table, column and row id, with nothing written. A source
table that is not Visor's stops it too, naming the table, unless you pass --ignore-table for it. Then the
schema is bootstrapped and, in one transaction, only the rows the target does not have are inserted (a
re-run inserts nothing; rows already there are never overwritten, and ones that differ are reported);
per-table counts and every row's checksum over its exact bytes are compared before committing. The
store is streamed, never loaded whole. Replaces the guide's Step 4 (its COPY ... FORMAT csv of a JSON
file does not work).
  --from FILE          .visor/schedules.db (SQLite, read with Node's node:sqlite) or .visor/schedules.json
  --to URL             the target (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode           disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --locks              also copy scheduler_locks (SQLite only)
  --ignore-table NAME  leave this source table behind on purpose (repeatable): a table that is not
                       Visor's, or scheduler_locks (Visor re-acquires its locks)
  --dry-run            read and compare, write nothing (not even the schema)
  --batch-size N       rows per batch and INSERT (1-2000, default 500)
  --json               machine-readable result on stdout (progress goes to stderr)
Stop Visor (or point it at the new database) before migrating, so the SQLite store no longer changes.`;

export async function migrateSqliteCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("migrate-sqlite", argv, {
    from: { type: "string" },
    to: { type: "string" },
    "ssl-mode": CONNECTION_FLAGS["ssl-mode"],
    "ssl-ca": CONNECTION_FLAGS["ssl-ca"],
    locks: { type: "boolean" },
    "ignore-table": { type: "string", multiple: true },
    "dry-run": { type: "boolean" },
    "batch-size": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(MIGRATE_SQLITE_HELP);
    return 0;
  }
  if (!values.from) throw new UsageError("visor-db migrate-sqlite: --from <.visor/schedules.db or schedules.json> is required");
  const connection = connectionFrom(
    "migrate-sqlite",
    { url: values.to, "ssl-mode": values["ssl-mode"], "ssl-ca": values["ssl-ca"] },
    process.env,
    "to",
  );
  if (resolveConnection(connection).driver === "mssql")
    throw new UsageError("visor-db migrate-sqlite: --to must be a PostgreSQL or MySQL/MariaDB URL");
  const batchSize = intFlag("migrate-sqlite", "batch-size", values["batch-size"], 1, 2000, 500);
  const endpoint = describeEndpoint(connection);
  const secrets = [connection.password, resolveConnection(connection).password];
  let result;
  try {
    result = await migrateSqlite({
      from: values.from,
      connection,
      locks: values.locks,
      ignoreTables: values["ignore-table"],
      dryRun: values["dry-run"],
      batchSize,
      progress: progressTo("migrate-sqlite", secrets),
    });
  } catch (err) {
    throw commandError("migrate-sqlite", err, endpoint, secrets);
  }
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`${result.dryRun ? "dry run: " : ""}${result.from} (${result.kind}) → ${endpoint}`);
    if (result.schemaCreated.length)
      console.log(`${result.dryRun ? "would create" : "created"}: ${result.schemaCreated.join(", ")}`);
    if (result.unknownFields.length) console.log(`not copied (unknown fields): ${result.unknownFields.join(", ")}`);
    if (result.ignoredTables.length)
      console.log(`not copied (--ignore-table): ${result.ignoredTables.map((t) => `${t.name} (${t.rows} row(s))`).join(", ")}`);
    for (const t of result.tables) {
      console.log(
        `${t.table}: ${t.source} in source, ${t.inserted} ${result.dryRun ? "to insert" : "inserted"}, ${t.unchanged} already there, ` +
          `${t.conflicting} differ; target now ${t.targetRows} row(s)${t.verified ? (result.dryRun ? "" : "; checksums match") : ""}`,
      );
      if (t.conflicting)
        console.log(
          `  differ (left as they are): ${t.conflictIds.join(", ")}${t.conflicting > t.conflictIds.length ? ", …" : ""}`,
        );
    }
    console.log(result.passed ? (result.dryRun ? "DRY RUN OK (nothing written)" : "MIGRATED") : "INCOMPLETE");
  }
  if (!result.passed) {
    const c = result.tables.reduce((a, t) => a + t.conflicting, 0);
    console.error(`visor-db: migrate-sqlite: ${c} row(s) already in the target differ from the source and were left as they are`);
    return 1;
  }
  return 0;
}
