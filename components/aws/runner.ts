// `bootstrap: { via: "runner" }` (the default): the runner bundle as a Lambda function (Node.js 22, arm64)
// in the database's subnets, so the initial setup, VisorSchema and the smoke test run inside the VPC and
// `pulumi up` needs no network path to the database. The function holds no credential: each invoke carries
// them (over the SDK's TLS). Its role has only what a VPC function needs (its network interfaces, its logs).
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import type * as vpc from "@pulumi/aws/vpc";
import type { RunnerTargetArgs } from "../visor/providers/connection-args";
import { PGBOUNCER_PORT, POSTGRES_PORT } from "../shared/defaults";
import { assumeRolePolicy, partitionOf, type AwsBuild } from "./context";
import { egress, ingress, securityGroup, type Network } from "./network";

export const RUNNER_RUNTIME = "nodejs22.x";
export const RUNNER_ARCHITECTURE = "arm64";
/** Lambda's longest: the smoke test waits up to `connectTimeoutMs` for each endpoint first. */
export const RUNNER_TIMEOUT_SECONDS = 900;
export const RUNNER_MEMORY_MB = 512;

/** The directory holding visor-db-runner.cjs: dist/runner next to the built package (or in a checkout). */
export function runnerBundleDir(): string {
  const candidates = [join(__dirname, "..", "..", "runner"), join(__dirname, "..", "..", "dist", "runner")];
  return candidates.find((d) => existsSync(join(d, "visor-db-runner.cjs"))) ?? candidates[0]!;
}

export interface RunnerResources {
  function: lambda.Function;
  role: iam.Role;
  /** AWSLambdaVPCAccessExecutionRole: network interfaces and logs, nothing else. */
  vpcAccess: iam.RolePolicyAttachment;
  securityGroup: ec2.SecurityGroup;
  rules: (vpc.SecurityGroupIngressRule | vpc.SecurityGroupEgressRule)[];
}

export interface Runner {
  resources: RunnerResources;
  /** What VisorSchema and VisorHaSmokeTest take as `runner`. */
  target: pulumi.Output<RunnerTargetArgs>;
  /** Everything that must exist before the first invoke. */
  ready: pulumi.Resource[];
}

/** Where the runner may connect: the database, and the pooler in front of it. */
export interface RunnerDestinations {
  pooler?: { securityGroup: ec2.SecurityGroup; port: number };
}

export function createRunner(ctx: AwsBuild, network: Network, to: RunnerDestinations): Runner {
  const { settings, name } = ctx;
  const tags = settings.base.tags;
  const base = `${name}-runner`;
  const sg = securityGroup(ctx, "runner", `Visor runner ${name}: out to PostgreSQL ${POSTGRES_PORT} and the pooler only`);
  const db = network.securityGroup;
  const rules: RunnerResources["rules"] = [
    egress(ctx, `${base}-to-db`, sg, { port: POSTGRES_PORT, securityGroupId: db.id }, "runner to PostgreSQL"),
    ingress(ctx, `${base}-db-from-runner`, db, POSTGRES_PORT, { securityGroupId: sg.id }, "PostgreSQL from the Visor runner"),
  ];
  if (to.pooler) {
    const { securityGroup: poolerSg, port } = to.pooler;
    rules.push(
      egress(ctx, `${base}-to-pooler`, sg, { port, securityGroupId: poolerSg.id }, "runner to the pooler"),
      ingress(ctx, `${base}-pooler-from-runner`, poolerSg, port, { securityGroupId: sg.id }, "pooler from the Visor runner"),
    );
  }
  const role = new iam.Role(
    `${base}-role`,
    ...ctx.children.prepare("runnerRole", {
      description: `Visor runner ${name}: network interfaces in the VPC and its own logs`,
      assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
      tags,
    }),
  );
  const vpcAccess = new iam.RolePolicyAttachment(
    `${base}-vpc-access`,
    ...ctx.children.prepare("rolePolicyAttachment", {
      role: role.name,
      policyArn: `arn:${partitionOf(settings.stackRegion)}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
    }),
  );
  const fn = new lambda.Function(
    `${base}`,
    ...ctx.children.prepare(
      "runnerFunction",
      {
        description: `Visor runner ${name}: setup, bootstrap, smoke test and inspect inside the VPC (credentials arrive per invoke)`,
        runtime: RUNNER_RUNTIME,
        architectures: [RUNNER_ARCHITECTURE],
        handler: "visor-db-runner.handler",
        code: new pulumi.asset.AssetArchive({
          "visor-db-runner.cjs": new pulumi.asset.FileAsset(join(runnerBundleDir(), "visor-db-runner.cjs")),
        }),
        role: role.arn,
        timeout: RUNNER_TIMEOUT_SECONDS,
        memorySize: RUNNER_MEMORY_MB,
        vpcConfig: { subnetIds: settings.subnetIds, securityGroupIds: [sg.id] },
        tags,
      },
      // Lambda checks the role may make network interfaces when the function is created.
      { dependsOn: [vpcAccess] },
    ),
  );
  return {
    resources: { function: fn, role, vpcAccess, securityGroup: sg, rules },
    target: pulumi
      .output(fn.name)
      .apply((functionName) => ({ aws: { functionName, ...(settings.stackRegion ? { region: settings.stackRegion } : {}) } })),
    ready: [fn, ...rules],
  };
}

export { PGBOUNCER_PORT };
