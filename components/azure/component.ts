// `AzureVisorDatabase`: Azure Database for PostgreSQL Flexible Server set up as Visor's operations guide
// recommends — private networking, zone-redundant HA, PITR + geo-redundant + weekly vaulted backups,
// tuned parameters with the built-in PgBouncer, read replicas behind a writer virtual endpoint, the app
// role and database, alerts, and Visor's schema bootstrap + HA smoke test.
import * as authorization from "@pulumi/azure-native/authorization";
import type * as dataprotection from "@pulumi/azure-native/dataprotection";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { appCredentials, type AppCredentials } from "../shared/app-credentials";
import { createAppRole, type AppRole } from "../shared/app-role";
import type { Endpoint, VisorDatabaseOutputs } from "../shared/args";
import { wireBootstrap, type BootstrapResources } from "../shared/bootstrap-wiring";
import type { VisorConnectionArgs } from "../visor/providers/connection-args";
import type { AzureVisorDatabaseArgs } from "./args";
import { createLongTermRetention } from "./backups";
import { AZURE_POSTGRES_CA_PEM } from "./ca";
import { ServerOperationChain } from "./chain";
import { appConnectionJson, createKeyVaultSecret } from "./credentials";
import { createAlert, replicationLagSpec, serverAlertSpecs } from "./monitoring";
import { createFirewallRules, serverNetwork } from "./network";
import { createConfigurations, serverParameters } from "./parameters";
import { createReplicas, writerHostOf } from "./replicas";
import { applyTransform } from "./transform";
import { validateAzure, type ResolvedAzure } from "./validate";

export const POSTGRES_PORT = 5432;
/** Azure's built-in PgBouncer listens on the server's host at 6432. */
export const PGBOUNCER_PORT = 6432;

/** The message `pulumi up` prints when the server's geo-redundant backup differs from the argument. */
export function geoBackupDriftMessage(desired: string, actual: string): string {
  return (
    `AzureVisorDatabase: geoRedundantBackup is "${desired}" in the program but the server has "${actual}". ` +
    `Azure sets geo-redundant backup only when a server is created, so this change is NOT applied. ` +
    `To apply it, the server must be REPLACED (a new, empty server): set allowGeoBackupReplace: true and ` +
    `deletionProtection: false, and restore your data; or set geoRedundantBackup back to match the server.`
  );
}

export interface AzureVisorDatabaseResources {
  adminPassword: random.RandomPassword;
  server: dbforpostgresql.Server;
  entraAdmin?: dbforpostgresql.AdministratorsMicrosoftEntra;
  firewallRules: dbforpostgresql.FirewallRule[];
  /** In the order they are applied (each depends on the previous). */
  configurations: dbforpostgresql.Configuration[];
  replicas: dbforpostgresql.Server[];
  virtualEndpoint?: dbforpostgresql.VirtualEndpoint;
  backupVault?: dataprotection.BackupVault;
  backupPolicy?: dataprotection.BackupPolicy;
  backupRoleAssignments: authorization.RoleAssignment[];
  /** CanNotDelete lock on the server; absent with `deletionProtection: false`. */
  deletionLock?: authorization.ManagementLockByScope;
  backupInstance?: dataprotection.BackupInstance;
  alerts: monitor.MetricAlert[];
  appCredentials: AppCredentials;
  appRole: AppRole;
  keyVaultSecret?: keyvault.Secret;
  bootstrap: BootstrapResources;
}

