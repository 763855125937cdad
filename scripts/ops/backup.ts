// The guide's logical backup: `pg_dump -Fc` (MySQL: `mysqldump --single-transaction`) of Visor's tables only
// (the database may hold other applications' tables: they are neither dumped nor, later, restored over), into
// a file named as in the guide, never over an existing one, with its SHA-256 and the row digests.
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, linkSync, openSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Knex } from "knex";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection } from "../../components/visor/connection";
import { query, serverVersion } from "../../components/visor/dialects";
import { VISOR_TABLE_NAMES } from "../../components/visor/schema-definition";
import { visorDigests, type TableDigest } from "./checksum";
import { checksumPath, manifestPath, sha256File, writeManifest, MANIFEST_FORMAT, type BackupManifest } from "./manifest";
import { humanBytes, type Progress } from "./progress";
import { childConnection, OpsError, pgMajorFromVersionNum, run, toolError, toolVersion, type ToolVersion } from "./tools";

export interface BackupOptions {
  connection: VisorConnection;
  /** Default `visor-YYYYMMDD.dump` (MySQL: `.sql`) in the current directory, as in the guide. */
  out?: string;
  /** Where pg_dump/mysqldump live; default PATH. */
  binDir?: string;
  progress?: Progress;
  /** For the file name; default now. */
  now?: Date;
}

export interface BackupResult {
  file: string;
  manifestFile: string;
  checksumFile: string;
  manifest: BackupManifest;
  durationMs: number;
}

/** `visor-20260214.dump` (PostgreSQL) or `visor-20260214.sql` (MySQL), the date in UTC. */
export function defaultBackupName(driver: "postgresql" | "mysql", now = new Date()): string {
  const ymd = now.toISOString().slice(0, 10).replace(/-/g, "");
  return `visor-${ymd}.${driver === "mysql" ? "sql" : "dump"}`;
}

/** pg_dump refuses a server of a newer major than itself: say so before it runs, in one line. */
export function assertPgDumpCanDump(tool: ToolVersion, serverMajor: number, endpoint: string): void {
  if (serverMajor > tool.major) {
    throw new OpsError(
      `${tool.name} ${tool.version} cannot dump PostgreSQL ${serverMajor} (${endpoint}): pg_dump refuses servers newer than itself; ` +
        `install the PostgreSQL ${serverMajor} client (postgresql-client-${serverMajor}) and pass --bin-dir`,
    );
  }
}

export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const log = options.progress ?? (() => undefined);
  const r = resolveConnection(options.connection);
  if (r.driver === "mssql") {
    throw new OpsError("backup of SQL Server is not supported here: use BACKUP DATABASE (the guide's MSSQL Operations)");
  }
  const endpoint = describeEndpoint(options.connection);
  const file = resolve(options.out ?? defaultBackupName(r.driver, options.now));
  for (const path of [file, manifestPath(file), checksumPath(file)]) {
    if (existsSync(path)) throw new OpsError(`${path} already exists: refusing to overwrite a backup (choose another --out)`);
  }
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) {
    throw new OpsError(`${dirname(file)} is not a directory`);
  }
  const secrets = [r.password, options.connection.password];
  const tool = await toolVersion(r.driver === "postgresql" ? "pg_dump" : "mysqldump", options.binDir);
  const db = await openKnex(options.connection, { pool: { min: 0, max: 2 } });
  // Written under a temporary name, then hard-linked to the final one: linking fails if the name was taken
  // meanwhile, and a failed dump never leaves a file that looks like a backup.
  const partial = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.partial`);
  closeSync(openSync(partial, "wx", 0o600));
  const child = childConnection(r);
  const ticker = setInterval(() => {
    if (existsSync(partial)) log(`wrote ${humanBytes(statSync(partial).size)} so far`);
  }, 2000);
  try {
    const version = await serverVersion(db, r.driver);
    let tables: Record<string, TableDigest>;
    let consistent: boolean;
    let schema: string | undefined;
    log(`backing up ${endpoint} (${r.driver} ${version}) with ${tool.path} ${tool.version}`);
    if (r.driver === "postgresql") {
      const [row] = await query<{ v: string }>(db, r.driver, "SELECT current_setting('server_version_num') AS v");
      assertPgDumpCanDump(tool, pgMajorFromVersionNum(Number(row!.v)), endpoint);
      ({ tables, consistent, schema } = await dumpPostgres(db, tool, child, partial, secrets, log, endpoint));
    } else {
      ({ tables, consistent } = await dumpMysql(db, tool, child, partial, r.database, secrets, log, endpoint));
    }
    const { sha256, bytes } = await sha256File(partial);
    try {
      linkSync(partial, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") {
        throw new OpsError(`${file} appeared while the dump ran: refusing to overwrite a backup (choose another --out)`);
      }
      throw err;
    }
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      createdAt: new Date(started).toISOString(),
      driver: r.driver,
      source: endpoint,
      serverVersion: version,
      tool: { name: tool.name, version: tool.version, major: tool.major },
      file: basename(file),
      bytes,
      sha256,
      ...(schema ? { schema } : {}),
      dumped: Object.keys(tables),
      tables,
      consistent,
    };
    writeManifest(file, manifest);
    log(
      `wrote ${file} (${humanBytes(bytes)}, sha256 ${sha256.slice(0, 12)}…) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return {
      file,
      manifestFile: manifestPath(file),
      checksumFile: checksumPath(file),
      manifest,
      durationMs: Date.now() - started,
    };
  } finally {
    clearInterval(ticker);
    if (existsSync(partial)) unlinkSync(partial);
    child.cleanup();
    await db.destroy();
  }
}

