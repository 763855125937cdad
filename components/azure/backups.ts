// The guide's "Recommended Schedule", weekly offsite row: an Azure Backup vault (geo-redundant storage
// with Cross Region Restore by default, so the copy in the paired region can be restored there) with a
// weekly policy kept 90 days, protecting the flexible server. The hourly-WAL and daily/30-day rows are
// the server's own PITR (backupRetentionDays, 30 days by default), set on the server itself.
import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import type { AzureBuild } from "./context";
import { SETTLE_SECONDS } from "./defaults";
import type { ResolvedAzure } from "./resolved";
import { AzureSettleWait } from "./settle";

export const PG_FLEX_DATASOURCE_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
/** Built-in role "PostgreSQL Flexible Server Long Term Retention Backup Role". */
export const PG_LTR_BACKUP_ROLE_ID = "c088a766-074b-43ba-90d4-1fb21feae531";
/** Built-in role "Reader" (the vault discovers the server through its resource group). */
export const READER_ROLE_ID = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

export interface BackupResources {
  vault: dataprotection.BackupVault;
  policy: dataprotection.BackupPolicy;
  serverRoleAssignment: authorization.RoleAssignment;
  resourceGroupRoleAssignment: authorization.RoleAssignment;
  /** The bounded wait for RBAC propagation between the role assignments and the backup instance. */
  rbacWait: AzureSettleWait;
  instance: dataprotection.BackupInstance;
}

/** The message `pulumi up` prints when the vault has Cross Region Restore on but the program turns it off. */
export function crossRegionRestoreDriftMessage(): string {
  return (
    "AzureVisorDatabase: longTermRetention.crossRegionRestore is false but the Backup vault has Cross Region " +
    "Restore enabled. Azure cannot turn it off once it is on, so the vault keeps it (the change is held back)."
  );
}

export function createLongTermRetention(
  ctx: AzureBuild,
  server: dbforpostgresql.Server,
  ltr: Exclude<ResolvedAzure["longTermRetention"], false>,
): BackupResources {
  const { name } = ctx;
  const { resourceGroupName, location } = ctx.settings;
  const tags = ctx.settings.base.tags;
  const crr = ltr.crossRegionRestore ? "Enabled" : "Disabled";
  const [va, vo] = ctx.children.prepare(
    "backupVault",
    {
      resourceGroupName,
      location,
      identity: { type: "SystemAssigned" },
      properties: {
        storageSettings: [{ datastoreType: "VaultStore", type: ltr.vaultRedundancy }],
        securitySettings: { softDeleteSettings: { state: "On", retentionDurationInDays: ltr.softDeleteDays } },
        // Without it a geo-redundant vault keeps the copy in the paired region but cannot restore it there.
        ...(ltr.vaultRedundancy === "GeoRedundant" ? { featureSettings: { crossRegionRestoreSettings: { state: crr } } } : {}),
      },
      tags,
    },
    // Cross Region Restore cannot be turned off once on: turning it off is held back (and reported below).
    ltr.crossRegionRestore ? {} : { ignoreChanges: ["properties.featureSettings.crossRegionRestoreSettings"] },
  );
  const vault = new dataprotection.BackupVault(`${name}-backup-vault`, va, vo);
  if (!ltr.crossRegionRestore && ltr.vaultRedundancy === "GeoRedundant") {
    vault.properties.apply((p) => {
      if (p?.featureSettings?.crossRegionRestoreSettings?.state === "Enabled")
        void pulumi.log.warn(crossRegionRestoreDriftMessage(), vault);
    });
  }

  const [pa, po] = ctx.children.prepare("backupPolicy", {
    resourceGroupName,
    vaultName: vault.name,
    properties: {
      objectType: "BackupPolicy",
      datasourceTypes: [PG_FLEX_DATASOURCE_TYPE],
      policyRules: [
        {
          name: "BackupWeekly",
          objectType: "AzureBackupRule",
          backupParameters: { objectType: "AzureBackupParams", backupType: "Full" },
          dataStore: { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" },
          trigger: {
            objectType: "ScheduleBasedTriggerContext",
            schedule: { repeatingTimeIntervals: [`R/${ltr.scheduleStartUtc}/P1W`], timeZone: "UTC" },
            taggingCriteria: [{ isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } }],
          },
        },
        {
          name: "Default",
          objectType: "AzureRetentionRule",
          isDefault: true,
          lifecycles: [
            {
              deleteAfter: { objectType: "AbsoluteDeleteOption", duration: `P${ltr.retentionDays}D` },
              sourceDataStore: { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" },
            },
          ],
        },
      ],
    },
  });
  const policy = new dataprotection.BackupPolicy(`${name}-backup-policy`, pa, po);

  // The vault's identity needs the LTR role on the server and Reader on its resource group.
  const subscriptionScope = server.id.apply((id) => id.split("/resourceGroups/")[0]!);
  const resourceGroupId = server.id.apply((id) => id.split("/providers/")[0]!);
  const principalId = vault.identity.apply((i) => i?.principalId ?? "");
  const roleAssignment = (child: string, roleId: string, scope: pulumi.Input<string>) => {
    const [ra, ro] = ctx.children.prepare("backupRoleAssignment", {
      principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: pulumi.interpolate`${subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`,
      scope,
    });
    return new authorization.RoleAssignment(child, ra, ro);
  };
  const serverRoleAssignment = roleAssignment(`${name}-backup-role-server`, PG_LTR_BACKUP_ROLE_ID, server.id);
  const resourceGroupRoleAssignment = roleAssignment(`${name}-backup-role-rg`, READER_ROLE_ID, resourceGroupId);

  // Azure checks the vault's permissions when the instance is made; new role assignments take a while to
  // propagate, so wait a bounded time after them (re-run `pulumi up` if the instance still fails).
  const rbacWait = new AzureSettleWait(
    `${name}-backup-rbac-settle`,
    {
      seconds: SETTLE_SECONDS.rbac,
      reason: "role assignments propagate before the backup instance validates them",
      after: [serverRoleAssignment.id, resourceGroupRoleAssignment.id],
    },
    { parent: ctx.children.parent, dependsOn: [serverRoleAssignment, resourceGroupRoleAssignment] },
  );
  const datasource = {
    datasourceType: PG_FLEX_DATASOURCE_TYPE,
    resourceType: PG_FLEX_DATASOURCE_TYPE,
    resourceID: server.id,
    resourceUri: server.id,
    resourceName: server.name,
    resourceLocation: location,
  };
  const [ia, io] = ctx.children.prepare(
    "backupInstance",
    {
      resourceGroupName,
      vaultName: vault.name,
      properties: {
        objectType: "BackupInstance",
        friendlyName: server.name,
        // Azure's own tools send both: the server as the data source and as its data source set.
        dataSourceInfo: { objectType: "Datasource", ...datasource },
        dataSourceSetInfo: { objectType: "DatasourceSet", ...datasource },
        policyInfo: { policyId: policy.id },
      },
      tags,
    },
    // Protection validation fails until both role assignments exist and have propagated.
    { dependsOn: [serverRoleAssignment, resourceGroupRoleAssignment, rbacWait] },
  );
  const instance = new dataprotection.BackupInstance(`${name}-backup-instance`, ia, io);
  return { vault, policy, serverRoleAssignment, resourceGroupRoleAssignment, rbacWait, instance };
}
