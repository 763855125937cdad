// The validated AzureVisorDatabase arguments, every default applied: everything the builders read (they
// never go back to the raw arguments).
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedBase } from "../shared/base-validation";
import type { AzureHighAvailability, AzureKeyVaultSecret, AzureSkuTier } from "./args";
import type { ResolvedAzureRunner } from "./runner-settings";
import type { AzureCompute } from "./skus";

export interface ResolvedReplica {
  index: number;
  location: pulumi.Input<string>;
  crossRegion: boolean;
  skuName: string;
  skuTier: AzureSkuTier;
  availabilityZone?: string;
  delegatedSubnetId?: pulumi.Input<string>;
  privateDnsZoneId?: pulumi.Input<string>;
  serverName?: string;
}

export interface ResolvedEntraAdmin {
  objectId: pulumi.Input<string>;
  principalName: pulumi.Input<string>;
  principalType: "User" | "Group" | "ServicePrincipal";
  tenantId: pulumi.Input<string>;
}

export interface ResolvedAzure {
  base: ResolvedBase;
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  serverName?: string;
  version: string;
  skuTier: AzureSkuTier;
  skuName: string;
  /** The primary's vCores and memory (the tuning defaults are sized from it). */
  compute: AzureCompute;
  storageSizeGb: number;
  storageAutoGrow: boolean;
  highAvailability: AzureHighAvailability;
  availabilityZone?: string;
  standbyAvailabilityZone?: string;
  administratorLogin: string;
  entraAdmin?: ResolvedEntraAdmin;
  /** Private (VNet-integrated) networking; absent with public access. */
  delegatedSubnetId?: pulumi.Input<string>;
  privateDnsZoneId?: pulumi.Input<string>;
  publicAccess: { name: string; startIpAddress: string; endIpAddress: string }[] | undefined;
  geoRedundantBackup: boolean;
  allowGeoBackupReplace: boolean;
  longTermRetention:
    | false
    | {
        retentionDays: number;
        scheduleStartUtc: string;
        vaultRedundancy: string;
        softDeleteDays: number;
        crossRegionRestore: boolean;
      };
  replicas: ResolvedReplica[];
  /** Defaults to `<serverName>-ve` when `serverName` is given. */
  virtualEndpointName?: string;
  /** Azure's built-in PgBouncer on the server. */
  pgbouncer: boolean;
  alerts:
    | false
    | {
        actionGroupId?: pulumi.Input<string>;
        cpuPercent: number;
        memoryPercent: number;
        storagePercent: number;
        connectionsPercent: number;
        replicationLagSeconds: number;
      };
  keyVault?: AzureKeyVaultSecret & { secretName: string };
  adminSslRootCert?: string;
  /** `bootstrap.via: "runner"` (the default with a private server); absent with "direct" or no bootstrap. */
  runner?: ResolvedAzureRunner;
}
