// The guide's "Recommended Schedule" on Cloud SQL: hourly-or-better WAL archiving → PITR with 7 days of
// transaction logs; daily full backups kept 30 days; an offsite copy → backups in a (multi-)region of your
// choice; and nothing lost on deletion → backups retained and a final backup taken.
import type * as inputs from "@pulumi/gcp/types/input";
import type { ResolvedGcp } from "./resolved";

export type BackupSettings = Pick<
  inputs.sql.DatabaseInstanceSettings,
  "backupConfiguration" | "finalBackupConfig" | "retainBackupsOnDelete"
>;

export function backupSettings(settings: ResolvedGcp): BackupSettings {
  return {
    backupConfiguration: {
      enabled: true,
      pointInTimeRecoveryEnabled: true,
      transactionLogRetentionDays: settings.base.retentionDays,
      startTime: settings.backupStartTime,
      location: settings.backupLocation,
      backupRetentionSettings: { retainedBackups: settings.retainedBackups, retentionUnit: "COUNT" },
    },
    finalBackupConfig: { enabled: true, retentionDays: settings.finalBackupRetentionDays },
    retainBackupsOnDelete: true,
  };
}
