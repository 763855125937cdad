// The lock operations under contention: N SchedulerLocks nodes (each its own connection, as separate
// Visor instances) loop over the same few lock ids: acquire → (if won) renew → release. Every node
// tracks who holds what, so the bench also catches a double grant under load instead of just timing it.
import { SchedulerLocks } from "../components/visor/locks";
import type { VisorConnection } from "../components/visor/connection";
import { runClosedLoop, timed, type LoadResult, type Phase } from "./load";

export type Clock = "node" | "database";

/** Long enough that nothing expires during a cell: every takeover is a release, never an expiry. */
const TTL_MS = 60_000;

export interface LockCellResult extends LoadResult {
  /** Acquire attempts that were granted, refused (lock held), and the outcome checks that failed. */
  acquiresWon: number;
  acquiresLost: number;
  doubleGrants: number;
  failedRenews: number;
  failedReleases: number;
}

export async function runLockCell(
  conn: VisorConnection,
  clock: Clock,
  nodes: number,
  lockIds: readonly string[],
  phase: Phase,
): Promise<LockCellResult> {
  const locks = Array.from({ length: nodes }, (_, i) => new SchedulerLocks(conn, { nodeId: `bench-${clock}-${i}`, clock }));
  // Which token this process believes holds each id. Cleared *before* release is sent, so a
  // grant seen while it is still set really is two holders at once.
  const holders = new Map<string, string>();
  const counts = { acquiresWon: 0, acquiresLost: 0, doubleGrants: 0, failedRenews: 0, failedReleases: 0 };
  try {
    // Open each node's connection (a DELETE of nothing) so connecting is not timed.
    await Promise.all(locks.map((l) => l.release(lockIds[0]!, "bench-warm-up")));
    const result = await runClosedLoop(locks, phase, async (node, rec) => {
      const lockId = lockIds[Math.floor(Math.random() * lockIds.length)]!;
      const grant = await timed(rec, "acquire", () => node.acquire(lockId, TTL_MS));
      if (!grant) {
        if (rec) counts.acquiresLost++;
        return;
      }
      if (rec) counts.acquiresWon++;
      if (holders.has(lockId)) counts.doubleGrants++;
      holders.set(lockId, grant.token);
      if (!(await timed(rec, "renew", () => node.renew(lockId, grant.token, TTL_MS)))) counts.failedRenews++;
      holders.delete(lockId);
      if (!(await timed(rec, "release", () => node.release(lockId, grant.token)))) counts.failedReleases++;
    });
    return { ...result, ...counts };
  } finally {
    await Promise.all(locks.map((l) => l.close().catch(() => undefined)));
  }
}
