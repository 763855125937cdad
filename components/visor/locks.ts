// Visor's HA lock protocol on `scheduler_locks`, statement for statement, so the smoke test simulates real
// Visor nodes. `clock: "database"` is our hardened variant: database time, one atomic statement per step.
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { openKnex, resolveConnection, type VisorConnection, type VisorDriver } from "./connection";
import { atomicAcquireSql, atomicRenewSql, isDuplicateKey, query } from "./dialects";
import { insertLock, releaseLock, renewLock, takeOverExpiredLock } from "./lock-statements";

export interface LockGrant {
  token: string;
  acquiredAt: number;
  expiresAt: number;
}

export interface SchedulerLocksOptions {
  /** This node's id, written to `node_id` (Visor uses its instance id). */
  nodeId: string;
  /**
   * `node` (default, as Visor): times are epoch ms from this node's clock, so nodes must agree on time.
   * `database`: times come from the database clock and each operation is one atomic statement.
   */
  clock?: "node" | "database";
  /** The node's clock for `clock: "node"`; default `Date.now` (tests inject skew here). */
  now?: () => number;
  /** Use this knex instead of opening a pool of one connection for the node. */
  knex?: Knex;
}

export class SchedulerLocks {
  readonly nodeId: string;
  readonly clock: "node" | "database";
  private readonly now: () => number;
  private readonly driver: VisorDriver;
  private dbPromise: Promise<Knex> | undefined;
  private readonly ownsKnex: boolean;

  constructor(
    private readonly connection: VisorConnection,
    options: SchedulerLocksOptions,
  ) {
    if (!options.nodeId) throw new Error("SchedulerLocks: nodeId is required");
    this.nodeId = options.nodeId;
    this.clock = options.clock ?? "node";
    if (this.clock !== "node" && this.clock !== "database") {
      throw new Error(`SchedulerLocks: clock must be "node" or "database" (got ${JSON.stringify(this.clock)})`);
    }
    this.now = options.now ?? Date.now;
    this.driver = resolveConnection(connection).driver;
    this.ownsKnex = !options.knex;
    if (options.knex) this.dbPromise = Promise.resolve(options.knex);
  }

  /** One connection per node, as each Visor instance has its own pool. */
  private db(): Promise<Knex> {
    this.dbPromise ??= openKnex(this.connection, { pool: { min: 0, max: 1 } });
    return this.dbPromise;
  }

  /** Takes the lock if it is free or expired; null when another node holds it. */
  async acquire(lockId: string, ttlMs: number): Promise<LockGrant | null> {
    checkTtl(ttlMs);
    const db = await this.db();
    const token = randomUUID();
    if (this.clock === "database") return this.acquireAtomic(db, lockId, token, ttlMs);
    // Visor: take over an expired row, else insert; a duplicate key means someone else holds it.
    const now = this.now();
    const expiresAt = now + ttlMs;
    const row = { node_id: this.nodeId, lock_token: token, acquired_at: now, expires_at: expiresAt };
    const updated = await takeOverExpiredLock(db, lockId, now, row);
    if (Number(updated) > 0) return { token, acquiredAt: now, expiresAt };
    try {
      await insertLock(db, lockId, row);
      return { token, acquiredAt: now, expiresAt };
    } catch (err) {
      // Unlike Visor, anything but a duplicate key is an error, not "not acquired".
      if (isDuplicateKey(this.driver, err)) return null;
      throw err;
    }
  }

  private async acquireAtomic(db: Knex, lockId: string, token: string, ttlMs: number): Promise<LockGrant | null> {
    const { sql, bindings } = atomicAcquireSql(this.driver, lockId, this.nodeId, token, ttlMs);
    if (this.driver === "mysql") {
      // ON DUPLICATE KEY UPDATE returns no row: the token in the row tells whether we won.
      await db.raw(sql, bindings as Knex.RawBinding[]);
      const [row] = await query<{ lock_token: string; acquired_at: string; expires_at: string }>(
        db,
        this.driver,
        "SELECT lock_token, acquired_at, expires_at FROM scheduler_locks WHERE lock_id = ?",
        [lockId],
      );
      return row && row.lock_token === token
        ? { token, acquiredAt: Number(row.acquired_at), expiresAt: Number(row.expires_at) }
        : null;
    }
    const [row] = await query<{ acquired_at: string; expires_at: string }>(db, this.driver, sql, bindings);
    return row ? { token, acquiredAt: Number(row.acquired_at), expiresAt: Number(row.expires_at) } : null;
  }

  /** Extends the lock; false when the token no longer holds it (lock lost). */
  async renew(lockId: string, token: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    const db = await this.db();
    if (this.clock === "database") {
      const { sql, bindings } = atomicRenewSql(this.driver, lockId, token, ttlMs);
      const result = await db.raw(sql, bindings as Knex.RawBinding[]);
      return affected(this.driver, result) > 0;
    }
    const now = this.now();
    const updated = await renewLock(db, lockId, token, now, ttlMs);
    return Number(updated) > 0;
  }

  /** Deletes the lock if the token still holds it. */
  async release(lockId: string, token: string): Promise<boolean> {
    const db = await this.db();
    const deleted = await releaseLock(db, lockId, token);
    return Number(deleted) > 0;
  }

  async close(): Promise<void> {
    if (this.ownsKnex && this.dbPromise) {
      const db = await this.dbPromise;
      this.dbPromise = undefined;
      await db.destroy();
    }
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > 86_400_000) {
    throw new Error(`lock ttlMs must be an integer from 1 to 86400000 (got ${JSON.stringify(ttlMs)})`);
  }
}

function affected(driver: VisorDriver, result: unknown): number {
  if (driver === "postgresql") return (result as { rowCount: number }).rowCount;
  if (driver === "mysql") return (result as [{ affectedRows: number }])[0].affectedRows;
  return (result as unknown[]).length;
}
