// The typed arguments of GcpVisorDatabase: the shared vocabulary (VisorDatabaseArgsBase) plus what only
// Cloud SQL has. Every field says its default; validate.ts enforces the ranges.
import type * as pulumi from "@pulumi/pulumi";
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
import type { ChildTransform, VisorDatabaseArgsBase, SharedChildTransforms } from "../shared/args";

export const GCP_EDITIONS = ["ENTERPRISE", "ENTERPRISE_PLUS"] as const;
export type GcpEdition = (typeof GCP_EDITIONS)[number];

export const GCP_POOLERS = ["managed", "pgbouncer", "none"] as const;
export type GcpPooler = (typeof GCP_POOLERS)[number];

/** Cloud SQL `sslMode`s we accept: never one that allows unencrypted connections. */
export const GCP_SSL_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"] as const;
export type GcpSslMode = (typeof GCP_SSL_MODES)[number];

/** One read replica. A bare number `n` in `replicas` means `n` × `{}` (same region, the primary's tier). */
export interface GcpReplicaSpec {
  /** Region of the replica; a different region from the primary makes it a cross-region replica. Default: the primary's region. */
  region?: string;
  /** Machine tier. Default: the primary's tier. */
  tier?: string;
  /** `ZONAL` or `REGIONAL` (an HA replica). Default "ZONAL". */
  availabilityType?: "ZONAL" | "REGIONAL";
  /**
   * CMEK key for this replica's disk (`projects/…/locations/<replica region>/keyRings/…/cryptoKeys/…`). Required for a
   * cross-region replica when the primary uses CMEK: a key is regional, so the replica needs its own. Default: none
   * (Google-managed encryption) unless the replica is in the primary's region, where the primary's key is reused.
   */
  encryptionKeyName?: string;
}

/** The Private Service Access (VPC peering with Google's service producer network) Cloud SQL's private IP needs. */
export interface GcpPrivateServiceAccessArgs {
  /**
   * Create the reserved range and the `servicenetworking` connection here. Default true. Set false when the VPC already
   * has one (a VPC has exactly one such connection) and pass it as `connection`.
   */
  create?: boolean;
  /** Size of the reserved range when created here. Default 16 (Google's recommendation); 8–24. */
  prefixLength?: number;
  /**
   * The existing `servicenetworking.Connection` (or anything that completes after it) the instance must wait for.
   * Required when `create` is false: the provider does not infer this ordering, and creating the instance first fails.
   */
  connection?: pulumi.Input<pulumi.Resource>;
  /** Name of the reserved range to place the instances in. Default: the range created here, else Cloud SQL's choice. */
  allocatedIpRange?: string;
}

/** PgBouncer on Compute Engine (`pooler: "pgbouncer"`). */
export interface GcpPgBouncerArgs {
  /** Subnetwork (id or self link) of `network` for the VMs and the internal load balancer. Required. */
  subnetwork?: pulumi.Input<string>;
  /** VMs in the regional managed instance group, spread over zones. Default 2; 1–10. */
  instances?: number;
  /** Compute Engine machine type. Default "e2-small". */
  machineType?: string;
  /** Container image with `pgbouncer` ≥ 1.18 on its PATH. Default "edoburu/pgbouncer:1.23.1-p2" (as on AWS). */
  image?: string;
  /** uid:gid PgBouncer runs as inside the image (it refuses root); the config files are owned by it. Default "70:70". */
  runAs?: string;
  /** Container-Optimized OS image. Default "cos-cloud/cos-stable". */
  osImage?: string;
  /** Client ranges allowed to reach port 6432. Default the RFC 1918 ranges (the load balancer is internal anyway). */
  allowedSourceRanges?: string[];
}

/**
 * The guide's "weekly offsite, kept 90 days" with Backup and DR for Cloud SQL ("enhanced backups"): a backup vault
 * (isolated, immutable, indelible for the enforced retention), a plan with a daily and a weekly rule, and the
 * instance's association with it. See README, *Backups*, for what this approximates.
 */
