// The known shape of every visor-db-infra config object, so a typo is refused instead of silently taking
// a default. Each shape is typed against the component's own argument interface: adding, renaming or
// removing an argument there fails the typecheck here until the shape follows.
import type {
  VisorBootstrapSettings,
  VisorHaSettings,
  VisorPoolSettings,
  VisorDatabaseArgsBase,
} from "../components/shared/args";
import type { VisorTuning } from "../components/shared/tuning";
import type { VisorConnectionArgs } from "../components/visor/providers/connection-args";
import type {
  AwsAlarmSettings,
  AwsBackupSettings,
  AwsPoolerSettings,
  AwsBootstrapSettings,
  AwsVisorDatabaseArgs,
  ReplicaSpec,
} from "../components/aws/args";
import type { GcpRunnerArgs } from "../components/gcp/runner";
import type {
  GcpAlertSettings,
  GcpBootstrapSettings,
  GcpIamDatabaseUser,
  GcpMonitoringArgs,
  GcpOffsiteBackupArgs,
  GcpPgBouncerArgs,
  GcpPrivateServiceAccessArgs,
  GcpReplicaSpec,
  GcpVisorDatabaseArgs,
} from "../components/gcp/args";
import type {
  AzureAlerts,
  AzureBootstrapSettings,
  AzureEntraAdmin,
  AzureKeyVaultSecret,
  AzureLongTermRetention,
  AzurePublicAccess,
  AzureReplicaSpec,
  AzureRunnerArgs,
  AzureVisorDatabaseArgs,
} from "../components/azure/args";

/**
 * What a config value may hold. `keys`: an object with exactly these keys (when the value is an object);
 * `items`: each element of a list (when the value is a list); `refuse`: not settable from stack config.
 * Neither: any value (free-form maps such as tags, or scalars). The value's own type picks what applies, so
 * `replicas: number | Spec[]` and `awsBackup: boolean | Settings` need one shape each.
 */
export interface Shape {
  keys?: Record<string, Shape>;
  items?: Shape;
  refuse?: string;
}

const ANY: Shape = {};
type KeysOf<T> = { [K in keyof Required<T>]-?: Shape };
const object = <T>(keys: KeysOf<T>): Shape => ({ keys });
const listOf = (items: Shape): Shape => ({ items });

const TRANSFORM: Shape = { refuse: "takes functions; pass it from a program, not from stack config" };

export const HA_SHAPE = object<VisorHaSettings>({ lockTtlSeconds: ANY, heartbeatIntervalSeconds: ANY });

const base: KeysOf<VisorDatabaseArgsBase> = {
  databaseName: ANY,
  appUser: ANY,
  engineVersion: ANY,
  retentionDays: ANY,
  tuning: object<VisorTuning>({
    sharedBuffers: ANY,
    effectiveCacheSize: ANY,
    workMem: ANY,
    maintenanceWorkMem: ANY,
    maxConnections: ANY,
    checkpointCompletionTarget: ANY,
    walBuffers: ANY,
  }),
  parameters: ANY,
  pool: object<VisorPoolSettings>({ defaultPoolSize: ANY, minPoolSize: ANY, maxClientConn: ANY }),
  ha: HA_SHAPE,
  bootstrap: object<VisorBootstrapSettings>({
    smokeTest: ANY,
    nodes: ANY,
    rerunOnEveryUp: ANY,
    retainOnDelete: ANY,
    connectTimeoutMs: ANY,
  }),
  deletionProtection: ANY,
  tags: ANY,
};

const AWS_ALERTS = object<AwsAlarmSettings>({
  snsTopicArn: ANY,
  cpuPercent: ANY,
  freeStoragePercent: ANY,
  freeableMemoryMiB: ANY,
  connectionsPercent: ANY,
  replicaLagSeconds: ANY,
});

