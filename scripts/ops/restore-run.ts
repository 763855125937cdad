// Running the restore itself. Both clients get the backup on stdin (never its path) and are tied to this
// process (setpriv --pdeathsig on Linux): if `visor-db restore` is killed, even by SIGKILL, the child dies
// or reads a truncated input and aborts, and PostgreSQL rolls the single transaction back.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { openKnex, type VisorConnection } from "../../components/visor/connection";
import { VISOR_TABLE_NAMES } from "../../components/visor/schema-definition";
import { parseGrants, parseToc, planRestore, reapplyGrants, useList, type GrantOutcome } from "./pg-archive";
import { humanBytes, type Progress } from "./progress";
import { OpsError, run, toolError, type ChildConnection, type ToolVersion } from "./tools";

export interface RestoredObjects {
  /** Visor's tables restored. */
  tables: string[];
  /** Tables the backup holds that restore left alone (older backups dumped the whole database). */
  leftOut: string[];
  /** PostgreSQL: grants of the backup re-applied where the role exists on the target. */
  grants?: GrantOutcome;
}

export async function restorePostgres(
  tool: ToolVersion,
  child: ChildConnection,
  file: string,
  database: string,
  schema: string | undefined,
  connection: VisorConnection,
  secrets: (string | undefined)[],
  log: Progress,
): Promise<RestoredObjects> {
  const listing = await run(tool.path, ["--list", "--verbose", file], child.env);
  if (listing.code !== 0) throw restoreError(file, tool, listing.stderr, secrets, "reading the archive's contents");
  const plan = planRestore(parseToc(listing.stdout), file, schema);
  if (plan.leftOut.length) log(`left alone (not Visor's): ${plan.leftOut.join(", ")}`);
  const dir = mkdtempSync(join(tmpdir(), "visor-db-restore-"));
  try {
    const list = join(dir, "visor-tables.list");
    writeFileSync(list, useList(plan.entries), { mode: 0o600 });
    let grants: ReturnType<typeof parseGrants> = [];
    if (plan.acl.length) {
      const aclList = join(dir, "grants.list");
      writeFileSync(aclList, useList(plan.acl), { mode: 0o600 });
      const sql = await run(tool.path, [`--use-list=${aclList}`, "--file=-", file], child.env);
      if (sql.code !== 0) throw restoreError(file, tool, sql.stderr, secrets, "reading the archive's grants");
      grants = parseGrants(sql.stdout);
    }
    const since = Date.now();
    const ticker = setInterval(() => log(`pg_restore running (${Math.round((Date.now() - since) / 1000)} s)`), 5000);
    // Owners and grants name roles the target may not have: neither is restored as such (see below).
    const res = await run(
      tool.path,
      [
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        `--use-list=${list}`,
        `--dbname=${database}`,
      ],
      child.env,
      { stdinFile: file, dieWithParent: true },
    ).finally(() => clearInterval(ticker));
    if (res.code !== 0) throw restoreError(file, tool, res.stderr, secrets);
    log(`restored ${plan.tables.join(", ")} (schema ${plan.schema}); owned by the restoring user`);
    const outcome = await applyGrants(connection, plan.schema, grants);
    for (const g of outcome.applied) log(`grant re-applied: ${g}`);
    for (const g of outcome.skipped) log(`grant not applied: ${g}`);
    return { tables: plan.tables, leftOut: plan.leftOut, grants: outcome };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function applyGrants(connection: VisorConnection, schema: string, grants: ReturnType<typeof parseGrants>) {
  if (!grants.length) return { applied: [], skipped: [] };
  const db = await openKnex(connection, { pool: { min: 0, max: 1 } });
  try {
    return await reapplyGrants(db, schema, grants);
  } finally {
    await db.destroy();
  }
}

function restoreError(file: string, tool: ToolVersion, stderr: string, secrets: (string | undefined)[], doing?: string) {
  const unsupported = /unsupported version \(([\d.]+)\) in file header/.exec(stderr);
  if (unsupported) {
    return new OpsError(
      `${file} was written by a newer pg_dump (archive format ${unsupported[1]}) than pg_restore ${tool.version} reads: use pg_restore of that PostgreSQL major (--bin-dir)`,
    );
  }
  return new OpsError(
    doing
      ? `pg_restore failed ${doing} (nothing was changed): ${toolError(stderr, secrets)}`
      : `pg_restore failed (nothing was changed): ${toolError(stderr, secrets)}`,
  );
}

const STATEMENT =
  /^(?:DROP TABLE IF EXISTS|DROP TABLE|CREATE TABLE(?: IF NOT EXISTS)?|LOCK TABLES|INSERT INTO|REPLACE INTO|ALTER TABLE|\/\*!\d+ (?:DROP|CREATE)[^`]*(?:TABLE|VIEW)(?: IF EXISTS| IF NOT EXISTS)?) `([^`]+)`/;

/**
 * The tables a mysqldump file writes to. A file that writes any other table, or selects a database, is
 * refused before the target is touched: restore never changes what is not Visor's.
 */
export async function assertMysqlDumpOnlyVisor(file: string): Promise<string[]> {
  const tables = new Set<string>();
  const others = new Set<string>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (/^(?:CREATE DATABASE|USE `|\/\*!\d+ CREATE DATABASE)/.test(line)) {
      throw new OpsError(
        `${file} selects or creates a database (${line.slice(0, 60)}): restore writes only into --url's database; take the backup with \`visor-db backup\``,
      );
    }
    const m = STATEMENT.exec(line);
    if (!m) continue;
    (VISOR_TABLE_NAMES.includes(m[1]!) ? tables : others).add(m[1]!);
  }
  if (others.size) {
    throw new OpsError(
      `${file} also writes table(s) ${[...others].join(", ")}: restore touches only Visor's tables (${VISOR_TABLE_NAMES.join(", ")}); ` +
        "take a new backup with `visor-db backup`, which dumps only those",
    );
  }
  if (!tables.size) throw new OpsError(`${file} holds none of Visor's tables (${VISOR_TABLE_NAMES.join(", ")})`);
  return [...tables];
}

export async function restoreMysql(
  tool: ToolVersion,
  child: ChildConnection,
  file: string,
  bytes: number,
  database: string,
  tables: string[],
  secrets: (string | undefined)[],
  log: Progress,
): Promise<RestoredObjects> {
  let lastLog = Date.now();
  const res = await run(
    tool.path,
    [...child.args, "--default-character-set=utf8mb4", "--batch", `--database=${database}`],
    child.env,
    {
      stdinFile: file,
      dieWithParent: true,
      onStdinBytes: (n) => {
        if (Date.now() - lastLog < 2000) return;
        lastLog = Date.now();
        log(`sent ${humanBytes(n)} of ${humanBytes(bytes)}`);
      },
    },
  );
  if (res.code !== 0) throw new OpsError(`mysql failed (exit ${res.code}): ${toolError(res.stderr, secrets)}`);
  return { tables, leftOut: [] };
}
