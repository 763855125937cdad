// `AzureVisorDatabase`: Azure Database for PostgreSQL Flexible Server set up as Visor's operations guide
// recommends — private networking, zone-redundant HA, PITR + geo-redundant + weekly vaulted backups,
// tuned parameters with the built-in PgBouncer, read replicas behind a writer virtual endpoint, the app
// role and database, alerts, and Visor's schema bootstrap + HA smoke test.
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as dataprotection from "@pulumi/azure-native/dataprotection";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as monitor from "@pulumi/azure-native/monitor";
import type * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import type { AppCredentials } from "../shared/app-credentials";
import { appConnectionJson } from "../shared/app-connection";
import type { AppRole } from "../shared/app-role";
import type { Endpoint } from "../shared/args";
import type { BootstrapResources } from "../shared/bootstrap-wiring";
import { VisorDatabaseComponent, type VerifyFull } from "../shared/component";
import { PGBOUNCER_PORT, POSTGRES_PORT } from "../shared/defaults";
import type { AzureVisorDatabaseArgs, AzureVisorDatabaseTransforms } from "./args";
import { createLongTermRetention } from "./backups";
import { AZURE_POSTGRES_CA_PEM } from "./ca";
import { ServerOperationChain } from "./chain";
import type { AzureBuild } from "./context";
import { createKeyVaultSecret } from "./credentials";
import { createAlert, replicationLagSpec, serverAlertSpecs } from "./monitoring";
import { createFirewallRules } from "./network";
import { createConfigurations, replicaParameters, serverParameters } from "./parameters";
import { createRunnerNetwork } from "./runner";
import { createInitialSetup } from "./setup";
import { createReplicas, settleAfterCreate, writerHostOf } from "./replicas";
import type { AzureSettleWait } from "./settle";
import { createDeletionLock, createEntraAdmin, createServer } from "./server";
import { validateAzureArgs } from "./validate";

export { POSTGRES_PORT, PGBOUNCER_PORT };
export { geoBackupDriftMessage } from "./server";

export const AZURE_VISOR_DATABASE_TYPE = "visor-db-infra:index:AzureVisorDatabase";

export interface AzureVisorDatabaseResources {
  adminPassword: random.RandomPassword;
  server: dbforpostgresql.Server;
  entraAdmin?: dbforpostgresql.AdministratorsMicrosoftEntra;
  firewallRules: dbforpostgresql.FirewallRule[];
  /** In the order they are applied (each depends on the previous). */
  configurations: dbforpostgresql.Configuration[];
  replicas: dbforpostgresql.Server[];
  /** The recovery parameters set on each replica (max_connections, …), replica by replica. */
  replicaConfigurations: dbforpostgresql.Configuration[];
  /** Bounded waits: after the server, after each replica, and after the vault's role assignments. */
  settleWaits: AzureSettleWait[];
  virtualEndpoint?: dbforpostgresql.VirtualEndpoint;
  backupVault?: dataprotection.BackupVault;
  backupPolicy?: dataprotection.BackupPolicy;
  backupRoleAssignments: authorization.RoleAssignment[];
  /** CanNotDelete lock on the server; absent with `deletionProtection: false`. */
  deletionLock?: authorization.ManagementLockByScope;
  backupInstance?: dataprotection.BackupInstance;
  alerts: monitor.MetricAlert[];
  appCredentials: AppCredentials;
  /** The initial setup through @pulumi/postgresql (`bootstrap.via: "direct"`); in the runner, VisorSchema does it. */
  appRole?: AppRole;
  /** The runner's subnet (delegated to container groups) and its NSG (`bootstrap.via: "runner"`). */
  runnerSubnet?: network.Subnet;
  runnerSecurityGroup?: network.NetworkSecurityGroup;
  keyVaultSecret?: keyvault.Secret;
  bootstrap: BootstrapResources;
}