export const AWS_SHAPE = object<AwsVisorDatabaseArgs>({
  ...base,
  bootstrap: object<AwsBootstrapSettings>({ ...(base.bootstrap as { keys: KeysOf<AwsBootstrapSettings> }).keys, via: ANY }),
  vpcId: ANY,
  subnetIds: ANY,
  allowedSecurityGroupIds: ANY,
  allowedCidrBlocks: ANY,
  engine: ANY,
  instanceClass: ANY,
  allocatedStorage: ANY,
  maxAllocatedStorage: ANY,
  multiAz: ANY,
  auroraStorageType: ANY,
  masterUsername: ANY,
  backupWindow: ANY,
  maintenanceWindow: ANY,
  awsBackup: object<AwsBackupSettings>({
    dailySchedule: ANY,
    dailyRetentionDays: ANY,
    weeklySchedule: ANY,
    offsiteRetentionDays: ANY,
    offsiteRegion: ANY,
    offsiteVaultArn: ANY,
    kmsKeyArn: ANY,
    offsiteKmsKeyArn: ANY,
  }),
  replicas: listOf(
    object<ReplicaSpec>({
      instanceClass: ANY,
      availabilityZone: ANY,
      region: ANY,
      kmsKeyId: ANY,
      subnetGroupName: ANY,
      securityGroupIds: ANY,
      multiAz: ANY,
      promotionTier: ANY,
    }),
  ),
  pooler: ANY,
  poolerSettings: object<AwsPoolerSettings>({
    image: ANY,
    desiredCount: ANY,
    cpu: ANY,
    memory: ANY,
    subnetIds: ANY,
    clusterArn: ANY,
    logRetentionDays: ANY,
  }),
  performanceInsights: ANY,
  monitoringInterval: ANY,
  alerts: AWS_ALERTS,
  alarms: AWS_ALERTS,
  kmsKeyId: ANY,
  caCertIdentifier: ANY,
  caBundlePem: ANY,
  caBundleFile: ANY,
  transform: TRANSFORM,
});

const GCP_PGBOUNCER = object<GcpPgBouncerArgs>({
  subnetwork: ANY,
  instances: ANY,
  machineType: ANY,
  image: ANY,
  runAs: ANY,
  osImage: ANY,
  allowedSourceRanges: ANY,
});

export const GCP_SHAPE = object<GcpVisorDatabaseArgs>({
  ...base,
  bootstrap: object<GcpBootstrapSettings>({
    ...(base.bootstrap as { keys: KeysOf<GcpBootstrapSettings> }).keys,
    via: ANY,
    runner: object<GcpRunnerArgs>({ subnetwork: ANY, subnetCidr: ANY, image: ANY, timeoutSeconds: ANY, connectRetryMs: ANY }),
  }),
  region: ANY,
  network: ANY,
  project: ANY,
  databaseVersion: ANY,
  edition: ANY,
  tier: ANY,
  availabilityType: ANY,
  diskSizeGb: ANY,
  diskAutoresizeLimitGb: ANY,
  diskType: ANY,
  encryptionKeyName: ANY,
  privateServiceAccess: object<GcpPrivateServiceAccessArgs>({
    create: ANY,
    prefixLength: ANY,
    connection: { refuse: "takes a resource; pass it from a program, not from stack config" },
    allocatedIpRange: ANY,
  }),
  publicIp: ANY,
  authorizedNetworks: listOf(object<{ name?: string; cidr: string }>({ name: ANY, cidr: ANY })),
  sslMode: ANY,
  serverCaMode: ANY,
  privateDns: ANY,
  retainedBackups: ANY,
  backupStartTime: ANY,
  backupLocation: ANY,
  finalBackupRetentionDays: ANY,
  offsite: object<GcpOffsiteBackupArgs>({ location: ANY, weeklyRetentionDays: ANY, enforcedRetentionDays: ANY }),
  replicas: listOf(object<GcpReplicaSpec>({ region: ANY, tier: ANY, availabilityType: ANY, encryptionKeyName: ANY })),
  maintenanceWindow: object<{ day?: number; hour?: number }>({ day: ANY, hour: ANY }),
  queryInsights: ANY,
  iamUsers: listOf(object<GcpIamDatabaseUser>({ email: ANY, grantInstanceUserRole: ANY })),
  adminUser: ANY,
  pooler: ANY,
  poolerSettings: GCP_PGBOUNCER,
  pgbouncer: GCP_PGBOUNCER,
  alerts: object<GcpAlertSettings>({
    notificationChannels: ANY,
    cpuPercent: ANY,
    diskPercent: ANY,
    memoryPercent: ANY,
    connectionsPercent: ANY,
    replicaLagSeconds: ANY,
    durationSeconds: ANY,
  }),
  monitoring: object<GcpMonitoringArgs>({
    enabled: ANY,
    notificationChannels: ANY,
    cpuThreshold: ANY,
    diskThreshold: ANY,
    connectionsThreshold: ANY,
    replicaLagSeconds: ANY,
    durationSeconds: ANY,
  }),
  transform: TRANSFORM,
});

