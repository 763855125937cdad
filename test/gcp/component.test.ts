// GcpVisorDatabase under Pulumi's mocks: every default and option as registered, secrets kept secret, children
// parented to the component, the transform hook.
import { setupMocks, resolve } from "../support/pulumi-mocks";
import {
  CA_PEM,
  mockOutputs,
  NETWORK,
  POOLER_CERT_PEM,
  POOLER_IP,
  POOLER_KEY_PEM,
  REGION,
  SUBNET,
  all,
  isSecretInput,
  ofComponent,
  only,
  passwordFor,
  reveal,
  settle,
} from "./helpers";
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { GcpVisorDatabase, type GcpVisorDatabaseArgs } from "../../components/gcp";
import { GUIDE_TUNING } from "../../components/shared/tuning";

const T = {
  instance: "gcp:sql/databaseInstance:DatabaseInstance",
  database: "gcp:sql/database:Database",
  user: "gcp:sql/user:User",
  range: "gcp:compute/globalAddress:GlobalAddress",
  psa: "gcp:servicenetworking/connection:Connection",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  alert: "gcp:monitoring/alertPolicy:AlertPolicy",
  iamMember: "gcp:projects/iAMMember:IAMMember",
  schema: "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema",
  smoke: "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  group: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  healthCheck: "gcp:compute/regionHealthCheck:RegionHealthCheck",
  backend: "gcp:compute/regionBackendService:RegionBackendService",
  forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
  firewall: "gcp:compute/firewall:Firewall",
  serviceAccount: "gcp:serviceaccount/account:Account",
  secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
  address: "gcp:compute/address:Address",
  tlsKey: "tls:index/privateKey:PrivateKey",
  tlsCert: "tls:index/selfSignedCert:SelfSignedCert",
};
const KEY_W1 = "projects/acme/locations/europe-west1/keyRings/visor/cryptoKeys/disk";
const KEY_W4 = "projects/acme/locations/europe-west4/keyRings/visor/cryptoKeys/disk";

type Obj = Record<string, unknown>;
const settingsOf = (r: { inputs: Obj }) => r.inputs.settings as Obj;
const flagsOf = (r: { inputs: Obj }) =>
  Object.fromEntries((settingsOf(r).databaseFlags as { name: string; value: string }[]).map((f) => [f.name, f.value]));

function make(name: string, extra: Partial<GcpVisorDatabaseArgs> = {}): GcpVisorDatabase {
  return new GcpVisorDatabase(name, { region: REGION, network: NETWORK, ...extra });
}

/** Every child in `resources` has the component as its parent (URN type chain). */
async function assertParented(db: GcpVisorDatabase): Promise<number> {
  const children = Object.values(db.resources)
    .flat()
    .filter((x): x is pulumi.Resource => !!x && typeof x === "object" && "urn" in x);
  for (const c of children) {
    const { value: urn } = await resolve(c.urn);
    assert.ok(urn.includes("::visor-db-infra:index:GcpVisorDatabase$"), `${urn} is not a child of the component`);
  }
  return children.length;
}

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
  // The guide's tuning in Cloud SQL's (PostgreSQL's native) units.
  assert.deepEqual(flagsOf(inst), {
    shared_buffers: "32768",
    effective_cache_size: "65536",
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
  assert.deepEqual((await resolve(db.writerEndpoint)).value, { host: "10.10.0.2", port: 5432 });
  assert.deepEqual((await resolve(db.readerEndpoints)).value, []);
  assert.equal((await resolve(db.connectionName)).value, `acme:${REGION}:dflt-primary-a1b2c3`);
  assert.equal((await resolve(db.serverCaPem)).value, CA_PEM);
  assert.ok((await assertParented(db)) >= 10);
});

