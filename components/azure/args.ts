// The typed arguments of `AzureVisorDatabase`: the shared vocabulary (VisorDatabaseArgsBase) plus what
// only Azure Database for PostgreSQL Flexible Server has. Every default is written next to its field.
import type * as pulumi from "@pulumi/pulumi";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as dataprotection from "@pulumi/azure-native/dataprotection";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type * as monitor from "@pulumi/azure-native/monitor";
import type * as random from "@pulumi/random";
import type * as network from "@pulumi/azure-native/network";
import type { ChildTransform, VisorDatabaseArgsBase, SharedChildTransforms, VisorBootstrapSettings } from "../shared/args";

export type AzureSkuTier = "Burstable" | "GeneralPurpose" | "MemoryOptimized";
export type AzureHighAvailability = "ZoneRedundant" | "SameZone" | "Disabled";
/** `pgbouncer`: Azure's built-in PgBouncer. `none`: no pooler. */
export type AzurePooler = "pgbouncer" | "none";

/** One read replica (`createMode: "Replica"`). */
export interface AzureReplicaSpec {
  /** Azure region. Default: the primary's `location` (same-region replica). */
  location?: pulumi.Input<string>;
  /**
   * Compute size. Default: the primary's `skuName`. At least the primary's vCores and memory (Azure needs a
   * replica's compute ≥ the primary's); scale replicas up before the primary, the primary down first.
   */
  skuName?: string;
  /** Compute tier. Default and only value: the primary's `skuTier` (promotion needs the same tier; Burstable has no replicas). */
  skuTier?: AzureSkuTier;
  /** Availability zone. Default: Azure's choice. */
  availabilityZone?: string;
  /**
   * Delegated subnet in the replica's region. Default: the primary's `delegatedSubnetId`, which only
   * works in the same region — a replica in another region must name a subnet of a VNet there.
   */
  delegatedSubnetId?: pulumi.Input<string>;
  /** Private DNS zone. Default: the primary's `privateDnsZoneId` (link it to the replica's VNet). */
  privateDnsZoneId?: pulumi.Input<string>;
  /** Azure server name. Default: auto-named from the Pulumi name. */
  serverName?: string;
}

/** Microsoft Entra ID administrator, enabled alongside password authentication. */
export interface AzureEntraAdmin {
  /** Object id of the user, group or service principal. */
  objectId: pulumi.Input<string>;
  /** Its display name (the role name in PostgreSQL). */
  principalName: pulumi.Input<string>;
  /** Default "Group". */
  principalType?: "User" | "Group" | "ServicePrincipal";
  /** Entra tenant id. */
  tenantId: pulumi.Input<string>;
}

/** Opting into public network access (the default is a private, VNet-integrated server). */
export interface AzurePublicAccess {
  /** Firewall rules; at least one. `0.0.0.0`–`0.0.0.0` (all Azure services) is refused. */
  allowedIpRanges: { name?: string; startIpAddress: string; endIpAddress: string }[];
}

/** The guide's weekly offsite backup, through an Azure Backup vault. */
export interface AzureLongTermRetention {
  /** Days a weekly backup is kept. Default 90 (the guide's "weekly, offsite, 90 days"); 7–3650. */
  retentionDays?: number;
  /** First weekly run, ISO 8601 UTC; repeats every 7 days. Default "2024-01-07T02:00:00+00:00" (Sundays 02:00 UTC). */
  scheduleStartUtc?: string;
  /** Vault storage redundancy. Default "GeoRedundant" (offsite: the paired region). */
  vaultRedundancy?: "GeoRedundant" | "ZoneRedundant" | "LocallyRedundant";
  /** Soft-delete retention of deleted backups, in days. Default 14 (14–180). */
  softDeleteDays?: number;
  /**
   * Cross Region Restore on the vault: restore the paired region's copy there. Default true with
   * "GeoRedundant" (only allowed there). Azure cannot turn it off once it is on.
   */
  crossRegionRestore?: boolean;
}

