// The guide's backup schedule on Cloud SQL: standard backups (PITR logs, daily count, start time, final backup)
// and the Backup and DR vault for the weekly 90-day copy, with the rules Cloud SQL's enhanced backups impose.
import type { ResolvedBase } from "../shared/base-validation";
import { optIn } from "../shared/rules";
import type { Validator } from "../shared/validation";
import type { GcpOffsiteBackupArgs, GcpVisorDatabaseArgs } from "./args";
import type { ResolvedGcp } from "./resolved";
import { REGION } from "./validate-options";

/** Backup and DR's shortest backup window, in hours. */
export const MIN_BACKUP_WINDOW_HOURS = 6;

type BackupSettings = Pick<
  ResolvedGcp,
  "retainedBackups" | "backupStartTime" | "backupLocation" | "finalBackupRetentionDays" | "offsite"
>;

export function resolveBackups(
  check: Validator,
  args: GcpVisorDatabaseArgs,
  base: ResolvedBase,
  region: string,
  encryptionKeyName: string | undefined,
): BackupSettings {
  const retainedBackups = check.int("retainedBackups", args.retainedBackups, 1, 365, 30);
  const backupStartTime = args.backupStartTime ?? "03:00";
  check.require(/^([01]\d|2[0-3]):[0-5]\d$/.test(backupStartTime), "backupStartTime", 'a UTC time "HH:MM"', args.backupStartTime);
  if (args.backupLocation !== undefined)
    check.require(
      /^([a-z]+|[a-z]+-[a-z]+\d+)$/.test(args.backupLocation),
      "backupLocation",
      'a region ("europe-west4") or multi-region ("eu", "us", "asia")',
      args.backupLocation,
    );
  const finalBackupRetentionDays = check.int("finalBackupRetentionDays", args.finalBackupRetentionDays, 1, 365, 90);

  const given = optIn<GcpOffsiteBackupArgs>(check, "offsite", args.offsite);
  if (given === false)
    return { retainedBackups, backupStartTime, backupLocation: args.backupLocation, finalBackupRetentionDays, offsite: false };
  // Enhanced backups replace standard ones: no multi-region storage and no CMEK (Cloud SQL's backup options table).
  check.require(
    args.backupLocation === undefined,
    "backupLocation",
    "unset while offsite is on (Backup and DR's enhanced backups have no multi-region storage; set offsite: false to keep standard backups there)",
    args.backupLocation,
  );
  check.require(
    encryptionKeyName === undefined,
    "offsite",
    "false with encryptionKeyName (Backup and DR's enhanced backups for Cloud SQL do not support CMEK)",
    "[on]",
  );
  const location = given.location ?? region;
  check.require(REGION.test(location), "offsite.location", 'a Google Cloud region such as "europe-west1"', given.location);
  const enforcedLimit = Math.min(retainedBackups, base.retentionDays);
  const enforcedRetentionDays = check.int(
    "offsite.enforcedRetentionDays",
    given.enforcedRetentionDays,
    1,
    enforcedLimit,
    enforcedLimit,
  );
  const weeklyRetentionDays = check.int(
    "offsite.weeklyRetentionDays",
    given.weeklyRetentionDays,
    enforcedRetentionDays,
    3650,
    90,
  );
  // The daily rule starts at the standard backup hour; the window must be at least six hours and end by 24:00.
  const startHour = Math.min(Number(backupStartTime.slice(0, 2)), 24 - MIN_BACKUP_WINDOW_HOURS);
  return {
    retainedBackups,
    backupStartTime,
    backupLocation: undefined,
    finalBackupRetentionDays,
    offsite: {
      location,
      dailyRetentionDays: retainedBackups,
      weeklyRetentionDays,
      enforcedRetentionDays,
      logRetentionDays: base.retentionDays,
      window: { startHour, endHour: startHour + MIN_BACKUP_WINDOW_HOURS },
    },
  };
}
