// AwsVisorDatabase: a PostgreSQL writer on RDS or Aurora that meets every recommendation of Visor's
// operations guide, with the outputs VisorSchema and VisorHaSmokeTest need.
import * as pulumi from "@pulumi/pulumi";
import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as iam from "@pulumi/aws/iam";
import type * as rds from "@pulumi/aws/rds";
import type * as secretsmanager from "@pulumi/aws/secretsmanager";
import type * as vpc from "@pulumi/aws/vpc";
import type * as random from "@pulumi/random";
import type { AppCredentials } from "../shared/app-credentials";
import type { AppRole } from "../shared/app-role";
import type { Endpoint, VisorDatabaseOutputs } from "../shared/args";
import { wireBootstrap, type BootstrapResources } from "../shared/bootstrap-wiring";
import type { VisorConnectionArgs } from "../visor/providers/connection-args";
import type { AwsVisorDatabaseArgs } from "./args";
import { createBackups, type Backups } from "./backups";
import type { ChildContext } from "./context";
import { appSecretVersion, createCredentials } from "./credentials";
import { createWriter } from "./database";
import { createAlarms, createMonitoringRole } from "./monitoring";
import { createNetwork } from "./network";
import { createParameterGroups } from "./parameters";
import { createPooler, type PgBouncerResources, type RdsProxyResources } from "./pooler";
import { createReplicas } from "./replicas";
import { validateAwsArgs, type ResolvedAws } from "./validate";

export const AWS_VISOR_DATABASE_TYPE = "visor-db-infra:index:AwsVisorDatabase";

/** The child resources, for users who need to customise beyond `transform`. */
export interface AwsVisorDatabaseResources {
  subnetGroup: rds.SubnetGroup;
  securityGroup: ec2.SecurityGroup;
  ingressRules: vpc.SecurityGroupIngressRule[];
  parameterGroup: rds.ParameterGroup;
  clusterParameterGroup?: rds.ClusterParameterGroup;
  /** Cross-region replicas' parameter groups, by region. */
  replicaParameterGroups: Record<string, rds.ParameterGroup>;
  finalSnapshotSuffix: random.RandomId;
  /** RDS writer. */
  instance?: rds.Instance;
  /** Aurora cluster. */
  cluster?: rds.Cluster;
  /** Aurora writer instance. */
  writerInstance?: rds.ClusterInstance;
  /** RDS read replicas. */
  replicas: rds.Instance[];
  /** Aurora reader instances. */
  readers: rds.ClusterInstance[];
  monitoringRole?: iam.Role;
  alarms: cloudwatch.MetricAlarm[];
  backup?: Backups;
  appCredentials: AppCredentials;
  appRole: AppRole;
  appSecret: secretsmanager.Secret;
  appSecretVersion: secretsmanager.SecretVersion;
  pooler?: PgBouncerResources | RdsProxyResources;
  bootstrap: BootstrapResources;
}

export class AwsVisorDatabase extends pulumi.ComponentResource implements VisorDatabaseOutputs {
  /** The writer (RDS instance address, or Aurora's cluster endpoint), port 5432. Visor's scheduler uses this or the pooler. */
  declare public readonly writerEndpoint: pulumi.Output<Endpoint>;
  /** RDS replicas' endpoints, or Aurora's reader endpoint (when there are readers). Reporting only, never Visor. */
  declare public readonly readerEndpoints: pulumi.Output<Endpoint[]>;
  /** PgBouncer's NLB on 6432 or RDS Proxy on 5432; undefined with `pooler: "none"`. */
  declare public readonly poolerEndpoint: pulumi.Output<Endpoint | undefined>;
  /**
   * PgBouncer's self-signed certificate (PEM), naming the NLB's DNS name: the `ssl.ca` / `sslrootcert` for
   * verify-full to `poolerEndpoint`. Undefined with `pooler: "rds-proxy"` (public roots) or `"none"`.
   */
  declare public readonly poolerCaPem: pulumi.Output<string | undefined>;
  declare public readonly databaseName: pulumi.Output<string>;
  declare public readonly appUser: pulumi.Output<string>;
  /** Secret. */
  declare public readonly appPassword: pulumi.Output<string>;
  /** Secrets Manager secret with Visor's connection (host/port = pooler if any, username, password, dbname, sslmode, PgBouncer's CA). */
  declare public readonly appConnectionSecretArn: pulumi.Output<string>;
  /** Secrets Manager secret RDS keeps the master credentials in (rotated by RDS). */
  declare public readonly masterUserSecretArn: pulumi.Output<string>;
  /** The database's security group. */
  declare public readonly securityGroupId: pulumi.Output<string>;
  /** The local AWS Backup vault and the offsite one; [] with `awsBackup: false`. */
  declare public readonly backupVaultArns: pulumi.Output<string[]>;
  declare public readonly resources: AwsVisorDatabaseResources;
  /** The validated arguments with every default applied. */
  declare public readonly settings: ResolvedAws;