/** Metric alerts on the server (and each replica for lag). */
export interface AzureAlerts {
  /** Action group to notify. Default: none (alerts fire in Azure Monitor only). */
  actionGroupId?: pulumi.Input<string>;
  /** Average CPU percent over 15 minutes. Default 80. */
  cpuPercent?: number;
  /** Average memory percent over 15 minutes. Default 90. */
  memoryPercent?: number;
  /** Storage used percent. Default 80. */
  storagePercent?: number;
  /**
   * Azure's `active_connections` (every connection to the server, idle ones and Azure's own included) as a
   * percent of `max_connections`. Default 80.
   */
  connectionsPercent?: number;
  /** Replica lag in seconds (one alert per replica). Default 60. */
  replicationLagSeconds?: number;
}

/** Where to put the app connection (JSON with host, port, database, user, password, sslmode, pooler). */
export interface AzureKeyVaultSecret {
  /** Existing Key Vault's name. */
  vaultName: pulumi.Input<string>;
  /** Its resource group. Default: `resourceGroupName`. */
  resourceGroupName?: pulumi.Input<string>;
  /** Default "visor-db-connection". */
  secretName?: string;
}

/** The bootstrap, and where it runs. */
export interface AzureBootstrapSettings extends VisorBootstrapSettings {
  /**
   * "runner" (default with a private server): the initial setup, the schema bootstrap and the smoke test
   * run in a short-lived container group in the server's VNet, so the deployer needs no network path to
   * the server. "direct": the deployer connects itself (default with `publicAccess`).
   */
  via?: "runner" | "direct";
}

/** The runner's network, in the server's VNet (with `bootstrap.via: "runner"`). */
export interface AzureRunnerArgs {
  /**
   * The runner subnet's range (delegated to Microsoft.ContainerInstance/containerGroups, nothing else in
   * it). Default: the highest free /28 of the VNet's first address range. /20–/28, inside the VNet.
   */
  subnetAddressPrefix?: string;
  /** Default "visor-db-runner". */
  subnetName?: string;
  /**
   * An existing NAT gateway for the runner subnet: Azure supports only a NAT gateway for outbound traffic
   * from container groups in a VNet (image pulls). Default: none.
   */
  natGatewayId?: pulumi.Input<string>;
  /** A Node.js 22 image. Default "mcr.microsoft.com/devcontainers/javascript-node:22-bookworm"; pin a digest. */
  image?: string;
  /** Name servers for the runner (VNet container groups do not inherit the VNet's). Default ["168.63.129.16"]. */
  dnsServers?: string[];
  /** Longest wait for one run, from create to exit. Default 300000 (VNet groups start slowly); 60000–3600000. */
  timeoutMs?: number;
}