function describeTables(tables: Record<string, TableDigest>): string {
  const names = Object.keys(tables);
  return names.length ? names.map((n) => `${n} ${tables[n]!.rows} row(s)`).join(", ") : "no Visor tables";
}

function noVisorTables(endpoint: string, where: string): OpsError {
  return new OpsError(`${endpoint} has none of Visor's tables (${VISOR_TABLE_NAMES.join(", ")}) in ${where}: nothing to back up`);
}

/** `"schema"."table"`: a pg_dump --table pattern that matches exactly that name. */
const exactTable = (schema: string, table: string) => `${[schema, table].map((p) => `"${p.replace(/"/g, '""')}"`).join(".")}`;

/**
 * pg_dump runs in the snapshot the digests were read in (`--snapshot`), so they describe exactly the dump.
 * It dumps in the database's own encoding (no client_encoding given), so bytes that are not valid UTF-8 in a
 * SQL_ASCII database are kept as they are.
 */
async function dumpPostgres(
  db: Knex,
  tool: ToolVersion,
  child: ReturnType<typeof childConnection>,
  partial: string,
  secrets: (string | undefined)[],
  log: Progress,
  endpoint: string,
): Promise<{ tables: Record<string, TableDigest>; consistent: boolean; schema: string }> {
  const trx = await db.transaction();
  try {
    await trx.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const [snap] = (await trx.raw("SELECT pg_export_snapshot() AS s, current_schema() AS schema")).rows as {
      s: string;
      schema: string;
    }[];
    const tables = await visorDigests(trx);
    if (!Object.keys(tables).length) throw noVisorTables(endpoint, `schema ${snap!.schema}`);
    log(`dumping ${describeTables(tables)} (snapshot ${snap!.s}; no other table)`);
    const only = Object.keys(tables).map((t) => `--table=${exactTable(snap!.schema, t)}`);
    const res = await run(tool.path, ["--format=custom", `--snapshot=${snap!.s}`, ...only, `--file=${partial}`], child.env);
    if (res.code !== 0) throw new OpsError(`pg_dump failed (exit ${res.code}): ${toolError(res.stderr, secrets)}`);
    return { tables, consistent: true, schema: snap!.schema };
  } finally {
    await trx.rollback().catch(() => undefined);
  }
}

/** mysqldump takes its own snapshot; the digests are read before and after and must agree. */
async function dumpMysql(
  db: Knex,
  tool: ToolVersion,
  child: ReturnType<typeof childConnection>,
  partial: string,
  database: string,
  secrets: (string | undefined)[],
  log: Progress,
  endpoint: string,
): Promise<{ tables: Record<string, TableDigest>; consistent: boolean }> {
  const before = await visorDigests(db);
  if (!Object.keys(before).length) throw noVisorTables(endpoint, `database ${database}`);
  log(`dumping ${describeTables(before)} (no other table)`);
  const res = await run(
    tool.path,
    [
      ...child.args,
      "--single-transaction",
      "--quick",
      "--no-tablespaces",
      "--default-character-set=utf8mb4",
      "--hex-blob",
      "--triggers",
      `--result-file=${partial}`,
      database,
      ...Object.keys(before),
    ],
    child.env,
  );
  if (res.code !== 0) throw new OpsError(`mysqldump failed (exit ${res.code}): ${toolError(res.stderr, secrets)}`);
  const after = await visorDigests(db);
  const consistent = JSON.stringify(before) === JSON.stringify(after);
  if (!consistent) log("warning: Visor's tables changed while the dump ran; the manifest holds the digests read afterwards");
  return { tables: after, consistent };
}
