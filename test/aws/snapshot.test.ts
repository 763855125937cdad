// Golden plans: what `pulumi up` would create for the default configuration and for all options, with
// secrets as "[secret]". UPDATE_SNAPSHOTS=1 rewrites them after an intended change.
import { MINIMAL, PEM, plan, settle, setupAwsMocks } from "./helpers";
setupAwsMocks();

import { test } from "node:test";
import { join } from "node:path";
import { AwsVisorDatabase, type AwsVisorDatabaseArgs } from "../../components/aws";
import { assertNoLeaks } from "../support/pulumi-mocks";
import { matchSnapshot } from "../support/snapshot";

const dir = join(__dirname, "__snapshots__");
const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const ALL_RDS: AwsVisorDatabaseArgs = {
  ...MINIMAL,
  allowedCidrBlocks: ["10.20.0.0/16"],
  engine: "rds",
  engineVersion: "16",
  instanceClass: "db.r7g.large",
  allocatedStorage: 100,
  maxAllocatedStorage: 1000,
  multiAz: true,
  masterUsername: "dbadmin",
  databaseName: "visor",
  appUser: "visor",
  retentionDays: 14,
  backupWindow: "02:00-02:30",
  maintenanceWindow: "sun:06:00-sun:07:00",
  awsBackup: {
    dailySchedule: "cron(0 4 ? * * *)",
    dailyRetentionDays: 30,
    weeklySchedule: "cron(0 5 ? * SAT *)",
    offsiteRetentionDays: 90,
    offsiteRegion: "us-east-2",
    kmsKeyArn: KMS,
  },
  replicas: [
    { instanceClass: "db.r7g.large", availabilityZone: "us-east-1b" },
    {
      region: "us-west-2",
      kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab",
      subnetGroupName: "visor-west",
      multiAz: true,
    },
  ],
  tuning: { sharedBuffers: "1GB", effectiveCacheSize: "3GB", maxConnections: 100 },
  parameters: { log_min_duration_statement: "500", shared_preload_libraries: "pg_stat_statements,auto_explain" },
  pool: { defaultPoolSize: 30, minPoolSize: 5, maxClientConn: 1000 },
  ha: { lockTtlSeconds: 60, heartbeatIntervalSeconds: 10 },
  bootstrap: { via: "direct", smokeTest: true, nodes: 4, rerunOnEveryUp: false, retainOnDelete: true, connectTimeoutMs: 600_000 },
  deletionProtection: true,
  tags: { team: "platform", env: "prod" },
  pooler: "pgbouncer",
  poolerSettings: { image: "edoburu/pgbouncer:1.23.1-p2", desiredCount: 2, cpu: 512, memory: 1024, logRetentionDays: 90 },
  performanceInsights: true,
  monitoringInterval: 15,
  alarms: {
    snsTopicArn: "arn:aws:sns:us-east-1:123456789012:visor-db",
    cpuPercent: 75,
    freeStoragePercent: 15,
    freeableMemoryMiB: 512,
    connectionsPercent: 70,
    replicaLagSeconds: 30,
  },
  kmsKeyId: KMS,
  caCertIdentifier: "rds-ca-rsa4096-g1",
  caBundlePem: PEM,
  caBundleFile: "/etc/ssl/rds/global-bundle.pem",
};

const ALL_AURORA: AwsVisorDatabaseArgs = {
  ...MINIMAL,
  engine: "aurora",
  engineVersion: "16",
  instanceClass: "db.r7g.large",
  auroraStorageType: "aurora-iopt1",
  replicas: [{ instanceClass: "db.r7g.large", availabilityZone: "us-east-1b", promotionTier: 1 }, { promotionTier: 2 }],
  pooler: "rds-proxy",
  poolerSettings: { subnetIds: ["subnet-0ccccccccccccccc3", "subnet-0ddddddddddddddd4"] },
  kmsKeyId: KMS,
  awsBackup: { offsiteVaultArn: "arn:aws:backup:eu-central-1:210987654321:backup-vault:visor-offsite" },
  caBundlePem: PEM,
  tags: { team: "platform" },
};

async function snapshot(file: string, name: string, args: AwsVisorDatabaseArgs): Promise<void> {
  const db = new AwsVisorDatabase(name, args);
  await settle(db);
  const p = plan(name);
  assertNoLeaks(name, { "a password": "mock-password", "a SCRAM verifier": "SCRAM-SHA-256$", "a private key": "PRIVATE KEY" });
  matchSnapshot(join(dir, file), p);
}

test("golden plan: default configuration", () => snapshot("default.json", "visor", MINIMAL));
test("golden plan: all options, RDS + replicas + PgBouncer", () => snapshot("all-options-rds.json", "full", ALL_RDS));
test("golden plan: all options, Aurora + RDS Proxy + cross-account backup copy", () =>
  snapshot("all-options-aurora.json", "aurora", ALL_AURORA));