test("defaults: database and user visor, random password kept secret, nothing dropped on destroy", async () => {
  const db = make("creds");
  await settle();
  const database = only("creds", T.database);
  assert.deepEqual(
    { name: database.inputs.name, instance: database.inputs.instance, deletionPolicy: database.inputs.deletionPolicy },
    { name: "visor", instance: "creds-primary-a1b2c3", deletionPolicy: "ABANDON" },
  );
  const user = only("creds", T.user);
  assert.equal(user.inputs.name, "visor");
  assert.equal(user.inputs.type, "BUILT_IN");
  assert.equal(user.inputs.deletionPolicy, "ABANDON");
  assert.ok(isSecretInput(user.inputs.password), "the password goes to the provider as a secret");
  assert.equal(reveal(user.inputs.password), passwordFor("creds-app-password"), "Cloud SQL takes the plain password");
  const pw = await resolve(db.appPassword);
  assert.equal(pw.value, passwordFor("creds-app-password"));
  assert.equal(pw.secret, true, "appPassword is a secret");
  assert.equal((await resolve(db.resources.user.password)).secret, true, "the user's password output is a secret");
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
      host: "10.10.0.2",
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
  assert.equal(c.url, `postgresql://visor:${passwordFor("conn-app-password")}@10.10.0.2:5432/visor?sslmode=verify-full`);
});

