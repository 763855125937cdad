// Every AwsVisorDatabase argument checked and defaulted before any resource is registered, so a bad
// value fails `pulumi preview` with one message naming the field and what it may be.
import * as pulumi from "@pulumi/pulumi";
import { validateBase } from "../shared/base-validation";
import { requireBoundedCidr, requireDistinctAdmin } from "../shared/rules";
import { Validator } from "../shared/validation";
import type { AwsVisorDatabaseArgs } from "./args";
import {
  AWS_ENGINE_MAJORS,
  CA_CERTS,
  COMPONENT,
  DEFAULT_CA_CERT,
  DEFAULT_ENGINE_MAJOR,
  DEFAULT_INSTANCE_CLASS,
  MONITORING_INTERVALS,
  RESERVED_MASTER_USERNAMES,
  TUNING_NOT_ON,
} from "./defaults";
import { splitParameters } from "./apply-method";
import { resolveCaBundle } from "./ca-bundle";
import { awsTuningBasis, instanceMemory } from "./instance-classes";
import type { ResolvedAws } from "./resolved";
import { onlyFor, requireKmsKeyArn, resolveAlerts, resolveAwsBackup, resolvePooler, resolveReplicas } from "./validate-options";
import { dailyWindow, everyDay, overlaps, weeklyWindow } from "./windows";