export class AzureVisorDatabase extends VisorDatabaseComponent<AzureVisorDatabaseTransforms> {
  declare public readonly administratorLogin: pulumi.Output<string>;
  /** Secret. */
  declare public readonly administratorPassword: pulumi.Output<string>;
  declare public readonly serverId: pulumi.Output<string>;
  declare public readonly serverName: pulumi.Output<string>;
  /** The primary server's own host: Visor's writer (its certificate names it, so `verify-full` holds). */
  declare public readonly serverFqdn: pulumi.Output<string>;
  /**
   * The writer virtual endpoint's host (`<ve>.writer.postgres.database.azure.com`), with replicas; it
   * follows a promotion but Azure does not document a certificate for it: use it with `verify-ca`.
   */
  declare public readonly writerVirtualEndpointHost: pulumi.Output<string | undefined>;
  declare public readonly replicaIds: pulumi.Output<string[]>;
  /** Secret: the app connection document as JSON (AppConnectionDocument). */
  declare public readonly appConnection: pulumi.Output<string>;
  /** The Azure Backup vault's id; empty with `longTermRetention: false`. */
  declare public readonly backupVaultIds: pulumi.Output<string[]>;
  /** @deprecated Use `serverCaPem` (the same PEM). */
  declare public readonly caCertificate: pulumi.Output<string>;
  declare public readonly resources: AzureVisorDatabaseResources;

