// GcpVisorDatabase under Pulumi's mocks, defaults: the private HA primary, credentials, the connection secret,
// alerts, bootstrap and Private Service Access.
import { setupMocks, resolve } from "../support/pulumi-mocks";
import { mockOutputs, CA_PEM, NETWORK, REGION, all, isSecretInput, only, passwordFor, reveal, settle } from "./helpers";

/** The primary's DNS name as the mocks give it (Cloud SQL: `<uid>.<region>.sql.goog.`), without the root dot. */
const hostOf = (component: string) => `${component}-primary.${REGION}.sql.goog`;
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { GUIDE_TUNING } from "../../components/shared/tuning";
import { T, type Obj, settingsOf, flagsOf, make, assertParented } from "./component-fixtures";

test("defaults: a private, HA, protected Cloud SQL primary with the guide's backups and flags", async () => {
  const db = make("dflt");
  await settle();
  only("dflt", "visor-db-infra:index:GcpVisorDatabase", "dflt");
  const inst = only("dflt", T.instance);
  assert.equal(inst.name, "dflt-primary");
  assert.equal(inst.inputs.name, "dflt-primary-a1b2c3", "instance name carries a random suffix (week-long name reuse ban)");
  assert.equal(inst.inputs.databaseVersion, "POSTGRES_18");
  assert.equal(inst.inputs.region, REGION);
  assert.equal(inst.inputs.deletionProtection, true, "Pulumi-side deletion protection");
  assert.equal(inst.inputs.encryptionKeyName, undefined);
  const s = settingsOf(inst);
  assert.equal(s.deletionProtectionEnabled, true, "API-side deletion protection");
  assert.equal(s.edition, "ENTERPRISE");
  assert.equal(s.tier, "db-custom-2-7680");
  assert.equal(s.availabilityType, "REGIONAL");
  assert.equal(s.diskAutoresize, true);
  assert.equal(s.diskAutoresizeLimit, 200);
  assert.equal(s.diskSize, 20);
  assert.equal(s.diskType, "PD_SSD");
  assert.deepEqual(s.ipConfiguration, {
    ipv4Enabled: false,
    privateNetwork: NETWORK,
    allocatedIpRange: "dflt-psa-range-9f8e7d6",
    authorizedNetworks: [],
    sslMode: "ENCRYPTED_ONLY",
    serverCaMode: "GOOGLE_MANAGED_CAS_CA",
  });
  assert.deepEqual(s.backupConfiguration, {
    enabled: true,
    pointInTimeRecoveryEnabled: true,
    transactionLogRetentionDays: 7,
    startTime: "03:00",
    backupRetentionSettings: { retainedBackups: 30, retentionUnit: "COUNT" },
  });
  assert.deepEqual(s.finalBackupConfig, { enabled: true, retentionDays: 90 });
  assert.equal(s.retainBackupsOnDelete, true);
  assert.deepEqual(s.maintenanceWindow, { day: 7, hour: 4, updateTrack: "stable" });
  assert.deepEqual(s.insightsConfig, {
    queryInsightsEnabled: true,
    recordApplicationTags: true,
    recordClientAddress: true,
    queryStringLength: 1024,
    queryPlansPerMinute: 5,
  });
  assert.equal(s.connectionPoolConfigs, undefined, "no managed pooling on Enterprise");
  assert.deepEqual(s.userLabels, { "managed-by": "visor-db-infra" });
  // The guide's ratios on the tier's 7680 MB (25 % / 50 %), in Cloud SQL's (PostgreSQL's native) units.
  assert.deepEqual(flagsOf(inst), {
    shared_buffers: String((7680 * 128) / 4),
    effective_cache_size: String((7680 * 128) / 2),
    work_mem: "4096",
    maintenance_work_mem: "65536",
    max_connections: String(GUIDE_TUNING.maxConnections),
    checkpoint_completion_target: "0.9",
    wal_buffers: "2048",
    log_min_duration_statement: "1000",
  });

  const range = only("dflt", T.range);
  assert.deepEqual(
    {
      purpose: range.inputs.purpose,
      addressType: range.inputs.addressType,
      prefixLength: range.inputs.prefixLength,
      network: range.inputs.network,
    },
    { purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 16, network: NETWORK },
  );
  const psa = only("dflt", T.psa);
  assert.equal(psa.inputs.service, "servicenetworking.googleapis.com");
  assert.deepEqual(psa.inputs.reservedPeeringRanges, ["dflt-psa-range-9f8e7d6"]);
  assert.equal(psa.inputs.deletionPolicy, "ABANDON");
  assert.equal(psa.inputs.updateOnCreationFail, undefined, "never rewrite an existing peering's ranges");

  assert.equal(all("dflt", T.instance).length, 1, "no replicas by default");
  assert.equal(
    all("dflt", T.template).length + all("dflt", T.group).length + all("dflt", T.forwardingRule).length,
    0,
    "no PgBouncer VMs on Enterprise by default",
  );
  assert.equal(db.pooler, "none");
  assert.equal((await resolve(db.poolerEndpoint)).value, undefined);
  assert.equal((await resolve(db.poolerCaPem)).value, undefined);
  assert.equal(all("dflt", T.tlsKey).length + all("dflt", T.tlsCert).length + all("dflt", T.address).length, 0, "no pooler TLS");
  assert.deepEqual(
    (await resolve(db.writerEndpoint)).value,
    { host: hostOf("dflt"), port: 5432 },
    "the name the certificate carries",
  );
  assert.deepEqual((await resolve(db.readerEndpoints)).value, []);
  assert.equal((await resolve(db.connectionName)).value, `acme:${REGION}:dflt-primary-a1b2c3`);
  assert.equal((await resolve(db.serverCaPem)).value, CA_PEM);
  assert.ok((await assertParented(db)) >= 10);
});