export interface GcpOffsiteBackupArgs {
  /** Region of the backup vault and plan. Default: the primary's region (see README on other regions). */
  location?: string;
  /** Days each weekly (Sunday) backup is kept. Default 90 (the guide); at least `enforcedRetentionDays`, at most 3650. */
  weeklyRetentionDays?: number;
  /**
   * Days no one can delete a backup in the vault (the vault's minimum enforced retention). Default `retentionDays`
   * (7); at most the daily retention (`retainedBackups`) and the plan's log retention (`retentionDays`).
   */
  enforcedRetentionDays?: number;
}

/** Alert policies, in percent like every cloud's `alerts`. */
export interface GcpAlertSettings {
  /** Notification channel ids (`projects/…/notificationChannels/…`). Default none (alerts show in the console only). */
  notificationChannels?: pulumi.Input<string>[];
  /** CPU utilisation above this percentage. Default 80; 1–100. */
  cpuPercent?: number;
  /** Disk utilisation above this percentage. Default 80; 1–100. */
  diskPercent?: number;
  /** Memory utilisation above this percentage (Cloud SQL PostgreSQL's main failure mode). Default 90; 1–100. */
  memoryPercent?: number;
  /** Backends above this percentage of `max_connections`. Default 80; 1–100. */
  connectionsPercent?: number;
  /** Replica lag in seconds above which to alert. Default 30. */
  replicaLagSeconds?: number;
  /** How long a condition must hold, in seconds. Default 300. */
  durationSeconds?: number;
}

/** @deprecated Use `alerts` (GcpAlertSettings, percentages; `alerts: false` instead of `enabled: false`). */
export interface GcpMonitoringArgs {
  /** Create the alert policies. Default true. */
  enabled?: boolean;
  /** Notification channel ids (`projects/…/notificationChannels/…`). Default none (alerts show in the console only). */
  notificationChannels?: pulumi.Input<string>[];
  /** CPU utilisation above which to alert, 0–1. Default 0.8. */
  cpuThreshold?: number;
  /** Disk utilisation above which to alert, 0–1. Default 0.8. */
  diskThreshold?: number;
  /** Alert when backends exceed this fraction of `max_connections`, 0–1. Default 0.8. */
  connectionsThreshold?: number;
  /** Replica lag in seconds above which to alert. Default 30. */
  replicaLagSeconds?: number;
  /** How long a condition must hold, in seconds. Default 300. */
  durationSeconds?: number;
}

/** A Cloud SQL IAM database user (IAM database authentication). */
export interface GcpIamDatabaseUser {
  /** A Google account or service account e-mail. Service accounts (`…gserviceaccount.com`) become CLOUD_IAM_SERVICE_ACCOUNT users. */
  email: string;
  /** Also grant `roles/cloudsql.instanceUser` on the project, which IAM login needs. Default true. */
  grantInstanceUserRole?: boolean;
}

