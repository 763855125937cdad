// The validated AwsVisorDatabase arguments, every default applied: what the builders read.
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedBase } from "../shared/base-validation";
import type { AwsEngine, AwsPoolerKind } from "./args";

export interface ResolvedReplica {
  index: number;
  instanceClass: string;
  availabilityZone?: string;
  region?: string;
  kmsKeyId?: pulumi.Input<string>;
  subnetGroupName?: pulumi.Input<string>;
  securityGroupIds?: pulumi.Input<string>[];
  multiAz: boolean;
  promotionTier: number;
}

export interface ResolvedAwsBackup {
  dailySchedule: string;
  dailyRetentionDays: number;
  weeklySchedule: string;
  offsiteRetentionDays: number;
  /** Days the weekly rule keeps its local recovery point: longer than the daily's, so it wins any merge. */
  weeklyLocalRetentionDays: number;
  /** Either a vault this component creates in another region, or an existing vault ARN. */
  offsite: { region: string; kmsKeyArn?: pulumi.Input<string> } | { vaultArn: string };
  kmsKeyArn?: pulumi.Input<string>;
}

export interface ResolvedAlarms {
  snsTopicArn?: pulumi.Input<string>;
  cpuPercent: number;
  freeStoragePercent: number;
  freeableMemoryMiB: number;
  connectionsPercent: number;
  /** DatabaseConnections above this alarms: the percentage of max_connections − reserved. */
  connectionsThreshold: number;
  replicaLagSeconds: number;
}

export interface ResolvedPooler {
  kind: AwsPoolerKind;
  image: string;
  desiredCount: number;
  cpu: number;
  memory: number;
  subnetIds: pulumi.Input<string>[];
  clusterArn?: pulumi.Input<string>;
  logRetentionDays: number;
}

export interface ResolvedAws {
  base: ResolvedBase;
  engine: AwsEngine;
  major: string;
  engineVersion: string;
  /** Parameter group family: `postgres17` / `aurora-postgresql17`. */
  family: string;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  allowedSecurityGroupIds: pulumi.Input<string>[];
  allowedCidrBlocks: string[];
  instanceClass: string;
  allocatedStorage: number;
  maxAllocatedStorage: number;
  multiAz: boolean;
  auroraStorageType: "aurora" | "aurora-iopt1";
  masterUsername: string;
  backupWindow: string;
  maintenanceWindow: string;
  awsBackup: false | ResolvedAwsBackup;
  replicas: ResolvedReplica[];
  pooler: ResolvedPooler;
  performanceInsights: boolean;
  monitoringInterval: number;
  alarms: false | ResolvedAlarms;
  kmsKeyId?: pulumi.Input<string>;
  caCertIdentifier: string;
  /** The RDS CAs verify-full trusts: `caBundlePem`, else the packaged CAs of the stack's and replicas' regions. */
  caBundlePem: string;
  /** Raw parameters whose apply method the user chose. */
  parameterApplyMethods: Record<string, "immediate" | "pending-reboot">;
  caBundleFile?: string;
  /** Where setup, bootstrap and the smoke test run (`false` bootstrap: neither is used). */
  bootstrapVia: "runner" | "direct";
  /** The stack's region (aws:region or AWS_REGION), when known. */
  stackRegion?: string;
}
