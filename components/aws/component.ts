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
import type { Endpoint } from "../shared/args";
import type { BootstrapResources } from "../shared/bootstrap-wiring";
import { VisorDatabaseComponent, type VerifyFull } from "../shared/component";
import type { AwsVisorDatabaseArgs, AwsVisorDatabaseTransforms } from "./args";
import { createBackups, type Backups } from "./backups";
import type { AwsBuild } from "./context";
import { appSecretVersion, createCredentials } from "./credentials";
import { createWriter } from "./database";
import { createAlarms, createMonitoringRole } from "./monitoring";
import { createNetwork } from "./network";
import { createParameterGroups } from "./parameters";
import { PGBOUNCER_PORT, createPooler, type PgBouncerResources } from "./pooler";
import { POSTGRES_PORT } from "../shared/defaults";
import type { RdsProxyResources } from "./rds-proxy";
import { createReplicas } from "./replicas";
import { createRunner, type RunnerResources } from "./runner";
import { masterPassword } from "./credentials";
import { validateAwsArgs } from "./validate";

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
  /** The initial setup from the deployer: only with `bootstrap: { via: "direct" }` (the runner does it otherwise). */
  appRole?: AppRole;
  appSecret: secretsmanager.Secret;
  appSecretVersion: secretsmanager.SecretVersion;
  pooler?: PgBouncerResources | RdsProxyResources;
  bootstrap: BootstrapResources;
  /** The runner function and its network and role (`bootstrap.via: "runner"`, the default). */
  runner?: RunnerResources;
}

/**
 * A PostgreSQL writer on RDS or Aurora for Visor's scheduler: network, tuned parameter groups, the writer,
 * replicas, alarms, AWS Backup, the app role and its connection secret, a pooler, and the bootstrap.
 */
export class AwsVisorDatabase extends VisorDatabaseComponent<AwsVisorDatabaseTransforms> {
  /** Secrets Manager secret RDS keeps the master credentials in (rotated by RDS). */
  declare public readonly masterUserSecretArn: pulumi.Output<string>;
  /** The database's security group. */
  declare public readonly securityGroupId: pulumi.Output<string>;
  /** The local AWS Backup vault and the offsite one; [] with `awsBackup: false`. */
  declare public readonly backupVaultArns: pulumi.Output<string[]>;
  /** @deprecated Use `appConnectionSecretId` (the same ARN). */
  declare public readonly appConnectionSecretArn: pulumi.Output<string>;
  declare public readonly resources: AwsVisorDatabaseResources;
  /** The runner function (for `visor-db smoke --via-lambda <name>`); undefined with `bootstrap: { via: "direct" }`. */
  declare public readonly runnerFunctionName: pulumi.Output<string | undefined>;

  constructor(name: string, args: AwsVisorDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Before super(): a bad argument fails before anything, this component included, is registered.
    const settings = validateAwsArgs(args);
    super(AWS_VISOR_DATABASE_TYPE, name, settings.base, args.transform, opts);
    const ctx: AwsBuild = { name, settings, children: this.children };

    const network = createNetwork(ctx);
    const groups = createParameterGroups(ctx);
    const monitoringRole = createMonitoringRole(ctx);
    const writer = createWriter(ctx, network, groups, monitoringRole);
    const replicas = createReplicas(ctx, writer, network, groups, monitoringRole);
    const alarms = createAlarms(ctx, writer, replicas);
    const backups = createBackups(ctx, writer);
    const creds = createCredentials(ctx, writer, network.ingressRules, this.credentials);
    const pooler = createPooler(ctx, network, writer, creds);
    const poolerCaPem = pooler.clientSsl.ca ?? pulumi.output(undefined);
    const secretVersion = appSecretVersion(ctx, creds, {
      writer: writer.endpoint,
      pooler: pooler.endpoint,
      serverCa: settings.caBundlePem,
      poolerCa: poolerCaPem,
    });
    const poolerReady = [...pooler.ready, ...(pooler.afterAppSecret?.(secretVersion) ?? [])];

    // VisorSchema and the smoke test connect as the app role, verify-full: against the RDS CAs on the
    // writer, against PgBouncer's own certificate (or RDS Proxy's public chain) on the pooler.
    const writerSsl: VerifyFull = { mode: "verify-full", ca: settings.caBundlePem };
    const poolerSsl: pulumi.Input<VerifyFull> = pooler.clientSsl.ca
      ? pooler.clientSsl.ca.apply((ca) => ({ mode: "verify-full" as const, ca }))
      : { mode: "verify-full" };
    const viaRunner = settings.bootstrapVia === "runner" && settings.base.bootstrap !== false;
    const runner = viaRunner ? createRunner(ctx, network, { pooler: poolerDestination(pooler.resources) }) : undefined;
    const bootstrap = this.bootstrap({
      writer: this.visorConnection(writer.endpoint, writerSsl),
      pooler: pooler.resources ? this.visorConnection(pooler.endpoint as pulumi.Output<Endpoint>, poolerSsl) : undefined,
      dependsOn: [
        ...writer.ready,
        ...(creds.role ? [creds.role.database, creds.role.grant] : []),
        ...poolerReady,
        ...(runner?.ready ?? []),
      ],
      ...(runner
        ? {
            runner: runner.target,
            // The initial setup as the master user, inside the VPC: its password only ever in the invoke payload.
            setup: pulumi.secret({
              admin: pulumi.all([writer.endpoint, masterPassword(ctx, writer.masterUserSecretArn)]).apply(([w, password]) => ({
                host: w.host,
                port: w.port,
                database: "postgres",
                user: settings.masterUsername,
                password,
                ssl: writerSsl,
              })),
              appUser: settings.base.appUser,
              databaseName: settings.base.databaseName,
              appPassword: this.credentials.verifier,
            }),
          }
        : {}),
    });

    this.masterUserSecretArn = writer.masterUserSecretArn;
    this.securityGroupId = network.securityGroup.id;
    this.backupVaultArns = backups ? backups.vaultArns : pulumi.output([]);
    this.appConnectionSecretArn = creds.secret.arn;
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
      runner: runner?.resources,
    };
    this.finish(
      {
        writerEndpoint: writer.endpoint,
        readerEndpoints: replicas.endpoints,
        poolerEndpoint: pooler.endpoint,
        appConnectionSecretId: creds.secret.arn,
        serverCaPem: pulumi.output(settings.caBundlePem),
        poolerCaPem,
      },
      {
        masterUserSecretArn: this.masterUserSecretArn,
        securityGroupId: this.securityGroupId,
        backupVaultArns: this.backupVaultArns,
        appConnectionSecretArn: this.appConnectionSecretArn,
        runnerFunctionName: runner ? runner.resources.function.name : pulumi.output(undefined),
      },
    );
    this.runnerFunctionName = runner ? runner.resources.function.name : pulumi.output(undefined);
  }
}

/** The runner reaches the pooler where clients do: PgBouncer's NLB on 6432, RDS Proxy on 5432. */
function poolerDestination(pooler: PgBouncerResources | RdsProxyResources | undefined) {
  if (!pooler) return undefined;
  return pooler.kind === "pgbouncer"
    ? { securityGroup: pooler.securityGroups.loadBalancer, port: PGBOUNCER_PORT }
    : { securityGroup: pooler.securityGroup, port: POSTGRES_PORT };
}
