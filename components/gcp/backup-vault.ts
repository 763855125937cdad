// The guide's "weekly offsite, kept 90 days" with Backup and DR for Cloud SQL ("enhanced backups"): a backup
// vault (immutable and indelible for its enforced retention, kept even if the project goes), a plan for
// `sqladmin.googleapis.com/Instance` with the guide's daily 30-day and weekly 90-day rules and PITR logs, and
// the primary's association with it. Enhanced backups replace the instance's standard ones; README, *Backups*,
// says what this approximates.
import * as pulumi from "@pulumi/pulumi";
import * as backupdisasterrecovery from "@pulumi/gcp/backupdisasterrecovery";
import type * as sql from "@pulumi/gcp/sql";
import type { GcpBuild } from "./context";
import { rfc1035Name } from "./names";

export const CLOUD_SQL_RESOURCE_TYPE = "sqladmin.googleapis.com/Instance";
const DAY_SECONDS = 86_400;

export interface OffsiteBackups {
  vault: backupdisasterrecovery.BackupVault;
  plan: backupdisasterrecovery.BackupPlan;
  association: backupdisasterrecovery.BackupPlanAssociation;
}

export function offsiteBackups(ctx: GcpBuild, primary: sql.DatabaseInstance): OffsiteBackups | undefined {
  const { name, settings } = ctx;
  const offsite = settings.offsite;
  if (!offsite) return undefined;
  // While protected, `pulumi destroy` leaves the vault, plan and association (and so the backups) in place.
  const keep = settings.base.deletionProtection ? "ABANDON" : "DELETE";
  const [vaultArgs, vaultOpts] = ctx.children.prepare("backupVault", {
    project: settings.project,
    location: offsite.location,
    backupVaultId: rfc1035Name(name, "visor-vault"),
    description: `Visor database ${name}: the guide's weekly offsite copy (visor-db-infra)`,
    backupMinimumEnforcedRetentionDuration: `${offsite.enforcedRetentionDays * DAY_SECONDS}s`,
    labels: settings.base.tags,
    deletionPolicy: keep,
  });
  const vault = new backupdisasterrecovery.BackupVault(`${name}-backup-vault`, vaultArgs, vaultOpts);

  const window = { startHourOfDay: offsite.window.startHour, endHourOfDay: offsite.window.endHour };
  const [planArgs, planOpts] = ctx.children.prepare("backupPlan", {
    project: settings.project,
    location: offsite.location,
    backupPlanId: rfc1035Name(name, "visor-plan"),
    description: `Visor database ${name}: daily ${offsite.dailyRetentionDays} days, weekly ${offsite.weeklyRetentionDays} days`,
    resourceType: CLOUD_SQL_RESOURCE_TYPE,
    backupVault: vault.id,
    // PITR logs kept as long as the instance's own (retentionDays).
    logRetentionDays: offsite.logRetentionDays,
    backupRules: [
      {
        ruleId: "daily",
        backupRetentionDays: offsite.dailyRetentionDays,
        standardSchedule: { recurrenceType: "DAILY", timeZone: "UTC", backupWindow: window },
      },
      {
        ruleId: "weekly",
        backupRetentionDays: offsite.weeklyRetentionDays,
        standardSchedule: { recurrenceType: "WEEKLY", daysOfWeeks: ["SUNDAY"], timeZone: "UTC", backupWindow: window },
      },
    ],
    deletionPolicy: keep,
  });
  const plan = new backupdisasterrecovery.BackupPlan(`${name}-backup-plan`, planArgs, planOpts);

  const [assocArgs, assocOpts] = ctx.children.prepare("backupPlanAssociation", {
    project: settings.project,
    // The association lives where the instance is.
    location: settings.region,
    backupPlanAssociationId: rfc1035Name(name, "visor-primary"),
    resourceType: CLOUD_SQL_RESOURCE_TYPE,
    resource: pulumi.interpolate`projects/${primary.project}/instances/${primary.name}`,
    backupPlan: plan.name,
    deletionPolicy: keep,
  });
  const association = new backupdisasterrecovery.BackupPlanAssociation(`${name}-backup-plan-association`, assocArgs, assocOpts);
  return { vault, plan, association };
}
