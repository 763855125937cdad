// Everything that differs between PostgreSQL, MySQL/MariaDB and SQL Server, in one place: catalog
// queries, the writer check, the database clock, schema locks and the atomic lock statements.
import type { Knex } from "knex";
import type { VisorDriver } from "./connection";
import type { ColumnType } from "./schema-definition";

export interface ColumnInfo {
  name: string;
  type: ColumnType | string;
  rawType: string;
  length?: number;
  nullable: boolean;
  default?: string;
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
}

export interface TableInfo {
  columns: ColumnInfo[];
  indexes: IndexInfo[];
}

/** Rows come back as arrays (mysql2: [rows, fields]), objects with .rows (pg) or arrays (mssql). */
export function rowsOf<T>(driver: VisorDriver, result: unknown): T[] {
  if (driver === "postgresql") return (result as { rows: T[] }).rows;
  if (driver === "mysql") return (result as [T[]])[0];
  return result as T[];
}

export async function query<T>(
  db: Knex | Knex.Transaction,
  driver: VisorDriver,
  sql: string,
  bindings: readonly unknown[] = [],
): Promise<T[]> {
  return rowsOf<T>(driver, await db.raw(sql, bindings as Knex.RawBinding[]));
}

/** Epoch milliseconds from the database server's clock, as one SQL expression. */
export const DB_NOW_MS: Record<VisorDriver, string> = {
  postgresql: "(extract(epoch from statement_timestamp()) * 1000)::bigint",
  // NOW(3) is fixed for the whole statement (SYSDATE is not), so acquired_at and expires_at agree.
  mysql: "CAST(ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)",
  mssql: "DATEDIFF_BIG(millisecond, '19700101', SYSUTCDATETIME())",
};

export async function databaseNowMs(db: Knex, driver: VisorDriver): Promise<number> {
  const [row] = await query<{ now: string | number }>(db, driver, `SELECT ${DB_NOW_MS[driver]} AS now`);
  return Number(row!.now);
}

export async function serverVersion(db: Knex, driver: VisorDriver): Promise<string> {
  const sql = {
    postgresql: "SELECT current_setting('server_version') AS v",
    mysql: "SELECT VERSION() AS v",
    mssql: "SELECT CAST(SERVERPROPERTY('ProductVersion') AS varchar(64)) AS v",
  }[driver];
  const [row] = await query<{ v: string }>(db, driver, sql);
  return row!.v;
}

export interface WriterStatus {
  isWriter: boolean;
  detail: string;
}

/** Is this endpoint the writer? A streaming replica, a read-only default or a read-only server is not. */
export async function writerStatus(db: Knex, driver: VisorDriver): Promise<WriterStatus> {
  if (driver === "postgresql") {
    const [r] = await query<{ rec: boolean; ro: string }>(
      db,
      driver,
      "SELECT pg_is_in_recovery() AS rec, current_setting('transaction_read_only') AS ro",
    );
    if (r!.rec) return { isWriter: false, detail: "pg_is_in_recovery() is true: this endpoint is a read replica (standby)" };
    if (r!.ro === "on") return { isWriter: false, detail: "transaction_read_only is on: this endpoint only accepts reads" };
    return { isWriter: true, detail: "pg_is_in_recovery() is false and transactions are read-write" };
  }
  if (driver === "mysql") {
    const [r] = await query<{ ro: number | string }>(db, driver, "SELECT @@global.read_only AS ro");
    if (Number(r!.ro) === 1) return { isWriter: false, detail: "read_only is ON: this endpoint is a replica or read-only" };
    return { isWriter: true, detail: "read_only is OFF" };
  }
  const [r] = await query<{ u: string }>(
    db,
    driver,
    "SELECT CAST(DATABASEPROPERTYEX(DB_NAME(), 'Updateability') AS varchar(32)) AS u",
  );
  if (r!.u !== "READ_WRITE") return { isWriter: false, detail: `database Updateability is ${r!.u}` };
  return { isWriter: true, detail: "database is READ_WRITE" };
}

export function isDuplicateKey(driver: VisorDriver, err: unknown): boolean {
  const e = err as { code?: string; errno?: number; number?: number };
  if (driver === "postgresql") return e.code === "23505";
  if (driver === "mysql") return e.errno === 1062 || e.code === "ER_DUP_ENTRY";
  return e.number === 2627 || e.number === 2601;
}

/**
 * Another creator (a starting Visor, which takes no lock of ours) made this object between our inspect
 * and our create: PostgreSQL's "already exists" or the duplicate key on pg_type/pg_class when both CREATE
 * TABLEs run at once; MySQL's 1050 (table), 1060 (column), 1061 (index name); SQL Server's 2714, 1913, 2705.
 */
