// The Flexible Server itself: its generated admin password, the server (private by default, zone-redundant
// HA, PITR and geo-redundant backups), the Entra admin, and the delete lock that stands in for deletion
// protection.
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ServerOperationChain } from "./chain";
import type { AzureBuild } from "./context";
import { serverNetwork } from "./network";

/** The message `pulumi up` prints when the server's geo-redundant backup differs from the argument. */
export function geoBackupDriftMessage(desired: string, actual: string): string {
  return (
    `AzureVisorDatabase: geoRedundantBackup is "${desired}" in the program but the server has "${actual}". ` +
    `Azure sets geo-redundant backup only when a server is created, so this change is NOT applied. ` +
    `To apply it, the server must be REPLACED (a new, empty server): set allowGeoBackupReplace: true and ` +
    `deletionProtection: false, and restore your data; or set geoRedundantBackup back to match the server.`
  );
}

export interface Server {
  adminPassword: random.RandomPassword;
  /** Secret. */
  adminSecret: pulumi.Output<string>;
  server: dbforpostgresql.Server;
}

export function createServer(ctx: AzureBuild): Server {
  const { name, settings } = ctx;
  const adminPassword = new random.RandomPassword(
    `${name}-admin-password`,
    // Azure wants three of: upper, lower, digit, symbol. No symbols: nothing to quote anywhere.
    ...ctx.children.prepare("adminPassword", { length: 32, special: false, minUpper: 1, minLower: 1, minNumeric: 1 }),
  );
  const adminSecret = pulumi.secret(adminPassword.result);
  const geo = settings.geoRedundantBackup ? "Enabled" : "Disabled";
  const server = new dbforpostgresql.Server(
    `${name}-server`,
    ...ctx.children.prepare(
      "server",
      {
        resourceGroupName: settings.resourceGroupName,
        location: settings.location,
        serverName: settings.serverName,
        version: settings.version,
        sku: { name: settings.skuName, tier: settings.skuTier },
        storage: { storageSizeGB: settings.storageSizeGb, autoGrow: settings.storageAutoGrow ? "Enabled" : "Disabled" },
        highAvailability: { mode: settings.highAvailability, standbyAvailabilityZone: settings.standbyAvailabilityZone },
        availabilityZone: settings.availabilityZone,
        backup: { backupRetentionDays: settings.base.retentionDays, geoRedundantBackup: geo },
        network: serverNetwork(settings, settings.delegatedSubnetId, settings.privateDnsZoneId),
        administratorLogin: settings.administratorLogin,
        administratorLoginPassword: adminSecret,
        authConfig: {
          passwordAuth: "Enabled",
          activeDirectoryAuth: settings.entraAdmin ? "Enabled" : "Disabled",
          tenantId: settings.entraAdmin?.tenantId,
        },
        tags: settings.base.tags,
      },
      {
        // Azure has no deletion-protection flag: Pulumi never deletes the server (destroy or replace
        // leave it in Azure); delete it yourself once you are sure.
        retainOnDelete: settings.base.deletionProtection,
        // Geo-redundant backup is create-time only. By default a change is held back (and reported,
        // below); with allowGeoBackupReplace the preview shows the server as a replace.
        ...(settings.allowGeoBackupReplace
          ? { replaceOnChanges: ["backup.geoRedundantBackup"] }
          : { ignoreChanges: ["backup.geoRedundantBackup"] }),
      },
    ),
  );
  if (!settings.allowGeoBackupReplace) {
    server.backup.apply((backup) => {
      const actual = backup?.geoRedundantBackup;
      if (actual !== undefined && actual !== geo) void pulumi.log.warn(geoBackupDriftMessage(geo, actual), server);
    });
  }
  return { adminPassword, adminSecret, server };
}

/**
 * The Microsoft Entra ID administrator, as the next server operation. The PostgreSQL Flexible Server spec
 * spells principalType `User` / `Group` / `ServicePrincipal`; the SDK's enum (lower case) is shared with
 * another API, so the spec's spelling is sent as is.
 */
export function createEntraAdmin(
  ctx: AzureBuild,
  server: dbforpostgresql.Server,
  chain: ServerOperationChain,
): dbforpostgresql.AdministratorsMicrosoftEntra | undefined {
  const admin = ctx.settings.entraAdmin;
  if (!admin) return undefined;
  return chain.add(
    (dependsOn) =>
      new dbforpostgresql.AdministratorsMicrosoftEntra(
        `${ctx.name}-entra-admin`,
        ...ctx.children.prepare(
          "entraAdmin",
          {
            resourceGroupName: ctx.settings.resourceGroupName,
            serverName: server.name,
            objectId: admin.objectId,
            principalName: admin.principalName,
            principalType: admin.principalType,
            tenantId: admin.tenantId,
          },
          { dependsOn },
        ),
      ),
  );
}

/**
 * Azure has no deletion-protection flag on the server: a CanNotDelete lock makes Azure itself refuse to
 * delete it (portal, CLI or Pulumi), the equivalent of RDS/Cloud SQL deletion protection. It also blocks
 * deleting the server's children while it exists, so it is made after them (`pulumi destroy` removes it first).
 */
export function createDeletionLock(
  ctx: AzureBuild,
  server: dbforpostgresql.Server,
  children: pulumi.Resource[],
): authorization.ManagementLockByScope | undefined {
  if (!ctx.settings.base.deletionProtection) return undefined;
  return new authorization.ManagementLockByScope(
    `${ctx.name}-delete-lock`,
    ...ctx.children.prepare(
      "deletionLock",
      {
        scope: server.id,
        level: "CanNotDelete",
        lockName: `${ctx.name}-visor-no-delete`,
        notes: "visor-db-infra: Visor's scheduler database. Set deletionProtection: false to remove this lock.",
      },
      { dependsOn: children },
    ),
  );
}
