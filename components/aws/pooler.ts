// The pooler in front of the writer. `pgbouncer`: the guide's PgBouncer (transaction mode, its pool sizes,
// SCRAM pass-through, verify-full to RDS) on ECS Fargate behind an internal NLB on 6432, its files
// rendered by our renderer and delivered through Secrets Manager with the RDS CAs it verifies the writer
// with (kept out of the task definition, which ECS caps at 64 KiB); clients must use TLS, verifying its
// self-signed certificate (which names the NLB) with verify-full. `rds-proxy`: an RDS Proxy requiring TLS.
import * as pulumi from "@pulumi/pulumi";
import type * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as lb from "@pulumi/aws/lb";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import type * as vpc from "@pulumi/aws/vpc";
import type * as tls from "@pulumi/tls";
import type { Endpoint } from "../shared/args";
import { PGBOUNCER_PORT, POSTGRES_PORT } from "../shared/defaults";
import { renderPooledConfig } from "../shared/pgbouncer-files";
import { poolerTlsCertificate } from "../shared/pooler-tls";
import { assumeRolePolicy, partitionOf, safeName, type AwsBuild } from "./context";
import type { Credentials } from "./credentials";
import type { Writer } from "./database";
import { allowClients, egress, ingress, securityGroup, type Network } from "./network";
import { ecrPullThroughPolicy } from "./image-pulls";
import { createRdsProxy, type RdsProxyResources } from "./rds-proxy";

export { PGBOUNCER_PORT };

/** Where the container writes its files: a path any non-root image user can write. */
export const PGBOUNCER_DIR = "/tmp/pgbouncer";
/** PgBouncer's TLS key and certificate for its clients (`client_tls_key_file` / `client_tls_cert_file`). */
export const PGBOUNCER_TLS_KEY_FILE = `${PGBOUNCER_DIR}/client-tls.key`;
export const PGBOUNCER_TLS_CERT_FILE = `${PGBOUNCER_DIR}/client-tls.crt`;
/** The RDS CAs PgBouncer verifies the writer with (`server_tls_ca_file`). */
export const PGBOUNCER_RDS_CA_FILE = `${PGBOUNCER_DIR}/rds-ca.pem`;
const CONTAINER = "pgbouncer";

/**
 * Writes the files from the container's environment (config, TLS key and certificate, RDS CAs, all via ECS
 * secrets; owner-only, umask 077), then runs PgBouncer.
 */
export const PGBOUNCER_START_SCRIPT = [
  "set -eu",
  "umask 077",
  `mkdir -p ${PGBOUNCER_DIR}`,
  `printf '%s\\n' "$PGBOUNCER_INI" > ${PGBOUNCER_DIR}/pgbouncer.ini`,
  `printf '%s\\n' "$PGBOUNCER_USERLIST" > ${PGBOUNCER_DIR}/userlist.txt`,
  `printf '%s\\n' "$PGBOUNCER_TLS_KEY" > ${PGBOUNCER_TLS_KEY_FILE}`,
  `printf '%s\\n' "$PGBOUNCER_TLS_CERT" > ${PGBOUNCER_TLS_CERT_FILE}`,
  `printf '%s\\n' "$RDS_CA_BUNDLE" > ${PGBOUNCER_RDS_CA_FILE}`,
  "unset PGBOUNCER_INI PGBOUNCER_USERLIST PGBOUNCER_TLS_KEY PGBOUNCER_TLS_CERT RDS_CA_BUNDLE",
  `exec pgbouncer ${PGBOUNCER_DIR}/pgbouncer.ini`,
].join("\n");