export function isConcurrentCreate(driver: VisorDriver, err: unknown): boolean {
  const e = err as { code?: string; errno?: number; number?: number; constraint?: string; message?: string };
  if (driver === "postgresql") {
    if (e.code === "42P07" || e.code === "42710" || e.code === "42701") return true;
    return e.code === "23505" && /pg_type_typname_nsp_index|pg_class_relname_nsp_index/.test(`${e.constraint} ${e.message}`);
  }
  if (driver === "mysql") return e.errno === 1050 || e.errno === 1060 || e.errno === 1061;
  return e.number === 2714 || e.number === 1913 || e.number === 2705;
}

/** Serialises concurrent bootstraps; held for the duration of `trx`. All three work through PgBouncer in transaction mode. */
export async function takeSchemaLock(trx: Knex.Transaction, driver: VisorDriver): Promise<void> {
  if (driver === "postgresql") {
    // Transaction-scoped: released at COMMIT/ROLLBACK, so it never leaks into a pooled session.
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext('visor-db-infra:schema'))");
  } else if (driver === "mysql") {
    const [r] = await query<{ got: number }>(trx, driver, "SELECT GET_LOCK('visor-db-infra:schema', 120) AS got");
    if (Number(r!.got) !== 1) throw new Error("timed out after 120 s waiting for another schema bootstrap (GET_LOCK)");
  } else {
    await trx.raw(
      "EXEC sp_getapplock @Resource = 'visor-db-infra:schema', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 120000",
    );
  }
}

export async function releaseSchemaLock(trx: Knex.Transaction, driver: VisorDriver): Promise<void> {
  if (driver === "mysql") await trx.raw("SELECT RELEASE_LOCK('visor-db-infra:schema')");
}

function normaliseType(driver: VisorDriver, dataType: string, length: number | null): ColumnType | string {
  const t = dataType.toLowerCase();
  if (t === "character varying" || t === "varchar" || (t === "nvarchar" && length !== -1)) return "varchar";
  if (t === "text" || t === "mediumtext" || t === "longtext" || (t === "nvarchar" && length === -1)) return "text";
  if (t === "bigint") return "bigint";
  if (t === "integer" || t === "int") return "integer";
  if (t === "boolean" || t === "bit" || (driver === "mysql" && t === "tinyint")) return "boolean";
  return t;
}

/** Column and index catalog of the given tables in the connection's current schema/database. */
export async function introspect(
  db: Knex | Knex.Transaction,
  driver: VisorDriver,
  tables: readonly string[],
): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  const schemaExpr = { postgresql: "current_schema()", mysql: "DATABASE()", mssql: "SCHEMA_NAME()" }[driver];
  const placeholders = tables.map(() => "?").join(", ");
  const cols = await query<{ tn: string; cn: string; dt: string; len: number | null; nul: string; def: string | null }>(
    db,
    driver,
    `SELECT table_name AS tn, column_name AS cn, data_type AS dt, character_maximum_length AS len, is_nullable AS nul, column_default AS def
       FROM information_schema.columns WHERE table_schema = ${schemaExpr} AND table_name IN (${placeholders})
      ORDER BY table_name, ordinal_position`,
    tables,
  );
  for (const c of cols) {
    const name = c.tn;
    if (!out.has(name)) out.set(name, { columns: [], indexes: [] });
    out.get(name)!.columns.push({
      name: c.cn,
      type: normaliseType(driver, c.dt, c.len === null ? null : Number(c.len)),
      rawType: c.dt,
      length: c.len === null ? undefined : Number(c.len),
      nullable: c.nul === "YES",
      default: c.def ?? undefined,
    });
  }
  const indexSql = {
    postgresql: `SELECT t.relname AS tn, i.relname AS name, ix.indisunique AS uniq, ix.indisprimary AS prim, a.attname AS cn, k.ord AS ord
                   FROM pg_index ix
                   JOIN pg_class t ON t.oid = ix.indrelid
                   JOIN pg_class i ON i.oid = ix.indexrelid
                   JOIN pg_namespace n ON n.oid = t.relnamespace
                   CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                  WHERE n.nspname = current_schema() AND t.relname IN (${placeholders})`,
    mysql: `SELECT table_name AS tn, index_name AS name, non_unique = 0 AS uniq, index_name = 'PRIMARY' AS prim, column_name AS cn, seq_in_index AS ord
              FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name IN (${placeholders})`,
    mssql: `SELECT t.name AS tn, i.name AS name, i.is_unique AS uniq, i.is_primary_key AS prim, c.name AS cn, ic.key_ordinal AS ord
              FROM sys.indexes i JOIN sys.tables t ON t.object_id = i.object_id
              JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
              JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
             WHERE t.name IN (${placeholders}) AND i.name IS NOT NULL`,
  }[driver];
  const rows = await query<{ tn: string; name: string; uniq: unknown; prim: unknown; cn: string; ord: number }>(
    db,
    driver,
    indexSql,
    tables,
  );
  rows.sort((a, b) => Number(a.ord) - Number(b.ord));
  for (const r of rows) {
    const table = out.get(r.tn);
    if (!table) continue;
    let idx = table.indexes.find((i) => i.name === r.name);
    if (!idx) {
      idx = {
        name: r.name,
        columns: [],
        unique: Boolean(Number(r.uniq)) || r.uniq === true,
        primary: Boolean(Number(r.prim)) || r.prim === true,
      };
      table.indexes.push(idx);
    }
    idx.columns.push(r.cn);
  }
  return out;
}