  constructor(name: string, args: AzureVisorDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before the component itself is registered: bad input leaves nothing behind.
    const settings = validateAzureArgs(args);
    super(AZURE_VISOR_DATABASE_TYPE, name, settings.base, args.transform, opts);
    const ctx: AzureBuild = { name, settings, children: this.children };

    const { adminPassword, adminSecret, server } = createServer(ctx);
    // Azure runs one operation at a time per server: every write to it waits for the previous one.
    const chain = new ServerOperationChain(server);
    // A new server answers its first writes with ServerIsBusy for a while: a bounded wait first.
    const serverSettle = settleAfterCreate(ctx, `${name}-server-settle`, server, chain);
    const entraAdmin = createEntraAdmin(ctx, server, chain);
    const firewallRules = createFirewallRules(ctx, server, chain);
    const parameters = serverParameters(settings);
    const configurations = createConfigurations(ctx, server, parameters, chain);
    const { replicas, replicaConfigurations, replicaSettles, virtualEndpoint } = createReplicas(
      ctx,
      server,
      replicaParameters(parameters),
      chain,
    );
    const deletionLock = createDeletionLock(ctx, server, [
      ...configurations,
      ...firewallRules,
      ...(virtualEndpoint ? [virtualEndpoint] : []),
      ...(entraAdmin ? [entraAdmin] : []),
    ]);

    // The server's own name for verify-full: Azure documents no certificate covering the virtual
    // endpoint's `<ve>.writer.postgres.database.azure.com` (a `*.postgres.database.azure.com` wildcard
    // cannot match two labels), nor PgBouncer through it; PgBouncer listens on the server's host name.
    const writerHost = server.fullyQualifiedDomainName;
    const writerEndpoint = writerHost.apply((host) => ({ host, port: POSTGRES_PORT }));
    const poolerEndpoint: pulumi.Output<Endpoint | undefined> = settings.pgbouncer
      ? writerHost.apply((host) => ({ host, port: PGBOUNCER_PORT }))
      : pulumi.output(undefined);

    // With `bootstrap.via: "runner"` the setup, bootstrap and smoke test run in the server's VNet.
    const runner = settings.runner ? createRunnerNetwork(ctx, settings.runner, settings.delegatedSubnetId!) : undefined;
    // The guide's "Initial Setup": role `visor` (with the SCRAM verifier as its password), database, grants.
    const initialSetup = createInitialSetup(ctx, {
      server,
      adminSecret,
      verifier: this.credentials.verifier,
      dependsOn: [server, ...firewallRules, ...(runner ? [runner.subnet] : [])],
      viaRunner: runner !== undefined,
    });

    const backup = settings.longTermRetention ? createLongTermRetention(ctx, server, settings.longTermRetention) : undefined;

    const alerts: monitor.MetricAlert[] = [];
    if (settings.alerts) {
      const { actionGroupId } = settings.alerts;
      for (const spec of serverAlertSpecs(settings.alerts, settings.base.tuning.maxConnections))
        alerts.push(createAlert(ctx, `${name}-alert-${spec.key}`, server, spec, actionGroupId));
      const lag = replicationLagSpec(settings.alerts);
      replicas.forEach((replica, index) =>
        alerts.push(createAlert(ctx, `${name}-alert-replication-lag-${index}`, replica, lag, actionGroupId)),
      );
    }

    // Azure's server certificates chain to public roots, bundled here (the same on the writer and PgBouncer).
    const appConnection = appConnectionJson({
      writer: writerEndpoint,
      pooler: poolerEndpoint,
      database: settings.base.databaseName,
      user: settings.base.appUser,
      password: this.credentials.plain,
      serverCa: AZURE_POSTGRES_CA_PEM,
      poolerCa: AZURE_POSTGRES_CA_PEM,
    });
    const keyVaultSecret = createKeyVaultSecret(ctx, appConnection);

    // Bootstrap as the app role, verify-full against Azure's roots, through the writer and the pooler.
    const ssl: VerifyFull = { mode: "verify-full", ca: AZURE_POSTGRES_CA_PEM };
    const bootstrap = this.bootstrap({
      writer: this.visorConnection(writerEndpoint, ssl),
      pooler: settings.pgbouncer ? this.visorConnection(poolerEndpoint as pulumi.Output<Endpoint>, ssl) : undefined,
      // After the role and database, and after the last server operation (PgBouncer on, replicas, endpoint).
      dependsOn: [...initialSetup.ready, chain.tail],
      ...(runner ? { runner: runner.target, setup: initialSetup.schemaSetup } : {}),
    });

    this.administratorLogin = pulumi.output(settings.administratorLogin);
    this.administratorPassword = adminSecret;
    this.serverId = server.id;
    this.serverName = server.name;
    this.serverFqdn = server.fullyQualifiedDomainName;
    this.writerVirtualEndpointHost = virtualEndpoint ? writerHostOf(virtualEndpoint) : pulumi.output(undefined);
    this.replicaIds = pulumi.all(replicas.map((replica) => replica.id));
    this.appConnection = appConnection;
    this.backupVaultIds = backup ? backup.vault.id.apply((id) => [id]) : pulumi.output([]);
    this.caCertificate = pulumi.output(AZURE_POSTGRES_CA_PEM);
    this.resources = {
      adminPassword,
      server,
      entraAdmin,
      firewallRules,
      configurations,
      replicas,
      replicaConfigurations,
      settleWaits: [serverSettle, ...replicaSettles, ...(backup ? [backup.rbacWait] : [])],
      virtualEndpoint,
      backupVault: backup?.vault,
      backupPolicy: backup?.policy,
      backupRoleAssignments: backup ? [backup.serverRoleAssignment, backup.resourceGroupRoleAssignment] : [],
      deletionLock,
      backupInstance: backup?.instance,
      alerts,
      appCredentials: this.credentials,
      appRole: initialSetup.appRole,
      runnerSubnet: runner?.subnet,
      runnerSecurityGroup: runner?.securityGroup,
      keyVaultSecret,
      bootstrap,
    };
    this.finish(
      {
        writerEndpoint,
        readerEndpoints: pulumi
          .all(replicas.map((replica) => replica.fullyQualifiedDomainName))
          .apply((hosts) => hosts.map((host) => ({ host, port: POSTGRES_PORT }))),
        poolerEndpoint,
        appConnectionSecretId: keyVaultSecret
          ? keyVaultSecret.id.apply((id): string | undefined => id)
          : pulumi.output(undefined),
        serverCaPem: pulumi.output(AZURE_POSTGRES_CA_PEM),
        // Azure's PgBouncer presents the server's certificate: serverCaPem verifies both.
        poolerCaPem: pulumi.output(undefined),
      },
      {
        administratorLogin: this.administratorLogin,
        administratorPassword: this.administratorPassword,
        serverId: this.serverId,
        serverName: this.serverName,
        serverFqdn: this.serverFqdn,
        writerVirtualEndpointHost: this.writerVirtualEndpointHost,
        replicaIds: this.replicaIds,
        appConnection: this.appConnection,
        backupVaultIds: this.backupVaultIds,
      },
    );
  }
}