/** Per-child hooks: change any child's args or options before it is registered. */
export interface GcpVisorDatabaseTransforms extends SharedChildTransforms {
  privateIpRange?: ChildTransform<compute.GlobalAddressArgs>;
  privateServiceAccess?: ChildTransform<servicenetworking.ConnectionArgs>;
  instance?: ChildTransform<sql.DatabaseInstanceArgs>;
  /** Applied to every replica. */
  replica?: ChildTransform<sql.DatabaseInstanceArgs>;
  database?: ChildTransform<sql.DatabaseArgs>;
  /** The built-in admin user that creates Visor's role (`adminUser`). */
  adminUser?: ChildTransform<sql.UserArgs>;
  /** The admin user's random password. */
  adminPassword?: ChildTransform<random.RandomPasswordArgs>;
  /** Applied to every IAM database user. */
  iamUser?: ChildTransform<sql.UserArgs>;
  /** Applied to every `roles/cloudsql.instanceUser` grant. */
  iamUserRole?: ChildTransform<projects.IAMMemberArgs>;
  connectionSecret?: ChildTransform<secretmanager.SecretArgs>;
  connectionSecretVersion?: ChildTransform<secretmanager.SecretVersionArgs>;
  poolerConfigSecret?: ChildTransform<secretmanager.SecretArgs>;
  poolerConfigSecretVersion?: ChildTransform<secretmanager.SecretVersionArgs>;
  poolerServiceAccount?: ChildTransform<serviceaccount.AccountArgs>;
  poolerSecretAccess?: ChildTransform<secretmanager.SecretIamMemberArgs>;
  poolerTemplate?: ChildTransform<compute.InstanceTemplateArgs>;
  poolerHealthCheck?: ChildTransform<compute.RegionHealthCheckArgs>;
  poolerGroup?: ChildTransform<compute.RegionInstanceGroupManagerArgs>;
  poolerBackend?: ChildTransform<compute.RegionBackendServiceArgs>;
  /** The load balancer's static internal IP, which the pooler's TLS certificate names. */
  poolerAddress?: ChildTransform<compute.AddressArgs>;
  poolerForwardingRule?: ChildTransform<compute.ForwardingRuleArgs>;
  poolerFirewall?: ChildTransform<compute.FirewallArgs>;
  poolerHealthCheckFirewall?: ChildTransform<compute.FirewallArgs>;
  backupVault?: ChildTransform<backupdisasterrecovery.BackupVaultArgs>;
  backupPlan?: ChildTransform<backupdisasterrecovery.BackupPlanArgs>;
  backupPlanAssociation?: ChildTransform<backupdisasterrecovery.BackupPlanAssociationArgs>;
  /** Applied to each instance's private DNS zone (its DNS name, visible in `network`). */
  dnsZone?: ChildTransform<dns.ManagedZoneArgs>;
  /** Applied to each instance's A record (DNS name → private IP). */
  dnsRecord?: ChildTransform<dns.RecordSetArgs>;
  /** Applied to every alert policy. */
  alertPolicy?: ChildTransform<monitoring.AlertPolicyArgs>;
  /** Applied to each instance's random name suffix. */
  instanceNameSuffix?: ChildTransform<random.RandomIdArgs>;
}

