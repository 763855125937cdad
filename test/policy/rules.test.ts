// Each Visor policy passes on a compliant resource and fails, naming the resource and the setting, on a
// non-compliant one, for all three clouds' resource types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkPlan, T, VISOR_RULES, type PlannedResource } from "../../policy/rules";

const rds = (props: Record<string, unknown> = {}): PlannedResource => ({
  type: T.rdsInstance,
  name: "db",
  props: {
    identifier: "db",
    engine: "postgres",
    parameterGroupName: "pg",
    backupRetentionPeriod: 7,
    deletionProtection: true,
    storageEncrypted: true,
    publiclyAccessible: false,
    multiAz: true,
    ...props,
  },
});
const aurora = (props: Record<string, unknown> = {}): PlannedResource => ({
  type: T.rdsCluster,
  name: "cluster",
  props: { clusterIdentifier: "cluster", backupRetentionPeriod: 7, deletionProtection: true, storageEncrypted: true, ...props },
});
const cloudSql = (settings: Record<string, unknown> = {}, props: Record<string, unknown> = {}): PlannedResource => ({
  type: T.cloudSql,
  name: "sql",
  props: {
    name: "sql",
    deletionProtection: true,
    settings: {
      availabilityType: "REGIONAL",
      deletionProtectionEnabled: true,
      backupConfiguration: {
        enabled: true,
        pointInTimeRecoveryEnabled: true,
        transactionLogRetentionDays: 7,
        backupRetentionSettings: { retainedBackups: 30 },
      },
      ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" },
      ...settings,
    },
    ...props,
  },
});
const azure = (props: Record<string, unknown> = {}): PlannedResource => ({
  type: T.azureServer,
  name: "flex",
  props: {
    resourceGroupName: "rg",
    serverName: "flex",
    backup: { backupRetentionDays: 7, geoRedundantBackup: "Enabled" },
    network: { publicNetworkAccess: "Disabled" },
    highAvailability: { mode: "ZoneRedundant" },
    ...props,
  },
});
const azureLock: PlannedResource = {
  type: T.azureLock,
  name: "lock",
  props: {
    level: "CanNotDelete",
    scope: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/flex",
  },
};
const forceSsl = (value: string): PlannedResource => ({
  type: T.rdsParameterGroup,
  name: "pg",
  props: { name: "pg", family: "postgres17", parameters: [{ name: "rds.force_ssl", value }] },
});
const auroraInstance = (name: string): PlannedResource => ({
  type: T.rdsClusterInstance,
  name,
  props: { clusterIdentifier: "cluster" },
});

const prod = { requireHa: true };
const names = (rs: PlannedResource[], ctx = prod) => checkPlan(rs, ctx).map((v) => `${v.policy}: ${v.message}`);

test("compliant stacks on every cloud pass every policy", () => {
  assert.deepEqual(names([rds(), forceSsl("1")]), []);
  assert.deepEqual(names([aurora(), auroraInstance("w"), auroraInstance("r")]), []);
  assert.deepEqual(names([cloudSql()]), []);
  assert.deepEqual(names([azure(), azureLock]), []);
});