/** Quotes an identifier for the dialect after checking it is a plain name (no injection through role names). */
export function quoteIdentifier(driver: VisorDriver, name: string, field: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(name)) {
    throw new Error(
      `${field} must be a plain identifier (letters, digits, _ $ -; at most 63 characters), got ${JSON.stringify(name)}`,
    );
  }
  if (driver === "mysql") return `\`${name}\``;
  if (driver === "mssql") return `[${name}]`;
  return `"${name}"`;
}

/**
 * Our hardened lock variant: one atomic statement per acquire, timed by the database clock. Returns the
 * SQL and bindings. PostgreSQL and SQL Server return the new row when acquired; MySQL returns nothing (the
 * caller reads the row back and compares tokens).
 */
export function atomicAcquireSql(
  driver: VisorDriver,
  lockId: string,
  nodeId: string,
  token: string,
  ttlMs: number,
): { sql: string; bindings: unknown[] } {
  const now = DB_NOW_MS[driver];
  if (driver === "postgresql") {
    return {
      sql: `INSERT INTO scheduler_locks AS l (lock_id, node_id, lock_token, acquired_at, expires_at)
            VALUES (?, ?, ?, ${now}, ${now} + ?)
            ON CONFLICT (lock_id) DO UPDATE
               SET node_id = EXCLUDED.node_id, lock_token = EXCLUDED.lock_token,
                   acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
             WHERE l.expires_at < EXCLUDED.acquired_at
            RETURNING acquired_at, expires_at`,
      bindings: [lockId, nodeId, token, ttlMs],
    };
  }
  if (driver === "mysql") {
    // Assignments run left to right; expires_at is assigned last so every IF sees the old expiry.
    const won = "expires_at < VALUES(acquired_at)";
    return {
      sql: `INSERT INTO scheduler_locks (lock_id, node_id, lock_token, acquired_at, expires_at)
            VALUES (?, ?, ?, ${now}, ${now} + ?)
            ON DUPLICATE KEY UPDATE
              node_id = IF(${won}, VALUES(node_id), node_id),
              lock_token = IF(${won}, VALUES(lock_token), lock_token),
              acquired_at = IF(${won}, VALUES(acquired_at), acquired_at),
              expires_at = IF(${won}, VALUES(expires_at), expires_at)`,
      bindings: [lockId, nodeId, token, ttlMs],
    };
  }
  return {
    sql: `DECLARE @now bigint = ${now};
          MERGE scheduler_locks WITH (HOLDLOCK) AS l
          USING (SELECT ? AS lock_id, ? AS node_id, ? AS lock_token) AS s ON l.lock_id = s.lock_id
          WHEN MATCHED AND l.expires_at < @now THEN
            UPDATE SET node_id = s.node_id, lock_token = s.lock_token, acquired_at = @now, expires_at = @now + ?
          WHEN NOT MATCHED THEN
            INSERT (lock_id, node_id, lock_token, acquired_at, expires_at) VALUES (s.lock_id, s.node_id, s.lock_token, @now, @now + ?)
          OUTPUT inserted.acquired_at, inserted.expires_at;`,
    bindings: [lockId, nodeId, token, ttlMs, ttlMs],
  };
}

/** Renew by token with the database clock; PostgreSQL and SQL Server return the new times. */
export function atomicRenewSql(
  driver: VisorDriver,
  lockId: string,
  token: string,
  ttlMs: number,
): { sql: string; bindings: unknown[] } {
  const now = DB_NOW_MS[driver];
  if (driver === "postgresql") {
    return {
      sql: `UPDATE scheduler_locks SET acquired_at = ${now}, expires_at = ${now} + ? WHERE lock_id = ? AND lock_token = ? RETURNING acquired_at, expires_at`,
      bindings: [ttlMs, lockId, token],
    };
  }
  if (driver === "mysql") {
    return {
      sql: `UPDATE scheduler_locks SET acquired_at = ${now}, expires_at = ${now} + ? WHERE lock_id = ? AND lock_token = ?`,
      bindings: [ttlMs, lockId, token],
    };
  }
  return {
    sql: `DECLARE @now bigint = ${now};
          UPDATE scheduler_locks SET acquired_at = @now, expires_at = @now + ? OUTPUT inserted.acquired_at, inserted.expires_at WHERE lock_id = ? AND lock_token = ?;`,
    bindings: [ttlMs, lockId, token],
  };
}
