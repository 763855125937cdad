// GcpVisorDatabase: Cloud SQL for PostgreSQL set up as Visor's operations guide asks, in one line:
// `new GcpVisorDatabase("visor", { region, network })`.
import * as pulumi from "@pulumi/pulumi";
import type * as backupdisasterrecovery from "@pulumi/gcp/backupdisasterrecovery";
import type * as compute from "@pulumi/gcp/compute";
import type * as dns from "@pulumi/gcp/dns";
import type * as monitoring from "@pulumi/gcp/monitoring";
import type * as projects from "@pulumi/gcp/projects";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import type * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type * as servicenetworking from "@pulumi/gcp/servicenetworking";
import type * as sql from "@pulumi/gcp/sql";
import type * as random from "@pulumi/random";
import type { AppRoleOn } from "../shared/app-role";
import type * as tls from "@pulumi/tls";
import type { Endpoint } from "../shared/args";
import { VisorDatabaseComponent } from "../shared/component";
import { PGBOUNCER_PORT, POSTGRES_PORT } from "../shared/defaults";
import type { VisorSchema } from "../visor/providers/visor-schema";
import type { VisorHaSmokeTest } from "../visor/providers/visor-ha-smoke-test";
import type { GcpPooler, GcpVisorDatabaseArgs, GcpVisorDatabaseTransforms } from "./args";
import { visorAppRole } from "./app-role";
import { offsiteBackups } from "./backup-vault";
import type { GcpBuild } from "./context";
import { cloudSqlCredentials, connectionSecret } from "./credentials";
import { instanceDns } from "./dns";
import { primaryInstance } from "./instance";
import { alertPolicies } from "./monitoring";
import { privateServiceAccess } from "./network";
import { pgbouncerPool } from "./pooler";
import { readReplicas } from "./replicas";
import { validateGcpArgs } from "./validate";

export const GCP_VISOR_DATABASE_TYPE = "visor-db-infra:index:GcpVisorDatabase";
export { POSTGRES_PORT };
/** The pooler's port, managed pooling and our PgBouncer alike. */
export const POOLER_PORT = PGBOUNCER_PORT;

/** The children, for users who need to reference or extend them. Absent ones were not created. */
export interface GcpVisorDatabaseResources {
  privateIpRange?: compute.GlobalAddress;
  privateServiceAccess?: servicenetworking.Connection;
  instance: sql.DatabaseInstance;
  replicas: sql.DatabaseInstance[];
  database: sql.Database;
  /** The built-in admin user (`adminUser`), a cloudsqlsuperuser member; Visor never logs in as it. */
  adminUser: sql.User;
  adminPassword: random.RandomPassword;
  /** Visor's role, made by SQL as the admin (not a cloudsqlsuperuser member), and its grants. */
  appRole: AppRoleOn;
  appPassword: random.RandomPassword;
  appPasswordSalt: random.RandomBytes;
  iamUsers: sql.User[];
  iamUserRoles: projects.IAMMember[];
  /** Backup and DR (absent with `offsite: false`). */
  backupVault?: backupdisasterrecovery.BackupVault;
  backupPlan?: backupdisasterrecovery.BackupPlan;
  backupPlanAssociation?: backupdisasterrecovery.BackupPlanAssociation;
  /** Private DNS zones and A records for each instance's DNS name (primary first; none with `privateDns: false`). */
  dnsZones: dns.ManagedZone[];
  dnsRecords: dns.RecordSet[];
  connectionSecret: secretmanager.Secret;
  connectionSecretVersion: secretmanager.SecretVersion;
  poolerAddress?: compute.Address;
  poolerTlsKey?: tls.PrivateKey;
  poolerTlsCertificate?: tls.SelfSignedCert;
  poolerConfigSecret?: secretmanager.Secret;
  poolerConfigSecretVersion?: secretmanager.SecretVersion;
  poolerServiceAccount?: serviceaccount.Account;
  poolerSecretAccess?: secretmanager.SecretIamMember;
  poolerTemplate?: compute.InstanceTemplate;
  poolerHealthCheck?: compute.RegionHealthCheck;
  poolerGroup?: compute.RegionInstanceGroupManager;
  poolerBackend?: compute.RegionBackendService;
  poolerForwardingRule?: compute.ForwardingRule;
  poolerFirewall?: compute.Firewall;
  poolerHealthCheckFirewall?: compute.Firewall;
  alertPolicies: monitoring.AlertPolicy[];
  schema?: VisorSchema;
  smokeTest?: VisorHaSmokeTest;
}

