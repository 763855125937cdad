// The validated GcpVisorDatabase arguments, every default applied: what the builders read.
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedBase } from "../shared/base-validation";
import type { GcpEdition, GcpPooler, GcpSslMode } from "./args";
import type { GcpDiskType, TierInfo } from "./tiers";

export interface ResolvedReplica {
  region: string;
  tier: string;
  tierInfo: TierInfo;
  availabilityType: "ZONAL" | "REGIONAL";
  encryptionKeyName?: string;
}

export interface ResolvedGcp {
  base: ResolvedBase;
  region: string;
  project?: string;
  network: pulumi.Input<string>;
  databaseVersion: string;
  edition: GcpEdition;
  tier: string;
  /** The primary tier's series, vCPUs and memory. */
  tierInfo: TierInfo;
  availabilityType: "REGIONAL" | "ZONAL";
  diskSizeGb: number;
  diskAutoresizeLimitGb: number;
  diskType: GcpDiskType;
  encryptionKeyName?: string;
  psa: { create: boolean; prefixLength: number; connection?: pulumi.Input<pulumi.Resource>; allocatedIpRange?: string };
  publicIp: boolean;
  authorizedNetworks: { name?: string; cidr: string }[];
  sslMode: GcpSslMode;
  serverCaMode: "GOOGLE_MANAGED_CAS_CA";
  privateDns: boolean;
  retainedBackups: number;
  backupStartTime: string;
  backupLocation?: string;
  finalBackupRetentionDays: number;
  /** Backup and DR: vault and plan region, rule retentions and the daily window (hours, UTC). */
  offsite:
    | false
    | {
        location: string;
        dailyRetentionDays: number;
        weeklyRetentionDays: number;
        enforcedRetentionDays: number;
        logRetentionDays: number;
        window: { startHour: number; endHour: number };
      };
  replicas: ResolvedReplica[];
  maintenanceWindow: { day: number; hour: number };
  queryInsights: boolean;
  iamUsers: { email: string; sqlName: string; type: "CLOUD_IAM_USER" | "CLOUD_IAM_SERVICE_ACCOUNT"; grantRole: boolean }[];
  /** The built-in admin user that creates Visor's role over SQL. */
  adminUser: string;
  pooler: GcpPooler;
  pgbouncer: {
    subnetwork?: pulumi.Input<string>;
    instances: number;
    machineType: string;
    image: string;
    runAs: string;
    osImage: string;
    allowedSourceRanges: string[];
  };
  monitoring: {
    enabled: boolean;
    notificationChannels: pulumi.Input<string>[];
    cpuThreshold: number;
    diskThreshold: number;
    memoryThreshold: number;
    connectionsThreshold: number;
    replicaLagSeconds: number;
    durationSeconds: number;
  };
}
