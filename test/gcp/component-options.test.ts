// GcpVisorDatabase under Pulumi's mocks, options: every option as registered, replicas, the transform hook and the
// resources object.
import { setupMocks, resolve } from "../support/pulumi-mocks";
import { mockOutputs, CA_PEM, REGION, SUBNET, all, isSecretInput, ofComponent, only, reveal, settle } from "./helpers";
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { test } from "node:test";
import { T, KEY_W1, KEY_W4, type Obj, settingsOf, flagsOf, make, assertParented } from "./component-fixtures";

test("all options: Enterprise Plus, managed pooling, CMEK, cross-region replica, IAM users, offsite backups, alerts to channels", async () => {
  const db = make("full", {
    project: "acme",
    edition: "ENTERPRISE_PLUS",
    tier: "db-perf-optimized-N-4",
    databaseVersion: "17",
    availabilityType: "REGIONAL",
    diskSizeGb: 50,
    diskAutoresizeLimitGb: 500,
    diskType: "PD_SSD",
    encryptionKeyName: KEY_W1,
    retentionDays: 14,
    retainedBackups: 60,
    // CMEK and a multi-region backup location: standard backups only (enhanced backups support neither).
    offsite: false,
    backupLocation: "eu",
    backupStartTime: "01:30",
    finalBackupRetentionDays: 365,
    replicas: [
      {},
      { region: "europe-west4", encryptionKeyName: KEY_W4, availabilityType: "REGIONAL", tier: "db-perf-optimized-N-2" },
    ],
    maintenanceWindow: { day: 2, hour: 5 },
    queryInsights: true,
    publicIp: true,
    authorizedNetworks: [{ name: "office", cidr: "203.0.113.0/24" }],
    iamUsers: [{ email: "alice@example.com" }, { email: "visor-app@acme.iam.gserviceaccount.com", grantInstanceUserRole: false }],
    tuning: { workMem: "8MB" },
    parameters: { log_min_duration_statement: "250", "pg_stat_statements.track": "all" },
    pool: { defaultPoolSize: 10, maxClientConn: 400 },
    databaseName: "sched",
    appUser: "sched_app",
    deletionProtection: false,
    tags: { team: "scheduler" },
    bootstrap: { nodes: 5 },
    monitoring: {
      notificationChannels: ["projects/acme/notificationChannels/42"],
      cpuThreshold: 0.9,
      replicaLagSeconds: 60,
      durationSeconds: 120,
    },
  });
  await settle();
  const inst = only("full", T.instance, "full-primary");
  assert.equal(inst.inputs.project, "acme");
  assert.equal(inst.inputs.databaseVersion, "POSTGRES_17");
  assert.equal(inst.inputs.encryptionKeyName, KEY_W1);
  assert.equal(inst.inputs.deletionProtection, false);
  const s = settingsOf(inst);
  assert.equal(s.deletionProtectionEnabled, false);
  assert.equal(s.edition, "ENTERPRISE_PLUS");
  assert.equal(s.tier, "db-perf-optimized-N-4");
  assert.equal(s.diskSize, 50);
  assert.equal(s.diskAutoresizeLimit, 500);
  assert.equal(s.diskType, "PD_SSD");
  assert.equal(all("full", T.backupVault).length + all("full", T.backupPlan).length, 0, "offsite: false, no Backup and DR");
  assert.deepEqual(s.backupConfiguration, {
    enabled: true,
    pointInTimeRecoveryEnabled: true,
    transactionLogRetentionDays: 14,
    startTime: "01:30",
    location: "eu",
    backupRetentionSettings: { retainedBackups: 60, retentionUnit: "COUNT" },
  });
  assert.deepEqual(s.finalBackupConfig, { enabled: true, retentionDays: 365 });
  assert.deepEqual(s.maintenanceWindow, { day: 2, hour: 5, updateTrack: "stable" });
  assert.equal((s.ipConfiguration as Obj).ipv4Enabled, true);
  assert.deepEqual((s.ipConfiguration as Obj).authorizedNetworks, [{ name: "office", value: "203.0.113.0/24" }]);
  assert.deepEqual(s.userLabels, { "managed-by": "visor-db-infra", team: "scheduler" });
  assert.deepEqual(s.connectionPoolConfigs, [
    {
      connectionPoolingEnabled: true,
      flags: [
        { name: "pool_mode", value: "transaction" },
        { name: "max_pool_size", value: "10" },
        { name: "min_pool_size", value: "0" },
        { name: "max_client_connections", value: "400" },
      ],
    },
  ]);
  const flags = flagsOf(inst);
  assert.equal(flags.work_mem, "8192", "tuning override in kB");
  assert.equal(flags.log_min_duration_statement, "250", "raw parameters win");
  assert.equal(flags["pg_stat_statements.track"], "all");
  assert.equal(flags["cloudsql.iam_authentication"], "on");

  const [r1, r2] = [only("full", T.instance, "full-replica-1"), only("full", T.instance, "full-replica-2")];
  for (const r of [r1, r2]) {
    assert.equal(r.inputs.masterInstanceName, "full-primary-a1b2c3");
    assert.deepEqual(settingsOf(r).backupConfiguration, { enabled: false });
    assert.deepEqual(flagsOf(r), flags, "replicas carry the primary's flags (max_connections ≥ primary's)");
    assert.equal(settingsOf(r).connectionPoolConfigs, undefined);
  }
  assert.equal(r1.inputs.name, "full-replica-1-a1b2c3");
  assert.equal(r1.inputs.region, REGION);
  assert.equal(r1.inputs.encryptionKeyName, KEY_W1, "a same-region replica reuses the primary's key");
  assert.equal(settingsOf(r1).tier, "db-perf-optimized-N-4");
  assert.equal(settingsOf(r1).availabilityType, "ZONAL");
  assert.equal(r2.inputs.region, "europe-west4");
  assert.equal(r2.inputs.encryptionKeyName, KEY_W4, "a cross-region replica has its own key");
  assert.equal(settingsOf(r2).tier, "db-perf-optimized-N-2");
  assert.equal(settingsOf(r2).availabilityType, "REGIONAL");
  assert.deepEqual((await resolve(db.readerEndpoints)).value, [
    { host: `full-replica-1.${REGION}.sql.goog`, port: 5432 },
    { host: "full-replica-2.europe-west4.sql.goog", port: 5432 },
  ]);

  assert.equal(db.pooler, "managed");
  assert.deepEqual((await resolve(db.poolerEndpoint)).value, { host: `full-primary.${REGION}.sql.goog`, port: 6432 });
  assert.equal((await resolve(db.poolerCaPem)).value, undefined, "managed pooling is verified with the server CA");
  assert.equal(all("full", T.tlsCert).length, 0);
  const smoke = only("full", T.smoke);
  assert.equal(smoke.inputs.nodes, 5);
  assert.ok(isSecretInput(smoke.inputs.poolerConnection));
  const pc = reveal<Obj>(smoke.inputs.poolerConnection);
  assert.deepEqual(
    { host: pc.host, port: pc.port, user: pc.user, database: pc.database, ssl: pc.ssl },
    {
      host: `full-primary.${REGION}.sql.goog`,
      port: 6432,
      user: "sched_app",
      database: "sched",
      ssl: { mode: "verify-full", ca: CA_PEM },
    },
  );

  assert.equal(only("full", T.database).inputs.name, "sched");
  assert.equal(
    only("full", T.database).inputs.deletionPolicy,
    "DELETE",
    "deletionProtection: false lets destroy drop the database",
  );
  const users = all("full", T.user);
  assert.deepEqual(users.map((u) => [u.inputs.name, u.inputs.type]).sort(), [
    ["alice@example.com", "CLOUD_IAM_USER"],
    ["visor-app@acme.iam", "CLOUD_IAM_SERVICE_ACCOUNT"],
    ["visor_admin", "BUILT_IN"],
  ]);
  const roles = all("full", T.iamMember);
  assert.deepEqual(
    roles.map((r) => [r.inputs.role, r.inputs.member, r.inputs.project]),
    [["roles/cloudsql.instanceUser", "user:alice@example.com", "acme"]],
  );

  const alerts = all("full", T.alert);
  assert.deepEqual(alerts.map((a) => a.name).sort(), [
    "full-alert-connections",
    "full-alert-cpu",
    "full-alert-disk",
    "full-alert-memory",
    "full-alert-replica-lag",
  ]);
  const lag = only("full", T.alert, "full-alert-replica-lag");
  const lagCond = (lag.inputs.conditions as Obj[])[0]!.conditionThreshold as Obj;
  assert.equal(lagCond.thresholdValue, 60);
  assert.equal(lagCond.duration, "120s");
  assert.match(
    String(lagCond.filter),
    /database_id = "acme:full-replica-1-a1b2c3" OR resource.labels.database_id = "acme:full-replica-2-a1b2c3"/,
  );
  assert.doesNotMatch(String(lagCond.filter), /full-primary/, "lag is a replica metric");
  assert.equal(
    ((only("full", T.alert, "full-alert-cpu").inputs.conditions as Obj[])[0]!.conditionThreshold as Obj).thresholdValue,
    0.9,
  );
  for (const a of alerts) assert.deepEqual(a.inputs.notificationChannels, ["projects/acme/notificationChannels/42"]);
  assert.ok((await assertParented(db)) >= 15);
});