/**
 * Cloud SQL for PostgreSQL for Visor's scheduler: HA primary on a private IP reached by its DNS name, the guide's
 * backups (PITR, 30 daily, a weekly 90-day copy in a Backup and DR vault, final backup), read replicas, the guide's
 * tuning sized to the tier as flags, a pooler (Cloud SQL managed pooling or PgBouncer), alerts, credentials in
 * Secret Manager, and Visor's schema + HA smoke test on `pulumi up`.
 */
export class GcpVisorDatabase extends VisorDatabaseComponent<GcpVisorDatabaseTransforms> {
  /** `<project>:<region>:<instance>`, for the Cloud SQL Auth Proxy and connectors. */
  declare public readonly connectionName: pulumi.Output<string>;
  declare public readonly instanceName: pulumi.Output<string>;
  declare public readonly replicaConnectionNames: pulumi.Output<string[]>;
  /** Which pooler was set up. */
  declare public readonly pooler: GcpPooler;
  declare public readonly resources: GcpVisorDatabaseResources;

  constructor(name: string, args: GcpVisorDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything (even this component), so bad input creates nothing.
    const settings = validateGcpArgs(args);
    super(GCP_VISOR_DATABASE_TYPE, name, settings.base, args.transform, opts);
    const ctx: GcpBuild = { name, settings, children: this.children };

    const psa = privateServiceAccess(ctx);
    const instance = primaryInstance(ctx, psa);
    const replicas = readReplicas(ctx, instance, psa);
    const sqlCreds = cloudSqlCredentials(ctx, instance);
    const backups = offsiteBackups(ctx, instance);
    // Every hop connects to the instance's DNS name, the name its CAS-issued certificate carries (see dns.ts).
    const primaryDns = instanceDns(ctx, "primary", instance);
    const replicaDns = replicas.map((rep, i) => instanceDns(ctx, `replica-${i + 1}`, rep));
    const dnsAll = [primaryDns, ...replicaDns];

    const serverCa = instance.serverCaCerts.apply((certs) =>
      (certs ?? [])
        .map((c) => c.cert)
        .filter((c): c is string => !!c)
        .join("\n"),
    );
    const writer = pulumi.output({ host: primaryDns.host, port: POSTGRES_PORT });
    const readers = pulumi.all(replicaDns.map((d) => pulumi.output({ host: d.host, port: POSTGRES_PORT })));

    // The admin connects by the DNS name too, so after its record; the instance already waits for the network.
    const reachable: pulumi.Resource[] = primaryDns.record ? [primaryDns.record] : [];
    const appRole = visorAppRole(ctx, {
      primary: instance,
      host: primaryDns.host,
      serverCa,
      sqlCreds,
      app: this.credentials,
      dependsOn: reachable,
    });
    const ready: pulumi.Resource[] = [
      instance,
      sqlCreds.database,
      appRole.role,
      appRole.grant,
      appRole.schemaGrant,
      ...reachable,
    ];
    let poolerEndpoint: pulumi.Output<Endpoint | undefined> = pulumi.output(undefined);
    let pool: ReturnType<typeof pgbouncerPool> | undefined;
    if (settings.pooler === "managed") {
      poolerEndpoint = pulumi.output({ host: primaryDns.host, port: POOLER_PORT });
    } else if (settings.pooler === "pgbouncer") {
      pool = pgbouncerPool(ctx, { writer, creds: this.credentials, serverCa, dependsOn: ready });
      poolerEndpoint = pool.endpoint;
    }
    // Every hop is verify-full: the writer and managed pooling by the instance's DNS name against the server CA; our
    // PgBouncer presents its own self-signed certificate naming the load balancer's IP, which clients trust directly.
    const poolerCa = pool?.tls.certPem;

    const secret = connectionSecret(ctx, {
      writer,
      pooler: poolerEndpoint,
      database: settings.base.databaseName,
      user: settings.base.appUser,
      password: this.credentials.plain,
      serverCa,
      poolerCa: poolerCa ?? serverCa,
    });
    const alerts = alertPolicies(ctx, {
      primary: instance,
      replicas,
      pgbouncer: pool && { groupName: pool.group.name, vmPrefix: pool.vmPrefix },
    });

    const verifyFull = (ca: pulumi.Output<string>) => ca.apply((pem) => ({ mode: "verify-full" as const, ca: pem }));
    const poolerResources = pool ? [pool.group, pool.forwardingRule, pool.backend] : [];
    const boot = this.bootstrap({
      writer: this.visorConnection(writer, verifyFull(serverCa)),
      pooler:
        settings.pooler === "none"
          ? undefined
          : this.visorConnection(poolerEndpoint as pulumi.Output<Endpoint>, verifyFull(poolerCa ?? serverCa)),
      // Visor only ever uses the writer (and the pooler in front of it): no need to wait for replicas.
      dependsOn: [...ready, ...poolerResources],
    });

    this.connectionName = instance.connectionName;
    this.instanceName = instance.name;
    this.replicaConnectionNames = pulumi.all(replicas.map((rep) => rep.connectionName));
    this.pooler = settings.pooler;
    this.resources = {
      privateIpRange: psa.range,
      privateServiceAccess: psa.connection,
      instance,
      replicas,
      database: sqlCreds.database,
      adminUser: sqlCreds.adminUser,
      adminPassword: sqlCreds.adminPassword,
      appRole,
      appPassword: this.credentials.password,
      appPasswordSalt: this.credentials.salt,
      iamUsers: sqlCreds.iamUsers,
      iamUserRoles: sqlCreds.iamUserRoles,
      backupVault: backups?.vault,
      backupPlan: backups?.plan,
      backupPlanAssociation: backups?.association,
      dnsZones: dnsAll.flatMap((d) => (d.zone ? [d.zone] : [])),
      dnsRecords: dnsAll.flatMap((d) => (d.record ? [d.record] : [])),
      connectionSecret: secret.secret,
      connectionSecretVersion: secret.version,
      poolerAddress: pool?.address,
      poolerTlsKey: pool?.tls.key,
      poolerTlsCertificate: pool?.tls.certificate,
      poolerConfigSecret: pool?.configSecret,
      poolerConfigSecretVersion: pool?.configSecretVersion,
      poolerServiceAccount: pool?.serviceAccount,
      poolerSecretAccess: pool?.secretAccess,
      poolerTemplate: pool?.template,
      poolerHealthCheck: pool?.healthCheck,
      poolerGroup: pool?.group,
      poolerBackend: pool?.backend,
      poolerForwardingRule: pool?.forwardingRule,
      poolerFirewall: pool?.firewall,
      poolerHealthCheckFirewall: pool?.healthCheckFirewall,
      alertPolicies: alerts,
      schema: boot.schema,
      smokeTest: boot.smokeTest,
    };
    this.finish(
      {
        writerEndpoint: writer,
        readerEndpoints: readers,
        poolerEndpoint,
        appConnectionSecretId: secret.secret.id,
        serverCaPem: serverCa,
        poolerCaPem: poolerCa ?? pulumi.output(undefined),
      },
      {
        connectionName: this.connectionName,
        instanceName: this.instanceName,
        replicaConnectionNames: this.replicaConnectionNames,
      },
    );
  }
}