/** The stack's AWS region as the provider sees it, when it can be known without a call. */
export function stackRegion(): string | undefined {
  return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/**
 * Validates and defaults every argument. Throws VisorValidationError; registers nothing. `env.region` is the
 * stack's region (default: aws:region, else AWS_REGION / AWS_DEFAULT_REGION).
 */
export function validateAwsArgs(
  args: AwsVisorDatabaseArgs,
  env: { region?: string; now?: Date } = { region: stackRegion() },
): ResolvedAws {
  const region = env.region;
  const check = new Validator(COMPONENT);
  check.require(args !== null && typeof args === "object", "args", "an AwsVisorDatabaseArgs object", args);
  check.require(args.vpcId !== undefined && args.vpcId !== "", "vpcId", "a VPC id", args.vpcId);
  check.require(
    Array.isArray(args.subnetIds) && args.subnetIds.length >= 2,
    "subnetIds",
    "a list of at least 2 subnets in different AZs (a DB subnet group needs 2)",
    args.subnetIds,
  );
  const engine = check.oneOf("engine", args.engine, ["rds", "aurora"], "rds");

  const version = args.engineVersion ?? DEFAULT_ENGINE_MAJOR;
  const allowed = AWS_ENGINE_MAJORS[engine];
  const major = typeof version === "string" ? version.split(".")[0]! : "";
  check.require(
    typeof version === "string" && /^\d+(\.\d+)?$/.test(version) && allowed.includes(major),
    "engineVersion",
    `a supported ${engine === "rds" ? "RDS for PostgreSQL" : "Aurora PostgreSQL"} major (${allowed.map((a) => JSON.stringify(a)).join(", ")}), optionally with a minor ("17.4")`,
    args.engineVersion,
  );

  // Engine applicability: settings the engine does not have are refused, not silently dropped.
  for (const key of TUNING_NOT_ON[engine]) {
    if (args.tuning?.[key] !== undefined)
      check.fail(
        `tuning.${key}`,
        `unset when engine is ${JSON.stringify(engine)} (Aurora has no such parameter)`,
        args.tuning[key],
      );
  }
  // The tuning defaults are the guide's ratios on this class's memory (Aurora keeps its own memory formulas).
  const instanceClass = args.instanceClass ?? DEFAULT_INSTANCE_CLASS;
  const memoryBytes = instanceMemory(check, "instanceClass", engine, instanceClass);
  const { values: rawParameters, applyMethods } = splitParameters(check, args.parameters);
  const base = validateBase(
    check,
    { ...args, parameters: rawParameters },
    { maxRetentionDays: 35, tuningBasis: awsTuningBasis(engine, memoryBytes) },
  );

  for (const field of ["allocatedStorage", "maxAllocatedStorage", "multiAz"] as const)
    onlyFor(check, engine, "rds", field, args[field]);
  onlyFor(check, engine, "aurora", "auroraStorageType", args.auroraStorageType);

  const allocatedStorage = check.int("allocatedStorage", args.allocatedStorage, 20, 65_536, 20);
  // RDS: "Invalid max storage size" unless the ceiling is at least 10 % above the allocation.
  const maxAllocatedStorage = check.int(
    "maxAllocatedStorage",
    args.maxAllocatedStorage,
    Math.ceil((allocatedStorage * 11) / 10),
    65_536,
    Math.max(100, allocatedStorage * 5),
  );
  const auroraStorageType = check.oneOf("auroraStorageType", args.auroraStorageType, ["aurora", "aurora-iopt1"], "aurora");

  const masterUsername = check.identifier("masterUsername", args.masterUsername, "visor_admin");
  check.require(!RESERVED_MASTER_USERNAMES.includes(masterUsername), "masterUsername", "not a name RDS reserves", masterUsername);
  requireDistinctAdmin(check, "masterUsername", masterUsername, base.appUser);

  const sgs = args.allowedSecurityGroupIds ?? [];
  const cidrs = args.allowedCidrBlocks ?? [];
  check.require(Array.isArray(sgs), "allowedSecurityGroupIds", "a list of security group ids", sgs);
  check.require(Array.isArray(cidrs), "allowedCidrBlocks", "a list of IPv4 CIDRs", cidrs);
  for (const [i, sg] of sgs.entries()) {
    if (typeof sg === "string")
      check.require(/^sg-[0-9a-f]{8,17}$/.test(sg), `allowedSecurityGroupIds[${i}]`, "a security group id (sg-…)", sg);
  }
  for (const [index, cidr] of cidrs.entries()) requireBoundedCidr(check, `allowedCidrBlocks[${index}]`, cidr);
  check.require(
    sgs.length + cidrs.length > 0,
    "allowedSecurityGroupIds",
    "a non-empty list (or allowedCidrBlocks): nothing could reach the database",
    sgs,
  );

  const backupWindow = args.backupWindow ?? "03:00-03:30";
  const daily = typeof backupWindow === "string" ? dailyWindow(backupWindow) : undefined;
  check.require(
    daily !== undefined && daily.minutes >= 30,
    "backupWindow",
    'a UTC window "hh:mm-hh:mm" of at least 30 minutes',
    args.backupWindow,
  );
  const maintenanceWindow = args.maintenanceWindow ?? "sun:07:00-sun:08:00";
  const weekly = typeof maintenanceWindow === "string" ? weeklyWindow(maintenanceWindow) : undefined;
  check.require(
    weekly !== undefined && weekly.minutes >= 30,
    "maintenanceWindow",
    'a UTC window "ddd:hh:mm-ddd:hh:mm" of at least 30 minutes, like "sun:07:00-sun:08:00"',
    args.maintenanceWindow,
  );
  check.require(
    !everyDay(daily!).some((day) => overlaps(day, weekly!)),
    "maintenanceWindow",
    `a window apart from backupWindow (${backupWindow} every day)`,
    maintenanceWindow,
  );

  const replicas = resolveReplicas(check, args, engine, instanceClass, region);
  const awsBackup = resolveAwsBackup(check, args, region, { engine, backupWindow: daily!, maintenanceWindow: weekly! });
  const pooler = resolvePooler(check, args, base);
  requireKmsKeyArn(check, "kmsKeyId", args.kmsKeyId);

  const monitoringInterval = args.monitoringInterval ?? 60;
  check.require(
    (MONITORING_INTERVALS as readonly number[]).includes(monitoringInterval),
    "monitoringInterval",
    `one of ${MONITORING_INTERVALS.join(", ")} seconds`,
    args.monitoringInterval,
  );
  const caCertIdentifier = check.oneOf("caCertIdentifier", args.caCertIdentifier, CA_CERTS, DEFAULT_CA_CERT);
  // Every verify-full connection to the database (and to cross-region replicas) trusts these.
  const caBundlePem = resolveCaBundle(
    check,
    args.caBundlePem,
    [region, ...replicas.map((r) => r.region ?? region)],
    env.now ?? new Date(),
  );
  if (args.caBundleFile !== undefined) {
    check.require(
      typeof args.caBundleFile === "string" && args.caBundleFile.startsWith("/"),
      "caBundleFile",
      "an absolute path to the RDS CA bundle",
      args.caBundleFile,
    );
  }

  // TLS is not optional for Visor, and pg_stat_statements is how the guide finds slow queries.
  const parameters = base.parameters;
  if (parameters["rds.force_ssl"] !== undefined)
    check.require(
      parameters["rds.force_ssl"] === "1",
      "parameters.rds.force_ssl",
      '"1" (TLS is required)',
      parameters["rds.force_ssl"],
    );
  if (parameters.shared_preload_libraries !== undefined) {
    const libs = parameters.shared_preload_libraries.split(",").map((s) => s.trim());
    check.require(
      libs.includes("pg_stat_statements"),
      "parameters.shared_preload_libraries",
      "a list that includes pg_stat_statements",
      parameters.shared_preload_libraries,
    );
  }

  return {
    base,
    engine,
    major,
    engineVersion: version,
    family: `${engine === "rds" ? "postgres" : "aurora-postgresql"}${major}`,
    vpcId: args.vpcId,
    subnetIds: args.subnetIds,
    allowedSecurityGroupIds: sgs,
    allowedCidrBlocks: cidrs,
    instanceClass,
    allocatedStorage,
    maxAllocatedStorage,
    multiAz: check.bool("multiAz", args.multiAz, true),
    auroraStorageType,
    masterUsername,
    backupWindow,
    maintenanceWindow,
    awsBackup,
    replicas,
    pooler,
    performanceInsights: check.bool("performanceInsights", args.performanceInsights, true),
    monitoringInterval,
    alarms: resolveAlerts(check, args, base, pooler),
    kmsKeyId: args.kmsKeyId,
    caCertIdentifier,
    caBundlePem,
    parameterApplyMethods: applyMethods,
    caBundleFile: args.caBundleFile,
    bootstrapVia: check.oneOf(
      "bootstrap.via",
      typeof args.bootstrap === "object" && args.bootstrap !== null ? args.bootstrap.via : undefined,
      ["runner", "direct"],
      "runner",
    ),
    stackRegion: region,
  };
}