test("defaults: database visor, admin visor_admin (built in) with a random secret password, nothing dropped on destroy", async () => {
  const db = make("creds");
  await settle();
  const database = only("creds", T.database);
  assert.deepEqual(
    { name: database.inputs.name, instance: database.inputs.instance, deletionPolicy: database.inputs.deletionPolicy },
    { name: "visor", instance: "creds-primary-a1b2c3", deletionPolicy: "ABANDON" },
  );
  const user = only("creds", T.user);
  assert.equal(user.inputs.name, "visor_admin", "the only built-in user is the admin, never Visor");
  assert.equal(user.inputs.type, "BUILT_IN");
  assert.equal(user.inputs.deletionPolicy, "ABANDON");
  assert.ok(isSecretInput(user.inputs.password), "the password goes to the provider as a secret");
  assert.equal(reveal(user.inputs.password), passwordFor("creds-admin-password"));
  assert.notEqual(passwordFor("creds-admin-password"), passwordFor("creds-app-password"));
  const pw = await resolve(db.appPassword);
  assert.equal(pw.value, passwordFor("creds-app-password"));
  assert.equal(pw.secret, true, "appPassword is a secret");
  assert.equal((await resolve(db.resources.adminUser.password)).secret, true, "the admin's password output is a secret");
  assert.deepEqual((await resolve(db.databaseName)).value, "visor");
  assert.deepEqual((await resolve(db.appUser)).value, "visor");
  assert.equal(all("creds", T.iamMember).length, 0);
  assert.equal(flagsOf(only("creds", T.instance))["cloudsql.iam_authentication"], undefined, "IAM auth off by default");
});

test("defaults: the app connection in Secret Manager, as a secret", async () => {
  const db = make("conn");
  await settle();
  const secret = only("conn", T.secret);
  assert.equal(secret.inputs.secretId, "conn-connection");
  assert.deepEqual(secret.inputs.replication, { auto: {} });
  assert.equal(secret.inputs.deletionProtection, true);
  const version = await resolve(db.resources.connectionSecretVersion.secretData);
  assert.equal(version.secret, true);
  const c = JSON.parse(version.value!);
  assert.deepEqual(
    {
      host: c.host,
      port: c.port,
      database: c.database,
      user: c.user,
      sslmode: c.sslmode,
      sslrootcert: c.sslrootcert,
      pooler: c.pooler,
    },
    {
      host: hostOf("conn"),
      port: 5432,
      database: "visor",
      user: "visor",
      sslmode: "verify-full",
      sslrootcert: CA_PEM,
      pooler: null,
    },
  );
  assert.equal(c.serverCa, CA_PEM);
  assert.equal(c.poolerCa, null);
  assert.equal(c.password, passwordFor("conn-app-password"));
  assert.equal(c.url, `postgresql://visor:${passwordFor("conn-app-password")}@${hostOf("conn")}:5432/visor?sslmode=verify-full`);
});