export interface PgBouncerResources {
  kind: "pgbouncer";
  securityGroups: { loadBalancer: ec2.SecurityGroup; tasks: ec2.SecurityGroup };
  rules: (vpc.SecurityGroupIngressRule | vpc.SecurityGroupEgressRule)[];
  /** PgBouncer's private key for client TLS (its PEM is a secret). */
  tlsKey: tls.PrivateKey;
  /** PgBouncer's self-signed certificate, naming the NLB's DNS name; clients trust it directly. */
  tlsCertificate: tls.SelfSignedCert;
  /** Holds `ini`, `userlist`, `tlsKey`, `tlsCert` and `rdsCa`. */
  configSecret: secretsmanager.Secret;
  configSecretVersion: secretsmanager.SecretVersion;
  executionRole: iam.Role;
  /** AmazonECSTaskExecutionRolePolicy on `executionRole`. */
  executionPolicy: iam.RolePolicyAttachment;
  /** With an ECR image: lets the execution role fill an ECR pull-through cache on first pull. */
  pullThroughPolicy?: iam.RolePolicy;
  logGroup: cloudwatch.LogGroup;
  cluster?: ecs.Cluster;
  taskDefinition: ecs.TaskDefinition;
  loadBalancer: lb.LoadBalancer;
  targetGroup: lb.TargetGroup;
  listener: lb.Listener;
  service: ecs.Service;
}

export interface Pooler {
  resources?: PgBouncerResources | RdsProxyResources;
  endpoint: pulumi.Output<Endpoint | undefined>;
  /**
   * How clients reach the pooler: always verify-full. PgBouncer presents its self-signed certificate, which
   * clients trust directly (`ca`, its PEM). RDS Proxy presents an Amazon Trust Services certificate, which
   * the default trust stores verify (no `ca`).
   */
  clientSsl: { mode: "verify-full"; ca?: pulumi.Output<string> };
  /** Everything that must be ready before Visor can connect through it. */
  ready: pulumi.Resource[];
  /**
   * Resources that need the app connection secret's value (RDS Proxy's target logs in with it): called
   * once the value exists; what it returns must also be ready before Visor connects.
   */
  afterAppSecret?: (appSecretValue: secretsmanager.SecretVersion) => pulumi.Resource[];
}

/** Lets a role read one secret (and decrypt it when a CMK encrypts it). */
export function readSecretPolicy(ctx: AwsBuild, name: string, role: iam.Role, secretArn: pulumi.Input<string>): iam.RolePolicy {
  const policy = pulumi.all([secretArn, ctx.settings.kmsKeyId]).apply(([arn, key]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [arn] },
        ...(key ? [{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: [key] }] : []),
      ],
    }),
  );
  return new iam.RolePolicy(name, ...ctx.children.prepare("rolePolicy", { role: role.id, policy }));
}

export function createPooler(ctx: AwsBuild, network: Network, writer: Writer, creds: Credentials): Pooler {
  switch (ctx.settings.pooler.kind) {
    case "none":
      return { endpoint: pulumi.output(undefined), clientSsl: { mode: "verify-full" }, ready: [] };
    case "rds-proxy":
      return createRdsProxy(ctx, network, writer, creds);
    case "pgbouncer":
      return createPgBouncer(ctx, network, writer, creds);
  }
}