  constructor(name: string, args: AwsVisorDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Before super(): a bad argument fails before anything, this component included, is registered.
    const r = validateAwsArgs(args);
    super(AWS_VISOR_DATABASE_TYPE, name, {}, opts);
    this.settings = r;
    const ctx: ChildContext = { name, parent: this, r, transforms: args.transform };
    if (!r.caBundlePem && (r.base.bootstrap || r.pooler.kind === "pgbouncer")) {
      // RDS server certificates do not chain to public roots: verify-full needs the RDS bundle.
      pulumi.log.warn(
        "caBundlePem is not set: verify-full to RDS (bootstrap connections, PgBouncer) uses the default trust stores, which do not contain the RDS CAs. Set caBundlePem to https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
        this,
      );
    }

    const network = createNetwork(ctx);
    const groups = createParameterGroups(ctx);
    const monitoringRole = createMonitoringRole(ctx);
    const writer = createWriter(ctx, network, groups, monitoringRole);
    const replicas = createReplicas(ctx, writer, network, groups, monitoringRole);
    const alarms = createAlarms(ctx, writer, replicas);
    const backups = createBackups(ctx, writer);
    const creds = createCredentials(ctx, writer, network.ingressRules);
    const pooler = createPooler(ctx, network, writer, creds);
    const poolerCaPem = pooler.clientSsl.ca ?? pulumi.output(undefined);
    const secretVersion = appSecretVersion(ctx, creds, writer.endpoint, pooler.endpoint, poolerCaPem);

    // VisorSchema and the smoke test connect as the app role, verify-full: against the RDS CA bundle on the
    // writer, against PgBouncer's own certificate (or RDS Proxy's public chain) on the pooler.
    const s = r.base;
    type Ssl = { mode: "verify-full"; ca?: string };
    const connection = (endpoint: pulumi.Output<Endpoint>, ssl: pulumi.Input<Ssl>): pulumi.Output<VisorConnectionArgs> =>
      pulumi.secret(
        pulumi.all([endpoint, creds.app.plain, ssl]).apply(([e, password, tls]) => ({
          host: e.host,
          port: e.port,
          database: s.databaseName,
          user: s.appUser,
          password,
          ssl: tls,
        })),
      );
    const writerSsl: Ssl = { mode: "verify-full", ca: r.caBundlePem };
    const poolerSsl: pulumi.Input<Ssl> = pooler.clientSsl.ca
      ? pooler.clientSsl.ca.apply((ca) => ({ mode: "verify-full" as const, ca }))
      : { mode: "verify-full" };
    const bootstrap = wireBootstrap(name, this, {
      transforms: args.transform,
      writer: connection(writer.endpoint, writerSsl),
      pooler: pooler.resources ? connection(pooler.endpoint as pulumi.Output<Endpoint>, poolerSsl) : undefined,
      dependsOn: [...writer.ready, creds.role.database, creds.role.grant, ...pooler.ready],
      settings: s,
    });

    this.writerEndpoint = writer.endpoint;
    this.readerEndpoints = replicas.endpoints;
    this.poolerEndpoint = pooler.endpoint;
    this.poolerCaPem = poolerCaPem;
    this.databaseName = pulumi.output(s.databaseName);
    this.appUser = pulumi.output(s.appUser);
    this.appPassword = creds.app.plain;
    this.appConnectionSecretArn = creds.secret.arn;
    this.masterUserSecretArn = writer.masterUserSecretArn;
    this.securityGroupId = network.securityGroup.id;
    this.backupVaultArns = backups ? backups.vaultArns : pulumi.output([]);
    this.resources = {
      subnetGroup: network.subnetGroup,
      securityGroup: network.securityGroup,
      ingressRules: network.ingressRules,
      parameterGroup: groups.instance,
      clusterParameterGroup: groups.cluster,
      replicaParameterGroups: groups.byRegion,
      finalSnapshotSuffix: writer.finalSnapshotSuffix,
      instance: writer.instance,
      cluster: writer.cluster,
      writerInstance: writer.writerInstance,
      replicas: replicas.replicas,
      readers: replicas.readers,
      monitoringRole,
      alarms,
      backup: backups,
      appCredentials: creds.app,
      appRole: creds.role,
      appSecret: creds.secret,
      appSecretVersion: secretVersion,
      pooler: pooler.resources,
      bootstrap,
    };
    this.registerOutputs({
      writerEndpoint: this.writerEndpoint,
      readerEndpoints: this.readerEndpoints,
      poolerEndpoint: this.poolerEndpoint,
      poolerCaPem: this.poolerCaPem,
      databaseName: this.databaseName,
      appUser: this.appUser,
      appPassword: this.appPassword,
      appConnectionSecretArn: this.appConnectionSecretArn,
      masterUserSecretArn: this.masterUserSecretArn,
      securityGroupId: this.securityGroupId,
      backupVaultArns: this.backupVaultArns,
    });
  }
}
