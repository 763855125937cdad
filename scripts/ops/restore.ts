// The guide's restore (`pg_restore --clean --if-exists`; MySQL: `mysql < file`), limited to Visor's tables:
// nothing else in the target is dropped or replaced, whatever the backup holds. The file is checked against
// its SHA-256 first, a target that already holds Visor data is refused without --force, and the result is
// verified afterwards (counts and per-row digests against the backup's manifest, schema, smoke test).
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Knex } from "knex";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection } from "../../components/visor/connection";
import { query, writerStatus } from "../../components/visor/dialects";
import { VISOR_TABLE_NAMES } from "../../components/visor/schema-definition";
import { expectedSha256, readManifest, sha256File, type BackupManifest } from "./manifest";
import { humanBytes, type Progress } from "./progress";
import { assertMysqlDumpOnlyVisor, restoreMysql, restorePostgres, type RestoredObjects } from "./restore-run";
import { childConnection, OpsError, toolVersion } from "./tools";
import { verifyDatabase, type VerifyReport } from "./verify";

export interface RestoreOptions {
  connection: VisorConnection;
  file: string;
  /** Restore over a target that already holds Visor rows. */
  force?: boolean;
  binDir?: string;
  /** Run the HA smoke test after restoring (default true). */
  smoke?: boolean;
  progress?: Progress;
}

export interface RestoreResult {
  file: string;
  endpoint: string;
  /** The file's checksum was compared with the manifest or `.sha256` beside it. */
  checksumVerified: boolean;
  manifest?: BackupManifest;
  /** Visor rows the target held before (non-empty only with --force). */
  replaced: Record<string, number>;
  /** Visor's tables restored; tables of the backup left alone; grants re-applied or not. */
  tables: RestoredObjects["tables"];
  leftOut: RestoredObjects["leftOut"];
  grants?: RestoredObjects["grants"];
  verification: VerifyReport;
  durationMs: number;
}

/** Rows in each of Visor's tables that exist on the target. */
export async function visorRowCounts(db: Knex, driver: "postgresql" | "mysql" | "mssql"): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of VISOR_TABLE_NAMES) {
    if (!(await db.schema.hasTable(table))) continue;
    const [row] = await query<{ n: string | number }>(db, driver, `SELECT count(*) AS n FROM ${table}`);
    if (Number(row!.n) > 0) out[table] = Number(row!.n);
  }
  return out;
}

function fileKind(file: string): "pg-custom" | "sql" {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(5);
    readSync(fd, head, 0, 5, 0);
    return head.toString("latin1") === "PGDMP" ? "pg-custom" : "sql";
  } finally {
    closeSync(fd);
  }
}

export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const log = options.progress ?? (() => undefined);
  const r = resolveConnection(options.connection);
  if (r.driver === "mssql") throw new OpsError("restore to SQL Server is not supported here: use RESTORE DATABASE");
  const endpoint = describeEndpoint(options.connection);
  const secrets = [r.password, options.connection.password];
  const file = resolve(options.file);
  if (!existsSync(file) || !statSync(file).isFile()) throw new OpsError(`backup file ${file} not found`);

  // 1. The file: right kind for the target, and exactly what the backup wrote.
  const kind = fileKind(file);
  if (r.driver === "postgresql" && kind !== "pg-custom")
    throw new OpsError(
      `${file} is not a pg_dump custom-format archive (a PostgreSQL target needs one made by \`visor-db backup\`)`,
    );
  if (r.driver === "mysql" && kind !== "sql")
    throw new OpsError(`${file} is a pg_dump archive: it cannot be restored into MySQL`);
  const mysqlTables = r.driver === "mysql" ? await assertMysqlDumpOnlyVisor(file) : [];
  const manifest = readManifest(file);
  if (manifest && manifest.driver !== r.driver)
    throw new OpsError(`${file} is a ${manifest.driver} backup: it cannot be restored into ${r.driver}`);
  const want = expectedSha256(file, manifest);
  const { sha256, bytes } = await sha256File(file);
  if (want && want !== sha256) {
    throw new OpsError(
      `${file} is corrupt or was modified: its SHA-256 is ${sha256}, the backup recorded ${want} (refusing to restore)`,
    );
  }
  log(
    want
      ? `checksum of ${file} matches (${humanBytes(bytes)})`
      : `warning: no manifest or .sha256 beside ${file}: its integrity cannot be checked`,
  );

  const tool = await toolVersion(r.driver === "postgresql" ? "pg_restore" : "mysql", options.binDir);
  if (r.driver === "postgresql" && manifest && manifest.tool.major > tool.major) {
    throw new OpsError(
      `${file} was written by pg_dump ${manifest.tool.version}; pg_restore ${tool.version} cannot read it: install the PostgreSQL ${manifest.tool.major} client and pass --bin-dir`,
    );
  }

  // 2. The target: the writer, and not holding Visor's data unless --force.
  const db = await openKnex(options.connection, { pool: { min: 0, max: 1 } });
  let replaced: Record<string, number>;
  try {
    const w = await writerStatus(db, r.driver);
    if (!w.isWriter) throw new OpsError(`${endpoint} is not the writer (${w.detail}): restore into the primary`);
    replaced = await visorRowCounts(db, r.driver);
  } finally {
    await db.destroy();
  }
  const held = Object.entries(replaced).map(([t, n]) => `${t}: ${n} row(s)`);
  if (held.length && !options.force) {
    throw new OpsError(`${endpoint} already holds Visor data (${held.join(", ")}): refusing to overwrite it without --force`);
  }
  if (held.length) log(`--force: replacing ${held.join(", ")}`);

  // 3. The restore: Visor's tables only, in one transaction on PostgreSQL, the child tied to this process.
  const child = childConnection(r);
  let restored: RestoredObjects;
  try {
    log(`restoring ${file} into ${endpoint} with ${tool.path} ${tool.version}`);
    restored =
      r.driver === "postgresql"
        ? await restorePostgres(tool, child, file, r.database, manifest?.schema, options.connection, secrets, log)
        : await restoreMysql(tool, child, file, bytes, r.database, mysqlTables, secrets, log);
  } finally {
    child.cleanup();
  }

  // 4. Verify.
  if (manifest && !manifest.consistent)
    log("warning: the manifest's digests were not taken in the dump's snapshot: rows are not compared");
  log("verifying the restored database");
  const verification = await verifyDatabase({
    connection: options.connection,
    // A MySQL manifest whose tables changed during the dump does not describe the dump exactly: not compared.
    expected: manifest?.consistent ? { tables: manifest.tables, digests: true, from: `the backup's manifest` } : undefined,
    allowStaleLocks: true,
    smoke: options.smoke,
    progress: log,
  });
  return {
    file,
    endpoint,
    checksumVerified: Boolean(want),
    manifest,
    replaced,
    ...restored,
    verification,
    durationMs: Date.now() - started,
  };
}
