// GcpVisorDatabase: Cloud SQL for PostgreSQL set up as Visor's operations guide asks, in one line:
// `new GcpVisorDatabase("visor", { region, network })`.
import * as pulumi from "@pulumi/pulumi";
import type * as compute from "@pulumi/gcp/compute";
import type * as monitoring from "@pulumi/gcp/monitoring";
import type * as projects from "@pulumi/gcp/projects";
import type * as secretmanager from "@pulumi/gcp/secretmanager";
import type * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type * as servicenetworking from "@pulumi/gcp/servicenetworking";
import type * as sql from "@pulumi/gcp/sql";
import type * as random from "@pulumi/random";
import type * as tls from "@pulumi/tls";
import { appCredentials } from "../shared/app-credentials";
import type { Endpoint, VisorDatabaseOutputs } from "../shared/args";
import { wireBootstrap } from "../shared/bootstrap-wiring";
import type { VisorSchema } from "../visor/providers/visor-schema";
import type { VisorHaSmokeTest } from "../visor/providers/visor-ha-smoke-test";
import type { VisorConnectionArgs } from "../visor/providers/connection-args";
import type { GcpPooler, GcpVisorDatabaseArgs } from "./args";
import { cloudSqlCredentials, connectionSecret } from "./credentials";
import { primaryInstance } from "./instance";
import { alertPolicies } from "./monitoring";
import { privateServiceAccess } from "./network";
import { pgbouncerPool } from "./pooler";
import { readReplicas } from "./replicas";
import { validateGcp, type ResolvedGcp } from "./validate";

export const GCP_VISOR_DATABASE_TYPE = "visor-db-infra:index:GcpVisorDatabase";
export const POSTGRES_PORT = 5432;
export const POOLER_PORT = 6432;

/** The children, for users who need to reference or extend them. Absent ones were not created. */
export interface GcpVisorDatabaseResources {
  privateIpRange?: compute.GlobalAddress;
  privateServiceAccess?: servicenetworking.Connection;
  instance: sql.DatabaseInstance;
  replicas: sql.DatabaseInstance[];
  database: sql.Database;
  user: sql.User;
  appPassword: random.RandomPassword;
  appPasswordSalt: random.RandomBytes;
  iamUsers: sql.User[];
  iamUserRoles: projects.IAMMember[];
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
 * Cloud SQL for PostgreSQL for Visor's scheduler: HA primary on a private IP, the guide's backups (PITR, 30 daily,
 * offsite location, final backup), read replicas, the guide's tuning as flags, a pooler (Cloud SQL managed pooling
 * or PgBouncer), alerts, credentials in Secret Manager, and Visor's schema + HA smoke test on `pulumi up`.
 */
export class GcpVisorDatabase extends pulumi.ComponentResource implements VisorDatabaseOutputs {
  /** Primary's private IP, port 5432. Visor's scheduler must always use the writer (or the pooler in front of it). */
  public readonly writerEndpoint: pulumi.Output<Endpoint>;
  /** Replicas' private IPs, port 5432 (reporting queries only). */
  public readonly readerEndpoints: pulumi.Output<Endpoint[]>;
  /** Port 6432 on the primary (managed) or the internal load balancer (pgbouncer); undefined with pooler "none". */
  public readonly poolerEndpoint: pulumi.Output<Endpoint | undefined>;
  public readonly databaseName: pulumi.Output<string>;
  public readonly appUser: pulumi.Output<string>;
  /** Secret. */
  public readonly appPassword: pulumi.Output<string>;
  /** `<project>:<region>:<instance>`, for the Cloud SQL Auth Proxy and connectors. */
  public readonly connectionName: pulumi.Output<string>;
  public readonly instanceName: pulumi.Output<string>;
  public readonly replicaConnectionNames: pulumi.Output<string[]>;
  /** PEM bundle of the server CA(s) clients verify against (`sslmode=verify-full`). */
  public readonly serverCaPem: pulumi.Output<string>;
  /**
   * PgBouncer's self-signed certificate (PEM) naming the load balancer's IP: the `sslrootcert` for `verify-full` to
   * `poolerEndpoint`. Undefined unless pooler is "pgbouncer" (managed pooling uses `serverCaPem`).
   */
  public readonly poolerCaPem: pulumi.Output<string | undefined>;
  /** Secret Manager secret (`projects/…/secrets/…`) with Visor's connection as JSON (host/port = pooler if any). */
  public readonly appConnectionSecretId: pulumi.Output<string>;
  /** Which pooler was set up. */
  public readonly pooler: GcpPooler;
  public readonly resources: GcpVisorDatabaseResources;
  /** The validated arguments with every default applied. */
  public readonly settings: ResolvedGcp;