test("defaults: alert policies for CPU, disk and connections; replica lag only with replicas", async () => {
  make("mon");
  await settle();
  const alerts = all("mon", T.alert);
  assert.deepEqual(alerts.map((a) => a.name).sort(), ["mon-alert-connections", "mon-alert-cpu", "mon-alert-disk"]);
  const cond = (name: string) => (only("mon", T.alert, name).inputs.conditions as Obj[])[0]!.conditionThreshold as Obj;
  assert.equal(cond("mon-alert-cpu").thresholdValue, 0.8);
  assert.match(String(cond("mon-alert-cpu").filter), /metric.type = "cloudsql.googleapis.com\/database\/cpu\/utilization"/);
  assert.match(String(cond("mon-alert-cpu").filter), /resource.labels.database_id = "acme:mon-primary-a1b2c3"/);
  assert.equal(cond("mon-alert-disk").thresholdValue, 0.8);
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
    { host: "10.10.0.2", port: 5432, database: "visor", user: "visor", ssl: { mode: "verify-full", ca: CA_PEM } },
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

test("all options: Enterprise Plus, managed pooling, CMEK, cross-region replica, IAM users, offsite backups, alerts to channels", async () => {
  const db = make("full", {
    project: "acme",
    edition: "ENTERPRISE_PLUS",
    tier: "db-perf-optimized-N-4",
    databaseVersion: "17",
    availabilityType: "REGIONAL",
    diskSizeGb: 50,
    diskAutoresizeLimitGb: 500,
    diskType: "HYPERDISK_BALANCED",
    encryptionKeyName: KEY_W1,
    retentionDays: 14,
    retainedBackups: 60,
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
  assert.equal(s.diskType, "HYPERDISK_BALANCED");
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
    { host: "10.10.0.11", port: 5432 },
    { host: "10.10.0.12", port: 5432 },
  ]);

  assert.equal(db.pooler, "managed");
  assert.deepEqual((await resolve(db.poolerEndpoint)).value, { host: "10.10.0.2", port: 6432 });
  assert.equal((await resolve(db.poolerCaPem)).value, undefined, "managed pooling is verified with the server CA");
  assert.equal(all("full", T.tlsCert).length, 0);
  const smoke = only("full", T.smoke);
  assert.equal(smoke.inputs.nodes, 5);
  assert.ok(isSecretInput(smoke.inputs.poolerConnection));
  const pc = reveal<Obj>(smoke.inputs.poolerConnection);
  assert.deepEqual(
    { host: pc.host, port: pc.port, user: pc.user, database: pc.database, ssl: pc.ssl },
    { host: "10.10.0.2", port: 6432, user: "sched_app", database: "sched", ssl: { mode: "verify-full", ca: CA_PEM } },
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
    ["sched_app", "BUILT_IN"],
    ["visor-app@acme.iam", "CLOUD_IAM_SERVICE_ACCOUNT"],
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

test("pooler pgbouncer: MIG on Container-Optimized OS behind an internal TCP load balancer, config from the renderer", async () => {
  const db = make("pgb", { pooler: "pgbouncer", pgbouncer: { subnetwork: SUBNET } });
  await settle();
  assert.equal(db.pooler, "pgbouncer");
  assert.deepEqual((await resolve(db.poolerEndpoint)).value, { host: POOLER_IP, port: 6432 });

  // TLS to PgBouncer: a static internal address reserved first, a self-signed certificate naming it, the forwarding
  // rule on that same address.
  const address = only("pgb", T.address);
  assert.deepEqual(
    {
      type: address.inputs.addressType,
      purpose: address.inputs.purpose,
      subnet: address.inputs.subnetwork,
      region: address.inputs.region,
    },
    { type: "INTERNAL", purpose: "GCE_ENDPOINT", subnet: SUBNET, region: REGION },
  );
  const key = only("pgb", T.tlsKey);
  assert.deepEqual({ algorithm: key.inputs.algorithm, curve: key.inputs.ecdsaCurve }, { algorithm: "ECDSA", curve: "P256" });
  const cert = only("pgb", T.tlsCert);
  assert.deepEqual(cert.inputs.ipAddresses, [POOLER_IP], "the certificate names the load balancer's IP");
  assert.equal(cert.inputs.isCaCertificate, true);
  assert.equal(cert.inputs.earlyRenewalHours, 24 * 30);
  assert.equal((await resolve(db.poolerCaPem)).value, POOLER_CERT_PEM);
  assert.equal((await resolve(db.resources.poolerTlsKey!.privateKeyPem)).value, POOLER_KEY_PEM);
  // Outside @pulumi/tls's own resources (whose privateKeyPem the provider marks secret), the key only ever appears
  // inside secret values: never in a plain input of any child.
  const plainParts = (v: unknown): unknown =>
    isSecretInput(v)
      ? "[secret]"
      : Array.isArray(v)
        ? v.map(plainParts)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, plainParts(x)]))
          : v;
  for (const child of ofComponent("pgb").filter((x) => !x.type.startsWith("tls:"))) {
    assert.ok(!JSON.stringify(plainParts(child.inputs)).includes("fake-pooler-key"), `the TLS key is plain in ${child.name}`);
  }

  const sa = only("pgb", T.serviceAccount);
  assert.equal(sa.inputs.accountId, "pgb-pgbouncer");
  const access = only("pgb", T.secretIam);
  assert.deepEqual(
    { role: access.inputs.role, member: access.inputs.member, secretId: access.inputs.secretId },
    {
      role: "roles/secretmanager.secretAccessor",
      member: "serviceAccount:pgb-pgbouncer@acme.iam.gserviceaccount.com",
      secretId: "pgb-pgbouncer-config",
    },
  );

  const tpl = only("pgb", T.template);
  assert.equal(tpl.inputs.machineType, "e2-small");
  assert.deepEqual(tpl.inputs.disks, [
    { boot: true, autoDelete: true, sourceImage: "cos-cloud/cos-stable", diskSizeGb: 10, diskType: "pd-balanced" },
  ]);
  assert.deepEqual(tpl.inputs.networkInterfaces, [{ network: NETWORK, subnetwork: SUBNET }], "no external IP");
  assert.deepEqual(tpl.inputs.tags, ["pgb-pgbouncer"]);
  assert.deepEqual(tpl.inputs.shieldedInstanceConfig, {
    enableSecureBoot: true,
    enableVtpm: true,
    enableIntegrityMonitoring: true,
  });
  const md = tpl.inputs.metadata as Record<string, string>;
  assert.equal(md["visor-pgbouncer-secret"], "projects/acme/secrets/pgb-pgbouncer-config/versions/1");
  assert.match(md["user-data"]!, /^#cloud-config\n/);
  assert.match(
    md["user-data"]!,
    /--user 70:70 .*--entrypoint pgbouncer edoburu\/pgbouncer:1\.23\.1-p2 \/etc\/pgbouncer\/pgbouncer\.ini/,
  );
  assert.match(md["user-data"]!, /iptables -w -A INPUT -p tcp --dport 6432 -j ACCEPT/);
  assert.ok(!md["user-data"]!.includes(passwordFor("pgb-app-password")), "no secret in instance metadata");
  assert.ok(!JSON.stringify(md).includes("fake-pooler-key"), "no TLS key in instance metadata");

  const hc = only("pgb", T.healthCheck);
  assert.deepEqual(hc.inputs.tcpHealthCheck, { port: 6432 });
  const group = only("pgb", T.group);
  assert.equal(group.inputs.targetSize, 2);
  assert.equal(group.inputs.region, REGION);
  assert.deepEqual(group.inputs.versions, [
    {
      name: "pgbouncer",
      instanceTemplate: "https://www.googleapis.com/compute/v1/projects/acme/global/instanceTemplates/pgb-pgbouncer?uniqueId=1",
    },
  ]);
  assert.deepEqual(group.inputs.autoHealingPolicies, { healthCheck: "pgb-pgbouncer-id", initialDelaySec: 180 });
  assert.equal((group.inputs.updatePolicy as Obj).maxUnavailableFixed, 0);
  const be = only("pgb", T.backend);
  assert.deepEqual(
    { scheme: be.inputs.loadBalancingScheme, protocol: be.inputs.protocol, hc: be.inputs.healthChecks },
    { scheme: "INTERNAL", protocol: "TCP", hc: "pgb-pgbouncer-id" },
  );
  assert.deepEqual(be.inputs.backends, [
    {
      group: `https://www.googleapis.com/compute/v1/projects/acme/regions/${REGION}/instanceGroups/pgb-pgbouncer`,
      balancingMode: "CONNECTION",
    },
  ]);
  const fr = only("pgb", T.forwardingRule);
  assert.deepEqual(
    {
      scheme: fr.inputs.loadBalancingScheme,
      proto: fr.inputs.ipProtocol,
      ports: fr.inputs.ports,
      subnet: fr.inputs.subnetwork,
      be: fr.inputs.backendService,
    },
    { scheme: "INTERNAL", proto: "TCP", ports: ["6432"], subnet: SUBNET, be: "pgb-pgbouncer-id" },
  );
  assert.equal(fr.inputs.ipAddress, POOLER_IP, "the forwarding rule uses the reserved address");
  const clients = only("pgb", T.firewall, "pgb-pgbouncer-clients");
  assert.deepEqual(clients.inputs.sourceRanges, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
  assert.deepEqual(clients.inputs.allows, [{ protocol: "tcp", ports: ["6432"] }]);
  assert.deepEqual(only("pgb", T.firewall, "pgb-pgbouncer-health-checks").inputs.sourceRanges, [
    "35.191.0.0/16",
    "130.211.0.0/22",
  ]);

  // The files the VMs fetch: renderer's ini (transaction mode, the guide's pool sizes, TLS to Cloud SQL) and a
  // userlist with the plain password (Cloud SQL's own salt rules out verifier pass-through).
  const version = await resolve(db.resources.poolerConfigSecretVersion!.secretData);
  assert.equal(version.secret, true, "the PgBouncer config is a secret");
  const [ini, userlist, ca, tlsKey, tlsCert] = version
    .value!.trim()
    .split("\n")
    .map((l) => Buffer.from(l, "base64").toString("utf8"));
  for (const line of [
    "visor = host=10.10.0.2 port=5432 dbname=visor",
    "listen_port = 6432",
    "pool_mode = transaction",
    "default_pool_size = 20",
    "max_client_conn = 200",
    "auth_type = scram-sha-256",
    "auth_file = /etc/pgbouncer/userlist.txt",
    "server_tls_sslmode = verify-full",
    "server_tls_ca_file = /etc/pgbouncer/server-ca.pem",
    "client_tls_sslmode = require",
    "client_tls_key_file = /etc/pgbouncer/client-tls.key",
    "client_tls_cert_file = /etc/pgbouncer/client-tls.crt",
  ]) {
    assert.ok(ini!.split("\n").includes(line), `pgbouncer.ini lacks "${line}":\n${ini}`);
  }
  assert.equal(userlist, `"visor" "${passwordFor("pgb-app-password")}"\n`);
  assert.equal(ca, CA_PEM);
  assert.equal(tlsKey, POOLER_KEY_PEM, "the TLS key travels in the secret");
  assert.equal(tlsCert, POOLER_CERT_PEM);

  const smoke = only("pgb", T.smoke);
  const pc = reveal<Obj>(smoke.inputs.poolerConnection);
  assert.ok(isSecretInput(smoke.inputs.poolerConnection));
  assert.deepEqual(
    { host: pc.host, port: pc.port, ssl: pc.ssl },
    { host: POOLER_IP, port: 6432, ssl: { mode: "verify-full", ca: POOLER_CERT_PEM } },
  );
  const wc = reveal<Obj>(smoke.inputs.connection);
  assert.deepEqual(wc.ssl, { mode: "verify-full", ca: CA_PEM }, "the writer is still verified with Cloud SQL's CA");
  const conn = JSON.parse((await resolve(db.resources.connectionSecretVersion.secretData)).value!);
  assert.deepEqual(
    { host: conn.host, port: conn.port, sslmode: conn.sslmode, sslrootcert: conn.sslrootcert, poolerCa: conn.poolerCa },
    { host: POOLER_IP, port: 6432, sslmode: "verify-full", sslrootcert: POOLER_CERT_PEM, poolerCa: POOLER_CERT_PEM },
  );
  assert.equal(conn.serverCa, CA_PEM);
  assert.match(conn.url, /@10\.20\.0\.100:6432\/visor\?sslmode=verify-full$/);
  assert.deepEqual(conn.writer, { host: "10.10.0.2", port: 5432 });
  assert.ok((await assertParented(db)) >= 20);
});

test("pgbouncer options: VM count, machine type, image, uid and client ranges", async () => {
  make("pgb2", {
    pooler: "pgbouncer",
    // 3 VMs × 13 ≤ 50 − 5 reserved − 4 for the bootstrap and smoke test.
    pool: { defaultPoolSize: 13 },
    pgbouncer: {
      subnetwork: SUBNET,
      instances: 3,
      machineType: "e2-medium",
      image: "registry.example/pgbouncer:1.24",
      runAs: "1000:1000",
      allowedSourceRanges: ["10.1.0.0/16"],
    },
  });
  await settle();
  assert.equal(only("pgb2", T.group).inputs.targetSize, 3);
  const tpl = only("pgb2", T.template);
  assert.equal(tpl.inputs.machineType, "e2-medium");
  const ud = (tpl.inputs.metadata as Record<string, string>)["user-data"]!;
  assert.match(ud, /--user 1000:1000 .*registry\.example\/pgbouncer:1\.24 /);
  assert.match(ud, /fetch-config\.sh 1000:1000/);
  assert.deepEqual(only("pgb2", T.firewall, "pgb2-pgbouncer-clients").inputs.sourceRanges, ["10.1.0.0/16"]);
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

test("transform hooks reach the pooler's reserved address and its TLS key and certificate", async () => {
  make("txp", {
    pooler: "pgbouncer",
    pgbouncer: { subnetwork: SUBNET },
    transform: {
      poolerAddress: (a) => ({ args: { ...a, address: "10.20.0.50" } }),
      poolerTlsKey: (a) => ({ args: { ...a, ecdsaCurve: "P384" } }),
      poolerTlsCertificate: (a) => ({ args: { ...a, earlyRenewalHours: 24 * 60 } }),
    },
  });
  await settle();
  assert.equal(only("txp", T.address).inputs.address, "10.20.0.50");
  assert.equal(only("txp", T.tlsKey).inputs.ecdsaCurve, "P384");
  assert.equal(only("txp", T.tlsCert).inputs.earlyRenewalHours, 24 * 60);
});

// Settings are plain objects here (no Output in the way).
function pulumi_settings(s: unknown, extra: Obj): never {
  return { ...(s as Obj), ...extra } as never;
}

test("the resources object exposes every created child and nothing else", async () => {
  const db = make("res", { pooler: "pgbouncer", pgbouncer: { subnetwork: SUBNET }, replicas: 1 });
  await settle();
  const custom = ofComponent("res").filter((r) => r.type !== "visor-db-infra:index:GcpVisorDatabase");
  const exposed = Object.values(db.resources)
    .flat()
    .filter((x) => x && typeof x === "object" && "urn" in (x as object));
  // The primary's and the replica's name suffixes are internal.
  assert.equal(exposed.length, custom.length - 2);
});