type AllowedIpRange = AzurePublicAccess["allowedIpRanges"][number];

export const AZURE_SHAPE = object<AzureVisorDatabaseArgs>({
  ...base,
  resourceGroupName: ANY,
  location: ANY,
  delegatedSubnetId: ANY,
  privateDnsZoneId: ANY,
  publicAccess: object<AzurePublicAccess>({
    allowedIpRanges: listOf(object<AllowedIpRange>({ name: ANY, startIpAddress: ANY, endIpAddress: ANY })),
  }),
  serverName: ANY,
  skuTier: ANY,
  skuName: ANY,
  storageSizeGb: ANY,
  storageAutoGrow: ANY,
  highAvailability: ANY,
  availabilityZone: ANY,
  standbyAvailabilityZone: ANY,
  administratorLogin: ANY,
  entraAdmin: object<AzureEntraAdmin>({ objectId: ANY, principalName: ANY, principalType: ANY, tenantId: ANY }),
  geoRedundantBackup: ANY,
  allowGeoBackupReplace: ANY,
  longTermRetention: object<AzureLongTermRetention>({
    retentionDays: ANY,
    scheduleStartUtc: ANY,
    vaultRedundancy: ANY,
    softDeleteDays: ANY,
    crossRegionRestore: ANY,
  }),
  replicas: listOf(
    object<AzureReplicaSpec>({
      location: ANY,
      skuName: ANY,
      skuTier: ANY,
      availabilityZone: ANY,
      delegatedSubnetId: ANY,
      privateDnsZoneId: ANY,
      serverName: ANY,
    }),
  ),
  virtualEndpointName: ANY,
  pooler: ANY,
  pgbouncer: ANY,
  alerts: object<AzureAlerts>({
    actionGroupId: ANY,
    cpuPercent: ANY,
    memoryPercent: ANY,
    storagePercent: ANY,
    connectionsPercent: ANY,
    replicationLagSeconds: ANY,
  }),
  keyVault: object<AzureKeyVaultSecret>({ vaultName: ANY, resourceGroupName: ANY, secretName: ANY }),
  adminSslRootCert: ANY,
  bootstrap: object<AzureBootstrapSettings>({
    smokeTest: ANY,
    nodes: ANY,
    rerunOnEveryUp: ANY,
    retainOnDelete: ANY,
    connectTimeoutMs: ANY,
    via: ANY,
  }),
  runner: object<AzureRunnerArgs>({
    subnetAddressPrefix: ANY,
    subnetName: ANY,
    natGatewayId: ANY,
    image: ANY,
    dnsServers: ANY,
    timeoutMs: ANY,
  }),
  transform: TRANSFORM,
});

export const CONNECTION_SHAPE = object<VisorConnectionArgs>({
  driver: ANY,
  url: ANY,
  host: ANY,
  port: ANY,
  database: ANY,
  user: ANY,
  password: ANY,
  ssl: object<{ mode?: unknown; ca?: unknown }>({ mode: ANY, ca: ANY }),
});

export const DATABASE_SHAPES = { aws: AWS_SHAPE, gcp: GCP_SHAPE, azure: AZURE_SHAPE } as const;