/** Arguments of {@link GcpVisorDatabase}. Only `region` and `network` are required. */
export interface GcpVisorDatabaseArgs extends VisorDatabaseArgsBase {
  /** Region of the primary, e.g. "europe-west1". Required. */
  region: string;
  /** The VPC (id `projects/<p>/global/networks/<n>` or its self link) the private IP is on. Required. */
  network: pulumi.Input<string>;
  /** Project. Default: the provider's project. */
  project?: string;
  /**
   * PostgreSQL major version, "18" or "POSTGRES_18" (base `engineVersion` is accepted too). Default "18", the current
   * major Cloud SQL offers.
   */
  databaseVersion?: string;
  /** Cloud SQL edition. Default "ENTERPRISE". */
  edition?: GcpEdition;
  /**
   * Machine tier. Default "db-custom-2-7680" on ENTERPRISE (2 vCPU, 7.5 GB) and "db-perf-optimized-N-2" on
   * ENTERPRISE_PLUS. Enterprise takes `db-custom-<vCPU>-<MB>`, `db-custom-N4-<vCPU>-<MB>` and shared-core tiers;
   * Enterprise Plus `db-perf-optimized-N-<vCPU>` (N2) and `db-c4a-highmem-<vCPU>` (C4A). The tuning is sized to it.
   */
  tier?: string;
  /** "REGIONAL" (HA: a standby in another zone with automatic failover) or "ZONAL". Default "REGIONAL". */
  availabilityType?: "REGIONAL" | "ZONAL";
  /** Initial data disk in GB (grows by autoresize; later changes to this field are ignored). Default 20; 10–65536. */
  diskSizeGb?: number;
  /** Autoresize ceiling in GB, at least `diskSizeGb`. Default 200. */
  diskAutoresizeLimitGb?: number;
  /** "PD_SSD" (N2, general-purpose, shared-core) or "HYPERDISK_BALANCED" (only C4A and N4). Default: the tier's. */
  diskType?: "PD_SSD" | "HYPERDISK_BALANCED";
  /** CMEK key for the primary's disk and backups. Default none (Google-managed encryption). */
  encryptionKeyName?: string;
  /** Private Service Access for the private IP. Default: created here. */
  privateServiceAccess?: GcpPrivateServiceAccessArgs;
  /** Give the instances a public IPv4 address too. Default false (Google's module defaults it on; we do not). */
  publicIp?: boolean;
  /** CIDRs allowed on the public IP (only with `publicIp`). Default none. */
  authorizedNetworks?: { name?: string; cidr: string }[];
  /** Cloud SQL TLS enforcement. Default "ENCRYPTED_ONLY". */
  sslMode?: GcpSslMode;
  /**
   * Server CA mode: only "GOOGLE_MANAGED_CAS_CA" (the default), whose server certificates carry the instance's DNS
   * name, which every hop verifies (`verify-full`). The per-instance CA's certificates name `<project>:<instance>`
   * only, so it is refused. Fixed at creation.
   */
  serverCaMode?: "GOOGLE_MANAGED_CAS_CA" | "GOOGLE_MANAGED_INTERNAL_CA";
  /**
   * A private Cloud DNS zone per instance in `network` with an A record: the instance's DNS name (`dnsName`) → its
   * private IP, so clients inside the VPC resolve the name they verify. Default true; false when the VPC already
   * resolves Cloud SQL's DNS names.
   */
  privateDns?: boolean;
  /** Daily backups retained (the guide: daily, 30 days). Default 30; 1–365. */
  retainedBackups?: number;
  /** Backup start time "HH:MM" UTC. Default "03:00". */
  backupStartTime?: string;
  /**
   * Where standard backups are stored: a region or multi-region ("eu", "us", "asia"). Only with `offsite: false`
   * (Backup and DR's enhanced backups have no multi-region storage). Default: Cloud SQL's, the nearest multi-region.
   */
  backupLocation?: string;
  /** The guide's weekly 90-day copy in a Backup and DR vault. Default on; `false` keeps standard backups only. */
  offsite?: boolean | GcpOffsiteBackupArgs;
  /** Days the final backup taken at deletion is kept. Default 90 (the guide's offsite retention); 1–365. */
  finalBackupRetentionDays?: number;
  /** Read replicas: a count or one spec each. Default 0; at most 10. */
  replicas?: number | GcpReplicaSpec[];
  /** Maintenance window (UTC), on the `stable` track. Default day 7 (Sunday), hour 4. */
  maintenanceWindow?: { day?: number; hour?: number };
  /** Query Insights. Default true. */
  queryInsights?: boolean;
  /** IAM database users; any turns the `cloudsql.iam_authentication` flag on. Default none. */
  iamUsers?: GcpIamDatabaseUser[];
  /**
   * The built-in Cloud SQL user (a `cloudsqlsuperuser` member) that creates Visor's least-privilege role over SQL.
   * Default "visor_admin"; must differ from `appUser`.
   */
  adminUser?: string;
  /**
   * "managed" (Cloud SQL Managed Connection Pooling, ENTERPRISE_PLUS only, port 6432), "pgbouncer" (PgBouncer on a
   * regional managed instance group behind an internal TCP load balancer, port 6432) or "none". Default "managed" on
   * ENTERPRISE_PLUS (built in, no VMs) and "none" on ENTERPRISE, where a pooler means VMs to run and the guide keeps
   * PgBouncer for "high-concurrency deployments (many Visor instances)": choose "pgbouncer" for those.
   */
  pooler?: GcpPooler;
  /** PgBouncer VM settings (`pooler: "pgbouncer"`), the same name as on every cloud. */
  poolerSettings?: GcpPgBouncerArgs;
  /** @deprecated The old name of `poolerSettings`; still accepted (not together with it). */
  pgbouncer?: GcpPgBouncerArgs;
  /** Alert policies for CPU, disk, connections and replica lag. Default on; `false` opts out. */
  alerts?: boolean | GcpAlertSettings;
  /** @deprecated The old form of `alerts` (thresholds as fractions 0–1); still accepted (not together with it). */
  monitoring?: GcpMonitoringArgs;
  /** Per-child hooks. */
  transform?: GcpVisorDatabaseTransforms;
}