  constructor(name: string, args: GcpVisorDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything (even this component), so bad input creates nothing.
    const r = validateGcp(args);
    super(GCP_VISOR_DATABASE_TYPE, name, {}, opts);
    this.settings = r;
    const t = args.transform;

    const psa = privateServiceAccess(name, this, r, t);
    const creds = appCredentials(name, this, args.transform);
    const instance = primaryInstance(name, this, r, psa, t);
    const replicas = readReplicas(name, this, r, instance, psa, t);
    const sqlCreds = cloudSqlCredentials(name, this, r, instance, creds, t);

    const serverCa = instance.serverCaCerts.apply((certs) =>
      (certs ?? [])
        .map((c) => c.cert)
        .filter((c): c is string => !!c)
        .join("\n"),
    );
    const writer = pulumi.output({ host: instance.privateIpAddress, port: POSTGRES_PORT });
    const readers = pulumi.all(replicas.map((rep) => pulumi.output({ host: rep.privateIpAddress, port: POSTGRES_PORT })));

    const ready = [instance, sqlCreds.database, sqlCreds.user];
    let poolerEndpoint: pulumi.Output<Endpoint | undefined> = pulumi.output(undefined);
    let pool: ReturnType<typeof pgbouncerPool> | undefined;
    if (r.pooler === "managed") {
      poolerEndpoint = pulumi.output({ host: instance.privateIpAddress, port: POOLER_PORT });
    } else if (r.pooler === "pgbouncer") {
      pool = pgbouncerPool(name, this, r, { writer, creds, serverCa, dependsOn: ready }, t);
      poolerEndpoint = pool.endpoint;
    }
    // Every hop is verify-full: managed pooling is Cloud SQL's TLS (server CA); our PgBouncer presents its own
    // self-signed certificate naming the load balancer's IP, which clients trust directly.
    const poolerCa = pool?.tls.certPem;

    const secret = connectionSecret(
      name,
      this,
      r,
      { writer, pooler: poolerEndpoint, password: creds.plain, serverCa, poolerCa },
      t,
    );
    const alerts = alertPolicies(name, this, r, { primary: instance, replicas }, t);

    const appConnection = (endpoint: pulumi.Output<Endpoint>, caPem: pulumi.Output<string>): pulumi.Output<VisorConnectionArgs> =>
      pulumi.secret(
        pulumi.all([endpoint, creds.plain, caPem]).apply(([e, password, ca]) => ({
          host: e.host,
          port: e.port,
          database: r.base.databaseName,
          user: r.base.appUser,
          password,
          ssl: { mode: "verify-full" as const, ca },
        })),
      );
    const poolerResources = pool ? [pool.group, pool.forwardingRule, pool.backend] : [];
    const boot = wireBootstrap(name, this, {
      transforms: args.transform,
      writer: appConnection(writer, serverCa),
      pooler: r.pooler === "none" ? undefined : appConnection(poolerEndpoint as pulumi.Output<Endpoint>, poolerCa ?? serverCa),
      // Visor only ever uses the writer (and the pooler in front of it): no need to wait for replicas.
      dependsOn: [...ready, ...poolerResources],
      settings: r.base,
    });

    this.writerEndpoint = writer;
    this.readerEndpoints = readers;
    this.poolerEndpoint = poolerEndpoint;
    this.databaseName = sqlCreds.database.name;
    this.appUser = sqlCreds.user.name;
    this.appPassword = creds.plain;
    this.connectionName = instance.connectionName;
    this.instanceName = instance.name;
    this.replicaConnectionNames = pulumi.all(replicas.map((rep) => rep.connectionName));
    this.serverCaPem = serverCa;
    this.poolerCaPem = poolerCa ?? pulumi.output(undefined);
    this.appConnectionSecretId = secret.secret.id;
    this.pooler = r.pooler;
    this.resources = {
      privateIpRange: psa.range,
      privateServiceAccess: psa.connection,
      instance,
      replicas,
      database: sqlCreds.database,
      user: sqlCreds.user,
      appPassword: creds.password,
      appPasswordSalt: creds.salt,
      iamUsers: sqlCreds.iamUsers,
      iamUserRoles: sqlCreds.iamUserRoles,
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

    this.registerOutputs({
      writerEndpoint: this.writerEndpoint,
      readerEndpoints: this.readerEndpoints,
      poolerEndpoint: this.poolerEndpoint,
      databaseName: this.databaseName,
      appUser: this.appUser,
      appPassword: this.appPassword,
      connectionName: this.connectionName,
      instanceName: this.instanceName,
      replicaConnectionNames: this.replicaConnectionNames,
      serverCaPem: this.serverCaPem,
      poolerCaPem: this.poolerCaPem,
      appConnectionSecretId: this.appConnectionSecretId,
    });
  }
}