export class AzureVisorDatabase extends pulumi.ComponentResource implements VisorDatabaseOutputs {
  /** The writer: the ReadWrite virtual endpoint when there are replicas (survives promotion), else the server. */
  public readonly writerEndpoint: pulumi.Output<Endpoint>;
  /** Each read replica's host, port 5432. */
  public readonly readerEndpoints: pulumi.Output<Endpoint[]>;
  /** The built-in PgBouncer (writer host, 6432); undefined with `pgbouncer: false`. */
  public readonly poolerEndpoint: pulumi.Output<Endpoint | undefined>;
  public readonly databaseName: pulumi.Output<string>;
  public readonly appUser: pulumi.Output<string>;
  /** Secret. */
  public readonly appPassword: pulumi.Output<string>;
  public readonly administratorLogin: pulumi.Output<string>;
  /** Secret. */
  public readonly administratorPassword: pulumi.Output<string>;
  public readonly serverId: pulumi.Output<string>;
  public readonly serverName: pulumi.Output<string>;
  /** The primary server's own host (not the virtual endpoint). */
  public readonly serverFqdn: pulumi.Output<string>;
  public readonly replicaIds: pulumi.Output<string[]>;
  /** Secret: the app connection JSON (see credentials.ts). */
  public readonly appConnection: pulumi.Output<string>;
  /** Key Vault secret id, when `keyVault` is given. */
  public readonly appConnectionSecretId: pulumi.Output<string | undefined>;
  /** The Azure Backup vault's id; empty with `longTermRetention: false`. */
  public readonly backupVaultIds: pulumi.Output<string[]>;
  /** PEM of the roots Azure's server certificates chain to (for Visor's `ssl.ca`). */
  public readonly caCertificate: pulumi.Output<string>;
  public readonly resources: AzureVisorDatabaseResources;
  /** The validated arguments with every default filled in. */
  public readonly settings: ResolvedAzure;