function createPgBouncer(ctx: AwsBuild, network: Network, writer: Writer, creds: Credentials): Pooler {
  const { settings, name } = ctx;
  const p = settings.pooler;
  const tags = settings.base.tags;
  const base = `${name}-pgbouncer`;

  // NLB (clients → 6432) → tasks (6432) → writer (5432). The NLB has its own group, so tasks admit only it.
  const lbSg = securityGroup(ctx, "pgbouncer-nlb", `Visor PgBouncer NLB ${name}: ${PGBOUNCER_PORT} from allowed sources`);
  const taskSg = securityGroup(ctx, "pgbouncer-tasks", `Visor PgBouncer tasks ${name}: ${PGBOUNCER_PORT} from the NLB`);
  const rules = [
    ...allowClients(ctx, `${base}-nlb`, lbSg, PGBOUNCER_PORT, "PgBouncer"),
    egress(ctx, `${base}-nlb-to-tasks`, lbSg, { port: PGBOUNCER_PORT, securityGroupId: taskSg.id }, "NLB to PgBouncer tasks"),
    ingress(
      ctx,
      `${base}-tasks-from-nlb`,
      taskSg,
      PGBOUNCER_PORT,
      { securityGroupId: lbSg.id },
      "PgBouncer from its NLB (traffic and health checks)",
    ),
    // Only what the tasks need: the writer on 5432, and HTTPS (443, through NAT or VPC endpoints) for the
    // image registry, Secrets Manager and CloudWatch Logs. DNS to the VPC resolver is not filtered by groups.
    egress(
      ctx,
      `${base}-tasks-to-db`,
      taskSg,
      { port: POSTGRES_PORT, securityGroupId: network.securityGroup.id },
      "PgBouncer tasks to the writer",
    ),
    egress(
      ctx,
      `${base}-tasks-https`,
      taskSg,
      { port: 443, cidr: "0.0.0.0/0" },
      "PgBouncer tasks: image registry, Secrets Manager, CloudWatch Logs (HTTPS)",
    ),
    ingress(
      ctx,
      `${name}-db-from-pgbouncer`,
      network.securityGroup,
      POSTGRES_PORT,
      { securityGroupId: taskSg.id },
      "PostgreSQL from PgBouncer tasks",
    ),
  ];

  const loadBalancer = new lb.LoadBalancer(
    base,
    ...ctx.children.prepare("loadBalancer", {
      loadBalancerType: "network",
      internal: true,
      subnets: p.subnetIds,
      securityGroups: [lbSg.id],
      enableCrossZoneLoadBalancing: true,
      tags,
    }),
  );
  // Clients connect to the NLB's DNS name and verify-full against this certificate, which names it.
  const clientTls = poolerTlsCertificate(ctx.children, { dnsNames: [loadBalancer.dnsName] });

  const files = renderPooledConfig({
    writerHost: writer.endpoint.host,
    writerPort: writer.endpoint.port,
    verifier: creds.app.verifier,
    settings: settings.base,
    serverSslMode: "verify-full",
    serverCaFile: PGBOUNCER_RDS_CA_FILE,
    authFile: `${PGBOUNCER_DIR}/userlist.txt`,
    clientTls: { keyFile: PGBOUNCER_TLS_KEY_FILE, certFile: PGBOUNCER_TLS_CERT_FILE },
  });
  const configSecret = new secretsmanager.Secret(
    `${base}-config`,
    ...ctx.children.prepare("secret", {
      description: `PgBouncer files for Visor database ${name} (userlist holds the app role's SCRAM verifier, tlsKey its TLS key)`,
      kmsKeyId: settings.kmsKeyId,
      tags,
    }),
  );
  const configSecretVersion = new secretsmanager.SecretVersion(
    `${base}-config`,
    ...ctx.children.prepare("secretVersion", {
      secretId: configSecret.id,
      secretString: pulumi.secret(
        pulumi
          .all([files, clientTls.keyPem, clientTls.certPem])
          .apply(([f, tlsKey, tlsCert]) =>
            JSON.stringify({ ini: f.ini, userlist: f.userlist, tlsKey, tlsCert, rdsCa: settings.caBundlePem }),
          ),
      ),
    }),
  );

  const executionRole = new iam.Role(
    `${base}-execution`,
    ...ctx.children.prepare("taskExecutionRole", {
      assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
      description: `PgBouncer task execution for ${name}`,
      tags,
    }),
  );
  // Image pulls from ECR and the awslogs driver need AWS's task execution policy.
  const executionPolicy = new iam.RolePolicyAttachment(
    `${base}-execution`,
    ...ctx.children.prepare("rolePolicyAttachment", {
      role: executionRole.name,
      policyArn: `arn:${partitionOf(settings.stackRegion)}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
    }),
  );
  const readConfig = readSecretPolicy(ctx, `${base}-read-config`, executionRole, configSecret.arn);
  const pullThroughPolicy = ecrPullThroughPolicy(ctx, `${base}-pull-through`, executionRole, p.image);
  const logGroup = new cloudwatch.LogGroup(
    base,
    ...ctx.children.prepare("logGroup", { retentionInDays: p.logRetentionDays, tags }),
  );
  const cluster = p.clusterArn
    ? undefined
    : new ecs.Cluster(
        base,
        ...ctx.children.prepare("ecsCluster", { settings: [{ name: "containerInsights", value: "enabled" }], tags }),
      );

  const containerDefinitions = pulumi
    .all([configSecret.arn, configSecretVersion.versionId, logGroup.name, logGroup.region])
    .apply(([secretArn, versionId, group, region]) =>
      JSON.stringify([
        {
          name: CONTAINER,
          image: p.image,
          essential: true,
          entryPoint: ["/bin/sh", "-c"],
          command: [PGBOUNCER_START_SCRIPT],
          portMappings: [{ containerPort: PGBOUNCER_PORT, protocol: "tcp" }],
          secrets: [
            { name: "PGBOUNCER_INI", valueFrom: `${secretArn}:ini::` },
            { name: "PGBOUNCER_USERLIST", valueFrom: `${secretArn}:userlist::` },
            { name: "PGBOUNCER_TLS_KEY", valueFrom: `${secretArn}:tlsKey::` },
            { name: "PGBOUNCER_TLS_CERT", valueFrom: `${secretArn}:tlsCert::` },
            { name: "RDS_CA_BUNDLE", valueFrom: `${secretArn}:rdsCa::` },
          ],
          environment: [
            // A new secret version (new files, or a renewed certificate) changes the task definition, so ECS
            // rolls the tasks onto the new files.
            { name: "PGBOUNCER_CONFIG_VERSION", value: versionId },
          ],
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": CONTAINER },
          },
        },
      ]),
    );
  const taskDefinition = new ecs.TaskDefinition(
    base,
    ...ctx.children.prepare(
      "taskDefinition",
      {
        family: `${safeName(name)}-pgbouncer`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(p.cpu),
        memory: String(p.memory),
        executionRoleArn: executionRole.arn,
        containerDefinitions,
        tags,
      },
      { dependsOn: [readConfig, executionPolicy, ...(pullThroughPolicy ? [pullThroughPolicy] : [])] },
    ),
  );

  const targetGroup = new lb.TargetGroup(
    base,
    ...ctx.children.prepare("targetGroup", {
      vpcId: settings.vpcId,
      port: PGBOUNCER_PORT,
      protocol: "TCP",
      targetType: "ip",
      deregistrationDelay: 30,
      // The health check is a TCP connect to the PgBouncer listener itself.
      healthCheck: {
        enabled: true,
        protocol: "TCP",
        port: "traffic-port",
        interval: 10,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      tags,
    }),
  );
  const listener = new lb.Listener(
    base,
    ...ctx.children.prepare("listener", {
      loadBalancerArn: loadBalancer.arn,
      port: PGBOUNCER_PORT,
      protocol: "TCP",
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      tags,
    }),
  );
  const service = new ecs.Service(
    base,
    ...ctx.children.prepare(
      "service",
      {
        cluster: p.clusterArn ?? cluster!.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount: p.desiredCount,
        launchType: "FARGATE",
        // Fargate spreads tasks over the subnets' AZs; rebalancing keeps them spread after an AZ event.
        availabilityZoneRebalancing: "ENABLED",
        networkConfiguration: { subnets: p.subnetIds, securityGroups: [taskSg.id], assignPublicIp: false },
        loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: CONTAINER, containerPort: PGBOUNCER_PORT }],
        healthCheckGracePeriodSeconds: 30,
        deploymentMinimumHealthyPercent: 50,
        deploymentMaximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        // `pulumi up` returns only when the tasks are healthy, so the smoke test finds PgBouncer serving.
        waitForSteadyState: true,
        propagateTags: "SERVICE",
        tags,
      },
      { dependsOn: [listener, ...writer.ready] },
    ),
  );
  return {
    resources: {
      kind: "pgbouncer",
      securityGroups: { loadBalancer: lbSg, tasks: taskSg },
      rules,
      tlsKey: clientTls.key,
      tlsCertificate: clientTls.certificate,
      configSecret,
      configSecretVersion,
      executionRole,
      executionPolicy,
      pullThroughPolicy,
      logGroup,
      cluster,
      taskDefinition,
      loadBalancer,
      targetGroup,
      listener,
      service,
    },
    endpoint: loadBalancer.dnsName.apply((host) => ({ host, port: PGBOUNCER_PORT })),
    clientSsl: { mode: "verify-full", ca: clientTls.certPem },
    ready: [service, listener],
  };
}