test("defaults: alert policies for CPU, disk, memory and connections; replica lag only with replicas", async () => {
  make("mon");
  await settle();
  const alerts = all("mon", T.alert);
  assert.deepEqual(alerts.map((a) => a.name).sort(), [
    "mon-alert-connections",
    "mon-alert-cpu",
    "mon-alert-disk",
    "mon-alert-memory",
  ]);
  const cond = (name: string) => (only("mon", T.alert, name).inputs.conditions as Obj[])[0]!.conditionThreshold as Obj;
  assert.equal(cond("mon-alert-cpu").thresholdValue, 0.8);
  assert.match(String(cond("mon-alert-cpu").filter), /metric.type = "cloudsql.googleapis.com\/database\/cpu\/utilization"/);
  assert.match(String(cond("mon-alert-cpu").filter), /resource.labels.database_id = "acme:mon-primary-a1b2c3"/);
  assert.equal(cond("mon-alert-disk").thresholdValue, 0.8);
  assert.equal(cond("mon-alert-memory").thresholdValue, 0.9);
  assert.match(String(cond("mon-alert-memory").filter), /metric.type = "cloudsql.googleapis.com\/database\/memory\/utilization"/);
  assert.equal(cond("mon-alert-connections").thresholdValue, 40, "80% of max_connections 50");
  assert.equal(cond("mon-alert-connections").duration, "300s");
  assert.deepEqual(only("mon", T.alert, "mon-alert-cpu").inputs.notificationChannels, []);
});

test("defaults: VisorSchema and VisorHaSmokeTest against the writer as the app role, verify-full with the server CA", async () => {
  make("boot");
  await settle();
  const schema = only("boot", T.schema);
  assert.ok(isSecretInput(schema.inputs.connection), "the bootstrap connection is a secret");
  const conn = reveal<Obj>(schema.inputs.connection);
  assert.deepEqual(
    { host: conn.host, port: conn.port, database: conn.database, user: conn.user, ssl: conn.ssl },
    { host: hostOf("boot"), port: 5432, database: "visor", user: "visor", ssl: { mode: "verify-full", ca: CA_PEM } },
  );
  assert.equal(schema.inputs.retainOnDelete, true);
  const smoke = only("boot", T.smoke);
  assert.equal(smoke.inputs.nodes, 3);
  assert.equal(smoke.inputs.lockTtlMs, 60_000);
  assert.equal(smoke.inputs.heartbeatMs, 15_000);
  assert.equal(smoke.inputs.poolerConnection, undefined, "no pooler by default on Enterprise");
});

test("bootstrap: false creates neither VisorSchema nor the smoke test", async () => {
  const db = make("noboot", { bootstrap: false });
  await settle();
  assert.equal(all("noboot", T.schema).length + all("noboot", T.smoke).length, 0);
  assert.equal(db.resources.schema, undefined);
});

test("the Private Service Access dependency is explicit on the instance", async () => {
  let captured: pulumi.CustomResourceOptions | undefined;
  const db = make("order", { transform: { instance: (_a, o) => void (captured = o) } });
  await settle();
  assert.ok(captured, "the instance transform ran");
  assert.deepEqual(captured.dependsOn, [db.resources.privateServiceAccess]);
  assert.deepEqual(captured.ignoreChanges, ["settings.diskSize"], "autoresize must not fight the configured size");
  assert.equal(captured.parent, db);
});

test("an existing Private Service Access connection: nothing created, the instance waits for it", async () => {
  const existing = make("psa-owner", { bootstrap: false, monitoring: { enabled: false } }).resources.privateServiceAccess!;
  let captured: pulumi.CustomResourceOptions | undefined;
  make("psa-user", {
    privateServiceAccess: { create: false, connection: existing, allocatedIpRange: "shared-range" },
    transform: { instance: (_a, o) => void (captured = o) },
  });
  await settle();
  assert.equal(all("psa-user", T.range).length + all("psa-user", T.psa).length, 0);
  assert.deepEqual(captured?.dependsOn, [existing]);
  assert.equal((settingsOf(only("psa-user", T.instance)).ipConfiguration as Obj).allocatedIpRange, "shared-range");
});
