// Visor's lock protocol with the node's clock, statement for statement, as knex builders: SchedulerLocks
// runs them, and the SQL Server tests compile them (no server runs there) to check the SQL each dialect gets.
import type { Knex } from "knex";

export interface LockRow {
  node_id: string;
  lock_token: string;
  acquired_at: number;
  expires_at: number;
}

/** Acquire, step 1: take over the row only if it has expired by this node's clock. */
export function takeOverExpiredLock(db: Knex, lockId: string, now: number, row: LockRow): Knex.QueryBuilder {
  return db("scheduler_locks").where("lock_id", lockId).andWhere("expires_at", "<", now).update(row);
}

/** Acquire, step 2: insert; a duplicate key means another node holds the lock. */
export function insertLock(db: Knex, lockId: string, row: LockRow): Knex.QueryBuilder {
  return db("scheduler_locks").insert({ lock_id: lockId, ...row });
}

/** Renew: only the holder's token moves the times. */
export function renewLock(db: Knex, lockId: string, token: string, now: number, ttlMs: number): Knex.QueryBuilder {
  return db("scheduler_locks")
    .where({ lock_id: lockId, lock_token: token })
    .update({ acquired_at: now, expires_at: now + ttlMs });
}

/** Release: only the holder's token deletes the row. */
export function releaseLock(db: Knex, lockId: string, token: string): Knex.QueryBuilder {
  return db("scheduler_locks").where({ lock_id: lockId, lock_token: token }).delete();
}