  constructor(name: string, args: AzureVisorDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before the component itself is registered: bad input leaves nothing behind.
    const r: ResolvedAzure = validateAzure(args);
    super("visor-db-infra:index:AzureVisorDatabase", name, {}, opts);
    const t = args.transform;
    const rg = args.resourceGroupName;
    const tags = r.base.tags;

    const [pwa, pwo] = applyTransform(
      t,
      "adminPassword",
      // Azure wants three of: upper, lower, digit, symbol. No symbols: nothing to quote anywhere.
      { length: 32, special: false, minUpper: 1, minLower: 1, minNumeric: 1 },
      { parent: this },
    );
    const adminPassword = new random.RandomPassword(`${name}-admin-password`, pwa, pwo);
    const adminSecret = pulumi.secret(adminPassword.result);

    const geo = r.geoRedundantBackup ? "Enabled" : "Disabled";
    const [sa, so] = applyTransform(
      t,
      "server",
      {
        resourceGroupName: rg,
        location: args.location,
        serverName: args.serverName,
        version: r.version,
        sku: { name: r.skuName, tier: r.skuTier },
        storage: { storageSizeGB: r.storageSizeGb, autoGrow: r.storageAutoGrow ? "Enabled" : "Disabled" },
        highAvailability: { mode: r.highAvailability, standbyAvailabilityZone: args.standbyAvailabilityZone },
        availabilityZone: args.availabilityZone,
        backup: { backupRetentionDays: r.base.retentionDays, geoRedundantBackup: geo },
        network: serverNetwork(r, args.delegatedSubnetId, args.privateDnsZoneId),
        administratorLogin: r.administratorLogin,
        administratorLoginPassword: adminSecret,
        authConfig: {
          passwordAuth: "Enabled",
          activeDirectoryAuth: args.entraAdmin ? "Enabled" : "Disabled",
          tenantId: args.entraAdmin?.tenantId,
        },
        tags,
      },
      {
        parent: this,
        // Azure has no deletion-protection flag: Pulumi never deletes the server (destroy or replace
        // leave it in Azure); delete it yourself once you are sure.
        retainOnDelete: r.base.deletionProtection,
        // Geo-redundant backup is create-time only. By default a change is held back (and reported,
        // below); with allowGeoBackupReplace the preview shows the server as a replace.
        ...(r.allowGeoBackupReplace
          ? { replaceOnChanges: ["backup.geoRedundantBackup"] }
          : { ignoreChanges: ["backup.geoRedundantBackup"] }),
      },
    );
    const server = new dbforpostgresql.Server(`${name}-server`, sa, so);
    if (!r.allowGeoBackupReplace) {
      server.backup.apply((b) => {
        const actual = b?.geoRedundantBackup;
        if (actual !== undefined && actual !== geo) void pulumi.log.warn(geoBackupDriftMessage(geo, actual), server);
      });
    }

    const chain = new ServerOperationChain(server);
    let entraAdmin: dbforpostgresql.AdministratorsMicrosoftEntra | undefined;
    if (args.entraAdmin) {
      const e = args.entraAdmin;
      const principalType = ({ User: "user", Group: "group", ServicePrincipal: "servicePrincipal" } as const)[
        r.entraPrincipalType ?? "Group"
      ];
      entraAdmin = chain.add((dependsOn) => {
        const [a, o] = applyTransform(
          t,
          "entraAdmin",
          {
            resourceGroupName: rg,
            serverName: server.name,
            objectId: e.objectId,
            principalName: e.principalName,
            principalType,
            tenantId: e.tenantId,
          },
          { parent: this, dependsOn },
        );
        return new dbforpostgresql.AdministratorsMicrosoftEntra(`${name}-entra-admin`, a, o);
      });
    }
    const firewallRules = createFirewallRules(name, this, server, rg, r, chain, t);
    const configurations = createConfigurations(name, this, server, rg, serverParameters(r, args.parameters), chain, t);
    const { replicas, virtualEndpoint } = createReplicas(
      name,
      this,
      server,
      rg,
      { ...r, virtualEndpointName: r.virtualEndpointName ?? (args.serverName ? `${args.serverName}-ve` : undefined) },
      chain,
      t,
      tags,
    );

    // Azure has no deletion-protection flag on the server: a CanNotDelete lock makes Azure itself refuse
    // to delete it (portal, CLI or Pulumi), the equivalent of RDS/Cloud SQL deletion protection. It also
    // blocks deleting the server's child resources (firewall rules, virtual endpoint) while it exists.
    let deletionLock: authorization.ManagementLockByScope | undefined;
    if (r.base.deletionProtection) {
      const [la, lo] = applyTransform(
        args.transform,
        "deletionLock",
        {
          scope: server.id,
          level: "CanNotDelete",
          lockName: `${name}-visor-no-delete`,
          notes: "visor-db-infra: Visor's scheduler database. Set deletionProtection: false to remove this lock.",
        },
        // Made after the server's child resources, so `pulumi destroy` removes the lock before them.
        {
          parent: this,
          dependsOn: [
            ...configurations,
            ...firewallRules,
            ...(virtualEndpoint ? [virtualEndpoint] : []),
            ...(entraAdmin ? [entraAdmin] : []),
          ],
        },
      );
      deletionLock = new authorization.ManagementLockByScope(`${name}-delete-lock`, la, lo);
    }

    const writerHost = virtualEndpoint ? writerHostOf(virtualEndpoint) : server.fullyQualifiedDomainName;
    const writerEndpoint = writerHost.apply((host) => ({ host, port: POSTGRES_PORT }));
    const poolerEndpoint: pulumi.Output<Endpoint | undefined> = r.pgbouncer
      ? writerHost.apply((host) => ({ host, port: PGBOUNCER_PORT }))
      : pulumi.output(undefined);

    // The guide's "Initial Setup": role `visor` (with the SCRAM verifier as its password), database, grants.
    const credentials = appCredentials(name, this, args.transform);
    const appRole = createAppRole(name, this, {
      transforms: args.transform,
      admin: {
        host: server.fullyQualifiedDomainName,
        port: POSTGRES_PORT,
        username: r.administratorLogin,
        password: adminSecret,
        sslmode: "verify-full",
        sslrootcert: args.adminSslRootCert,
      },
      databaseName: r.base.databaseName,
      appUser: r.base.appUser,
      passwordVerifier: credentials.verifier,
      dependsOn: [server, ...firewallRules],
    });

    let backupVault: dataprotection.BackupVault | undefined;
    let backupPolicy: dataprotection.BackupPolicy | undefined;
    let backupInstance: dataprotection.BackupInstance | undefined;
    const backupRoleAssignments: authorization.RoleAssignment[] = [];
    if (r.longTermRetention) {
      const b = createLongTermRetention(name, this, server, rg, args.location, r.longTermRetention, t, tags);
      backupVault = b.vault;
      backupPolicy = b.policy;
      backupInstance = b.instance;
      backupRoleAssignments.push(b.serverRoleAssignment, b.resourceGroupRoleAssignment);
    }

    const alerts: monitor.MetricAlert[] = [];
    if (r.alerts) {
      const actionGroupId = typeof args.alerts === "object" ? args.alerts.actionGroupId : undefined;
      for (const spec of serverAlertSpecs(r.alerts, Number(r.base.tuning.max_connections))) {
        alerts.push(createAlert(`${name}-alert-${spec.key}`, this, server, rg, spec, actionGroupId, t, tags));
      }
      replicas.forEach((replica, i) => {
        alerts.push(
          createAlert(
            `${name}-alert-replication-lag-${i}`,
            this,
            replica,
            rg,
            replicationLagSpec(r.alerts as Exclude<ResolvedAzure["alerts"], false>),
            actionGroupId,
            t,
            tags,
          ),
        );
      });
    }

    const appConnection = appConnectionJson(
      writerEndpoint,
      poolerEndpoint,
      r.base.databaseName,
      r.base.appUser,
      credentials.plain,
    );
    const keyVaultSecret = args.keyVault
      ? createKeyVaultSecret(name, this, args.keyVault, rg, appConnection, t, tags)
      : undefined;

    // Bootstrap as the app role, verify-full against Azure's roots, through the writer and the pooler.
    const connection = (port: number): pulumi.Output<VisorConnectionArgs> =>
      pulumi.secret(
        pulumi.all([writerHost, credentials.plain]).apply(([host, password]) => ({
          host,
          port,
          database: r.base.databaseName,
          user: r.base.appUser,
          password,
          ssl: { mode: "verify-full" as const, ca: AZURE_POSTGRES_CA_PEM },
        })),
      );
    const bootstrap = wireBootstrap(name, this, {
      transforms: args.transform,
      writer: connection(POSTGRES_PORT),
      pooler: r.pgbouncer ? connection(PGBOUNCER_PORT) : undefined,
      // After the role and database, and after the last server operation (PgBouncer on, replicas, endpoint).
      dependsOn: [appRole.role, appRole.database, appRole.grant, chain.tail],
      settings: r.base,
    });

    this.writerEndpoint = writerEndpoint;
    this.readerEndpoints = pulumi
      .all(replicas.map((x) => x.fullyQualifiedDomainName))
      .apply((hosts) => hosts.map((host) => ({ host, port: POSTGRES_PORT })));
    this.poolerEndpoint = poolerEndpoint;
    this.databaseName = pulumi.output(r.base.databaseName);
    this.appUser = pulumi.output(r.base.appUser);
    this.appPassword = credentials.plain;
    this.administratorLogin = pulumi.output(r.administratorLogin);
    this.administratorPassword = adminSecret;
    this.serverId = server.id;
    this.serverName = server.name;
    this.serverFqdn = server.fullyQualifiedDomainName;
    this.replicaIds = pulumi.all(replicas.map((x) => x.id));
    this.appConnection = appConnection;
    this.appConnectionSecretId = keyVaultSecret
      ? keyVaultSecret.id.apply((id): string | undefined => id)
      : pulumi.output(undefined);
    this.backupVaultIds = backupVault ? backupVault.id.apply((id) => [id]) : pulumi.output([]);
    this.caCertificate = pulumi.output(AZURE_POSTGRES_CA_PEM);
    this.settings = r;
    this.resources = {
      adminPassword,
      server,
      entraAdmin,
      firewallRules,
      configurations,
      replicas,
      virtualEndpoint,
      backupVault,
      backupPolicy,
      backupRoleAssignments,
      deletionLock,
      backupInstance,
      alerts,
      appCredentials: credentials,
      appRole,
      keyVaultSecret,
      bootstrap,
    };
    this.registerOutputs({
      writerEndpoint: this.writerEndpoint,
      readerEndpoints: this.readerEndpoints,
      poolerEndpoint: this.poolerEndpoint,
      databaseName: this.databaseName,
      appUser: this.appUser,
      appPassword: this.appPassword,
      administratorLogin: this.administratorLogin,
      administratorPassword: this.administratorPassword,
      serverId: this.serverId,
      serverName: this.serverName,
      serverFqdn: this.serverFqdn,
      replicaIds: this.replicaIds,
      appConnection: this.appConnection,
      appConnectionSecretId: this.appConnectionSecretId,
      backupVaultIds: this.backupVaultIds,
    });
  }
}