const cases: [string, PlannedResource[], RegExp][] = [
  [
    "RDS retention 1 day",
    [rds({ backupRetentionPeriod: 1 })],
    /visor-backups-retention: db \(aws:rds\/instance:Instance\): backup retention is 1 day\(s\); at least 7/,
  ],
  [
    "RDS retention 0 disables PITR",
    [rds({ backupRetentionPeriod: 0 })],
    /visor-point-in-time-recovery: db .*retention 0 disables point-in-time recovery/,
  ],
  [
    "Aurora retention 3",
    [aurora({ backupRetentionPeriod: 3 }), auroraInstance("a"), auroraInstance("b")],
    /backup retention is 3 day/,
  ],
  [
    "RDS without deletion protection",
    [rds({ deletionProtection: false })],
    /visor-deletion-protection: db .*deletionProtection must be true/,
  ],
  ["RDS skipping the final snapshot", [rds({ skipFinalSnapshot: true })], /skipFinalSnapshot must not be true/],
  ["RDS unencrypted", [rds({ storageEncrypted: false })], /visor-storage-encryption: db .*storageEncrypted must be true/],
  ["RDS public", [rds({ publiclyAccessible: true })], /visor-no-public-access: db .*publiclyAccessible must not be true/],
  ["RDS without rds.force_ssl", [rds(), forceSsl("0")], /visor-tls-enforced: pg .*rds.force_ssl must be 1/],
  ["RDS single-AZ in prod", [rds({ multiAz: false })], /visor-ha-in-prod: db .*needs a standby/],
  [
    "Cloud SQL backups off",
    [cloudSql({ backupConfiguration: { enabled: false, pointInTimeRecoveryEnabled: true } })],
    /visor-backups-retention: sql .*backups are disabled/,
  ],
  [
    "Cloud SQL PITR off",
    [cloudSql({ backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: false } })],
    /visor-point-in-time-recovery: sql .*pointInTimeRecoveryEnabled must be true/,
  ],
  [
    "Cloud SQL public IPv4",
    [cloudSql({ ipConfiguration: { ipv4Enabled: true, sslMode: "ENCRYPTED_ONLY" } })],
    /visor-no-public-access: sql .*ipv4Enabled must be false/,
  ],
  [
    "Cloud SQL TLS optional",
    [cloudSql({ ipConfiguration: { ipv4Enabled: false, sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } })],
    /visor-tls-enforced: sql .*sslMode must be ENCRYPTED_ONLY/,
  ],
  [
    "Cloud SQL API deletion protection off",
    [cloudSql({ deletionProtectionEnabled: false })],
    /settings.deletionProtectionEnabled \(Cloud SQL API\) must be true/,
  ],
  ["Cloud SQL zonal in prod", [cloudSql({ availabilityType: "ZONAL" })], /visor-ha-in-prod: sql/],
  [
    "Azure retention 3",
    [azure({ backup: { backupRetentionDays: 3 } }), azureLock],
    /visor-backups-retention: flex .*retention is 3 day/,
  ],
  [
    "Azure public network",
    [azure({ network: { publicNetworkAccess: "Enabled" } }), azureLock],
    /visor-no-public-access: flex .*publicNetworkAccess must be "Disabled"/,
  ],
  ["Azure without a delete lock", [azure()], /visor-deletion-protection: flex .*no CanNotDelete management lock/],
  [
    "Azure TLS switched off",
    [
      azure(),
      azureLock,
      { type: T.azureConfiguration, name: "tls", props: { configurationName: "require_secure_transport", value: "OFF" } },
    ],
    /visor-tls-enforced: tls .*require_secure_transport must stay on/,
  ],
  ["Azure without HA in prod", [azure({ highAvailability: { mode: "Disabled" } }), azureLock], /visor-ha-in-prod: flex/],
];

for (const [what, resources, expected] of cases) {
  test(`fails: ${what}`, () => {
    const found = names(resources);
    assert.ok(
      found.some((m) => expected.test(m)),
      `expected ${expected} in ${JSON.stringify(found)}`,
    );
  });
}

test("replicas and HA satisfy the prod rule; non-prod stacks do not need them; replicas need no own backups", () => {
  const replica: PlannedResource = {
    type: T.rdsInstance,
    name: "replica",
    props: { replicateSourceDb: "db", parameterGroupName: "pg", backupRetentionPeriod: 0, storageEncrypted: true },
  };
  assert.deepEqual(names([rds({ multiAz: false }), replica, forceSsl("1")]), []);
  assert.deepEqual(names([rds({ multiAz: false }), forceSsl("1")], { requireHa: false }), []);
  const sqlReplica: PlannedResource = {
    type: T.cloudSql,
    name: "sql-r",
    props: { masterInstanceName: "sql", settings: { ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" } } },
  };
  assert.deepEqual(names([cloudSql({ availabilityType: "ZONAL" }), sqlReplica]), []);
});

test("every rule has a name, a description and at least one check", () => {
  assert.equal(new Set(VISOR_RULES.map((r) => r.name)).size, VISOR_RULES.length);
  for (const r of VISOR_RULES) assert.ok(r.description && (r.resource || r.stack), r.name);
});
