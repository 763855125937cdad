// The guide's "Recommended Schedule" beyond PITR (which RDS automated backups give: hourly WAL, 7 days):
// an AWS Backup plan with daily backups kept 30 days and a weekly copy to an offsite vault (another
// region, or another account's vault) kept 90 days.
import * as pulumi from "@pulumi/pulumi";
import * as backup from "@pulumi/aws/backup";
import * as iam from "@pulumi/aws/iam";
import { assumeRolePolicy, partitionOf, type AwsBuild } from "./context";
import type { Writer } from "./database";
import { BACKUP_START_WINDOW_MINUTES } from "./windows";

export interface Backups {
  role: iam.Role;
  vault: backup.Vault;
  /** Absent when the offsite vault is an existing ARN. */
  offsiteVault?: backup.Vault;
  plan: backup.Plan;
  selection: backup.Selection;
  vaultArns: pulumi.Output<string[]>;
}

export function createBackups(ctx: AwsBuild, writer: Writer): Backups | undefined {
  const { settings, name } = ctx;
  const b = settings.awsBackup;
  if (!b) return undefined;
  const tags = settings.base.tags;
  const role = new iam.Role(
    `${name}-backup`,
    ...ctx.children.prepare("backupRole", {
      assumeRolePolicy: assumeRolePolicy("backup.amazonaws.com"),
      description: `AWS Backup for Visor database ${name}`,
      tags,
    }),
  );
  for (const policy of ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) {
    new iam.RolePolicyAttachment(
      `${name}-backup-${policy.endsWith("Backup") ? "backup" : "restores"}`,
      ...ctx.children.prepare("rolePolicyAttachment", {
        role: role.name,
        policyArn: `arn:${partitionOf(settings.stackRegion)}:iam::aws:policy/service-role/${policy}`,
      }),
    );
  }
  const vault = new backup.Vault(`${name}-vault`, ...ctx.children.prepare("backupVault", { kmsKeyArn: b.kmsKeyArn, tags }));
  const offsiteVault =
    "region" in b.offsite
      ? new backup.Vault(
          `${name}-offsite-vault`,
          ...ctx.children.prepare("backupVault", { region: b.offsite.region, kmsKeyArn: b.offsite.kmsKeyArn, tags }),
        )
      : undefined;
  const offsiteArn = offsiteVault ? offsiteVault.arn : pulumi.output((b.offsite as { vaultArn: string }).vaultArn);
  const plan = new backup.Plan(
    `${name}-backup-plan`,
    ...ctx.children.prepare("backupPlan", {
      rules: [
        {
          ruleName: "visor-daily",
          targetVaultName: vault.name,
          schedule: b.dailySchedule,
          startWindow: BACKUP_START_WINDOW_MINUTES,
          completionWindow: 360,
          lifecycle: { deleteAfter: b.dailyRetentionDays },
          recoveryPointTags: tags,
        },
        {
          ruleName: "visor-weekly-offsite",
          targetVaultName: vault.name,
          schedule: b.weeklySchedule,
          startWindow: BACKUP_START_WINDOW_MINUTES,
          completionWindow: 360,
          // Longer than the daily rule's: should AWS Backup ever merge the two, it keeps this one (with the copy).
          lifecycle: { deleteAfter: b.weeklyLocalRetentionDays },
          copyActions: [{ destinationVaultArn: offsiteArn, lifecycle: { deleteAfter: b.offsiteRetentionDays } }],
          recoveryPointTags: tags,
        },
      ],
      tags,
    }),
  );
  const selection = new backup.Selection(
    `${name}-backup-selection`,
    ...ctx.children.prepare(
      "backupSelection",
      { planId: plan.id, iamRoleArn: role.arn, resources: [writer.arn] },
      { dependsOn: writer.ready },
    ),
  );
  return { role, vault, offsiteVault, plan, selection, vaultArns: pulumi.all([vault.arn, offsiteArn]) };
}