test("monitoring.enabled false creates no alert policies", async () => {
  make("quiet", { monitoring: { enabled: false } });
  await settle();
  assert.equal(all("quiet", T.alert).length, 0);
});

test("replicas: a count gives that many same-region replicas of the primary's tier", async () => {
  const db = make("three", { replicas: 3 });
  await settle();
  const reps = all("three", T.instance).filter((r) => r.inputs.masterInstanceName);
  assert.equal(reps.length, 3);
  assert.deepEqual(
    reps.map((r) => [r.inputs.region, settingsOf(r).tier]),
    Array(3).fill([REGION, "db-custom-2-7680"]),
  );
  assert.equal((await resolve(db.replicaConnectionNames)).value.length, 3);
});

test("transform hooks change a child's args before registration", async () => {
  const db = make("tx", {
    replicas: 1,
    transform: {
      instance: (a) => ({ args: { ...a, settings: pulumi_settings(a.settings, { activationPolicy: "ALWAYS" }) } }),
      replica: (a) => ({ args: { ...a, settings: pulumi_settings(a.settings, { replicationLagMaxSeconds: 600 }) } }),
      database: (a) => ({ args: { ...a, charset: "UTF8" } }),
      alertPolicy: (a) => ({ args: { ...a, enabled: false } }),
      connectionSecret: (a) => ({ args: { ...a, secretId: "custom-id" } }),
    },
  });
  await settle();
  assert.equal(settingsOf(only("tx", T.instance, "tx-primary")).activationPolicy, "ALWAYS");
  assert.equal(settingsOf(only("tx", T.instance, "tx-replica-1")).replicationLagMaxSeconds, 600);
  assert.equal(only("tx", T.database).inputs.charset, "UTF8");
  for (const a of all("tx", T.alert)) assert.equal(a.inputs.enabled, false);
  assert.equal(only("tx", T.secret).inputs.secretId, "custom-id");
  assert.ok(db.resources.instance);
});

// Settings are plain objects here (no Output in the way).
function pulumi_settings(s: unknown, extra: Obj): never {
  return { ...(s as Obj), ...extra } as never;
}

test("the resources object exposes every created child and nothing else", async () => {
  const db = make("res", { pooler: "pgbouncer", pgbouncer: { subnetwork: SUBNET }, replicas: 1 });
  await settle();
  const custom = ofComponent("res").filter((r) => r.type !== "visor-db-infra:index:GcpVisorDatabase");
  // appRole groups the admin provider, Visor's role and its grants.
  const exposed = Object.values(db.resources)
    .flat()
    .flatMap((x) => (x && typeof x === "object" && !("urn" in x) ? Object.values(x) : [x]))
    .filter((x) => x && typeof x === "object" && "urn" in (x as object));
  // The primary's and the replica's name suffixes are internal.
  assert.equal(exposed.length, custom.length - 2);
});