export interface AzureVisorDatabaseArgs extends VisorDatabaseArgsBase {
  /** Schema bootstrap + HA smoke test after provisioning, and where they run. Default true (via "runner"). */
  bootstrap?: boolean | AzureBootstrapSettings;
  /** The runner's subnet, NAT gateway, image and DNS (with `bootstrap.via: "runner"`). */
  runner?: AzureRunnerArgs;
  /** Resource group for the server and every child. Required. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the primary. Required. */
  location: pulumi.Input<string>;
  /** Subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`. Required unless `publicAccess` is given. */
  delegatedSubnetId?: pulumi.Input<string>;
  /** Private DNS zone (`*.postgres.database.azure.com`) linked to the VNet. Required unless `publicAccess` is given. */
  privateDnsZoneId?: pulumi.Input<string>;
  /** Opt into public network access with firewall rules. Default: none — public access Disabled. */
  publicAccess?: AzurePublicAccess;
  /** Azure server name (3–63: a-z, 0-9, -). Default: auto-named from `<name>-server`. */
  serverName?: string;
  /** PostgreSQL major version. Default "18" (the newest GA major on Flexible Server); "14"–"18". */
  engineVersion?: string;
  /** Compute tier. Default "GeneralPurpose". "Burstable" has no HA and no built-in PgBouncer. */
  skuTier?: AzureSkuTier;
  /**
   * Compute size. Default "Standard_D2ds_v5" (2 vCores, 8 GiB). One of the sizes with known memory
   * (B*ms/B2s, D*ds_v4/v5, D*ads_v5, E*ds_v4/v5, E*ads_v5): the tuning defaults are sized from it.
   */
  skuName?: string;
  /** Storage in GiB. Default 128; one of Azure's sizes (32 … 32767). */
  storageSizeGb?: number;
  /** Grow storage automatically before it fills. Default true. */
  storageAutoGrow?: boolean;
  /** High availability. Default "ZoneRedundant" (a standby in another zone, automatic failover). */
  highAvailability?: AzureHighAvailability;
  /** Primary's availability zone. Default: Azure's choice. */
  availabilityZone?: string;
  /** Standby's availability zone. Default: Azure's choice. */
  standbyAvailabilityZone?: string;
  /** Password administrator login. Default "visoradmin". The password is generated (secret). */
  administratorLogin?: string;
  /** Microsoft Entra ID administrator. Default: none (password authentication only). */
  entraAdmin?: AzureEntraAdmin;
  /** PITR retention. Default 30 (the guide's daily/30-day tier; covers its hourly WAL, 7 days); 7–35. */
  retentionDays?: number;
  /**
   * Geo-redundant automated backups (restore in the paired region). Default true. Azure sets this only
   * when the server is created: a later change is not applied (the server keeps its value, and a
   * warning says so) unless `allowGeoBackupReplace` is true, which replaces the server.
   */
  geoRedundantBackup?: boolean;
  /** Let a `geoRedundantBackup` change replace the server (new, empty server). Default false. */
  allowGeoBackupReplace?: boolean;
  /** Weekly backups kept 90 days in an Azure Backup vault. Default true; `false` opts out. */
  longTermRetention?: boolean | AzureLongTermRetention;
  /** Read replicas: a count (same region, primary's size) or one spec each. Default 0; at most 5. */
  replicas?: number | AzureReplicaSpec[];
  /**
   * Name of the ReadWrite virtual endpoint created when there are replicas (Azure promotes a replica to
   * primary only with one). Default `<serverName>-ve` when `serverName` is given, else auto-named.
   */
  virtualEndpointName?: string;
  /**
   * The pooler: "pgbouncer" (Azure's built-in PgBouncer on port 6432, transaction mode, the guide's pool
   * sizes) or "none". Default "pgbouncer".
   */
  pooler?: AzurePooler;
  /** @deprecated The old spelling of `pooler` (`true` = "pgbouncer", `false` = "none"); still accepted (not together with it). */
  pgbouncer?: boolean;
  /** Metric alerts. Default true (the thresholds in `AzureAlerts`); `false` opts out. */
  alerts?: boolean | AzureAlerts;
  /** Store the app connection as a Key Vault secret. Default: none. */
  keyVault?: AzureKeyVaultSecret;
  /**
   * The deployer's path to a CA bundle for the admin connection (@pulumi/postgresql). Default: unset —
   * the deployer's system trust store, which holds Azure's DigiCert and Microsoft roots.
   */
  adminSslRootCert?: string;
  /** Per-child hooks to change args/options before a child is registered. */
  transform?: AzureVisorDatabaseTransforms;
}

/** The children a `transform` hook can change, by name. */
export interface AzureVisorDatabaseTransforms extends SharedChildTransforms {
  adminPassword?: ChildTransform<random.RandomPasswordArgs>;
  server?: ChildTransform<dbforpostgresql.ServerArgs>;
  deletionLock?: ChildTransform<authorization.ManagementLockByScopeArgs>;
  entraAdmin?: ChildTransform<dbforpostgresql.AdministratorsMicrosoftEntraArgs>;
  firewallRule?: ChildTransform<dbforpostgresql.FirewallRuleArgs>;
  /** Applied to every server parameter (`args.configurationName` tells which). */
  configuration?: ChildTransform<dbforpostgresql.ConfigurationArgs>;
  replica?: ChildTransform<dbforpostgresql.ServerArgs>;
  virtualEndpoint?: ChildTransform<dbforpostgresql.VirtualEndpointArgs>;
  backupVault?: ChildTransform<dataprotection.BackupVaultArgs>;
  backupPolicy?: ChildTransform<dataprotection.BackupPolicyArgs>;
  /** Both role assignments of the vault's identity (server and resource group). */
  backupRoleAssignment?: ChildTransform<authorization.RoleAssignmentArgs>;
  backupInstance?: ChildTransform<dataprotection.BackupInstanceArgs>;
  /** Applied to every metric alert. */
  alert?: ChildTransform<monitor.MetricAlertArgs>;
  keyVaultSecret?: ChildTransform<keyvault.SecretArgs>;
  runnerSubnet?: ChildTransform<network.SubnetArgs>;
  runnerSecurityGroup?: ChildTransform<network.NetworkSecurityGroupArgs>;
}
