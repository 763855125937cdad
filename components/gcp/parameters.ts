// The guide's "Performance Tuning" as Cloud SQL database flags, sized to the tier (validate.ts gives the shared
// model the tier's memory and Cloud SQL's ranges). Cloud SQL takes postgresql.conf's names and native units
// (shared_buffers, effective_cache_size and wal_buffers in 8 kB pages, work_mem and maintenance_work_mem in kB):
// the shared model's last step converts to them.
import { postgresParameters } from "../shared/tuning";
import type { ResolvedGcp } from "./resolved";

export interface DatabaseFlag {
  name: string;
  value: string;
}

/**
 * Flags for the primary (and, identically, every replica: Cloud SQL requires a replica's max_connections to be at
 * least the primary's). Order: the guide's tuning, then feature flags, then the user's `parameters` last, so a user
 * value wins. Sorted by name for a stable plan.
 */
export function databaseFlags(settings: ResolvedGcp): DatabaseFlag[] {
  const flags: Record<string, string> = postgresParameters(settings.base.tuning, settings.base.tuningLeftToCloud);
  // Visor's lock protocol is short transactions; log the slow ones (the guide's "Slow queries" check).
  flags.log_min_duration_statement = "1000";
  if (settings.iamUsers.length > 0) flags["cloudsql.iam_authentication"] = "on";
  Object.assign(flags, settings.base.parameters);
  return Object.keys(flags)
    .sort()
    .map((name) => ({ name, value: flags[name]! }));
}
