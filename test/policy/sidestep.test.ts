// The Visor policies cannot be sidestepped: replicas are checked too, every false spelling of a setting
// fires, HA is judged per primary, rds.force_ssl is checked where PostgreSQL reads it, replicas are
// recognised from outputs, a delete lock counts only for what it scopes, and one rule says when HA is needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkPlan, HA_REQUIRED_KEY, haRequired, T, type PlannedResource } from "../../policy/rules";
import { haRequiredFromEnv } from "../../policy/ha-required";

const prod = { requireHa: true };
const messages = (rs: PlannedResource[], policy?: string) =>
  checkPlan(rs, prod)
    .filter((v) => !policy || v.policy === policy)
    .map((v) => v.message);

const rgId = "/subscriptions/s1/resourceGroups/rg-visor";
const serverId = (name: string) => `${rgId}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;
const azure = (name: string, props: Record<string, unknown> = {}): PlannedResource => ({
  type: T.azureServer,
  name,
  props: {
    resourceGroupName: "rg-visor",
    serverName: name,
    backup: { backupRetentionDays: 7 },
    network: { publicNetworkAccess: "Disabled" },
    highAvailability: { mode: "ZoneRedundant" },
    ...props,
  },
});
const lock = (scope: unknown, extra: Partial<PlannedResource> = {}): PlannedResource => ({
  type: T.azureLock,
  name: `lock-${String(scope).split("/").pop()}`,
  props: { level: "CanNotDelete", scope },
  ...extra,
});
const rds = (name: string, props: Record<string, unknown> = {}): PlannedResource => ({
  type: T.rdsInstance,
  name,
  props: {
    identifier: name,
    engine: "postgres",
    parameterGroupName: "pg17",
    backupRetentionPeriod: 7,
    deletionProtection: true,
    storageEncrypted: true,
    multiAz: true,
    ...props,
  },
});
const group = (name: string, family: string, forceSsl?: string, type: string = T.rdsParameterGroup): PlannedResource => ({
  type,
  name,
  props: { name, family, parameters: forceSsl === undefined ? [] : [{ name: "rds.force_ssl", value: forceSsl }] },
});

test("8: an Azure replica with public network access fires", () => {
  const replica = azure("flex-r", {
    createMode: "Replica",
    sourceServerResourceId: serverId("flex"),
    network: { publicNetworkAccess: "Enabled" },
  });
  const found = messages([azure("flex"), replica, lock(serverId("flex"))], "visor-no-public-access");
  assert.deepEqual(found, [
    'flex-r (azure-native:dbforpostgresql:Server): network.publicNetworkAccess must be "Disabled" (replica)',
  ]);
});

test("9: require_secure_transport off in any spelling fires; on in any spelling passes", () => {
  const tls = (value: unknown): PlannedResource => ({
    type: T.azureConfiguration,
    name: `tls-${String(value)}`,
    props: { configurationName: "require_secure_transport", value },
  });
  for (const off of ["off", "OFF", "false", "False", "0", "no", "NO", "f", "n", "of", " off "]) {
    assert.equal(messages([tls(off)], "visor-tls-enforced").length, 1, `${JSON.stringify(off)} must fire`);
  }
  for (const on of ["on", "ON", "true", "TRUE", "1", "yes", "t", "y"]) {
    assert.deepEqual(messages([tls(on)], "visor-tls-enforced"), [], `${JSON.stringify(on)} is on`);
  }
});

test("10: HA is judged per primary; each Aurora cluster on its own", () => {
  const single = rds("single", { multiAz: false });
  const other = rds("other", { multiAz: false });
  const otherReplica = rds("other-r", { identifier: "other-r", replicateSourceDb: "other", multiAz: false });
  assert.deepEqual(messages([single, other, otherReplica, group("pg17", "postgres17", "1")], "visor-ha-in-prod"), [
    "single (aws:rds/instance:Instance): needs a standby (HA) or a read replica of its own (HA required: visor-db-infra:requireHa)",
  ]);
  // Cross-region replicas name their source by ARN.
  const arnReplica = rds("single-r", { replicateSourceDb: "arn:aws:rds:us-east-1:1:db:single" });
  assert.deepEqual(messages([single, arnReplica, group("pg17", "postgres17", "1")], "visor-ha-in-prod"), []);

  const cluster = (id: string): PlannedResource => ({
    type: T.rdsCluster,
    name: id,
    props: { clusterIdentifier: id, backupRetentionPeriod: 7, deletionProtection: true, storageEncrypted: true },
  });
  const inst = (name: string, clusterId: string): PlannedResource => ({
    type: T.rdsClusterInstance,
    name,
    props: { clusterIdentifier: clusterId },
  });
  // Two clusters with one writer each: neither has a reader, though the stack has two cluster instances.
  const found = messages([cluster("a"), cluster("b"), inst("a-w", "a"), inst("b-w", "b")], "visor-ha-in-prod");
  assert.equal(found.length, 2, JSON.stringify(found));
  assert.deepEqual(messages([cluster("a"), inst("a-w", "a"), inst("a-r", "a")], "visor-ha-in-prod"), []);
});

test("10: a replica tied by dependency (a preview, values unknown) counts for its own primary only", () => {
  const primary = { ...rds("w", { multiAz: false, identifier: undefined }), ref: "urn:w" };
  const replica: PlannedResource = {
    ...rds("r", { identifier: undefined, replicateSourceDb: "(unknown)" }),
    ref: "urn:r",
    propertyDependencies: { replicateSourceDb: ["urn:w"] },
  };
  const lonely = { ...rds("x", { multiAz: false, identifier: undefined }), ref: "urn:x" };
  assert.deepEqual(
    messages([primary, replica, lonely, group("pg17", "postgres17", "1")], "visor-ha-in-prod").map((m) => m.split(" ")[0]),
    ["x"],
  );
});

test("11: rds.force_ssl is checked only on PostgreSQL groups PostgreSQL uses; the default group is flagged", () => {
  const mysqlGroup = group("mysql8", "mysql8.0");
  const unusedPg = group("spare", "postgres16", "0");
  // A MySQL group and an unused PostgreSQL group are no false positives.
  assert.deepEqual(messages([rds("db"), group("pg17", "postgres17", "1"), mysqlGroup, unusedPg], "visor-tls-enforced"), []);
  // The group the database uses must force TLS.
  assert.match(
    messages([rds("db"), group("pg17", "postgres17", "0")], "visor-tls-enforced").join("\n"),
    /pg17 .*rds.force_ssl must be 1 \(used by db\)/,
  );
  // No custom group: the default one, which the stack cannot show.
  assert.match(
    messages([rds("db", { parameterGroupName: undefined })], "visor-tls-enforced").join("\n"),
    /db \(aws:rds\/instance:Instance\): uses the default parameter group/,
  );
  // Aurora: rds.force_ssl is a cluster parameter.
  const cluster: PlannedResource = {
    type: T.rdsCluster,
    name: "c",
    props: { engine: "aurora-postgresql", dbClusterParameterGroupName: "cpg" },
  };
  const cpg = (v: string) => group("cpg", "aurora-postgresql16", v, T.rdsClusterParameterGroup);
  assert.deepEqual(messages([cluster, cpg("1")], "visor-tls-enforced"), []);
  assert.equal(messages([cluster, cpg("0")], "visor-tls-enforced").length, 1);
  assert.equal(messages([{ ...cluster, props: { engine: "aurora-postgresql" } }], "visor-tls-enforced").length, 1);
});

test("12: an Azure replica is recognised from outputs (replicationRole, sourceServerResourceId)", () => {
  // Outputs of an existing stack: no createMode.
  const primary = azure("flex", { highAvailability: { mode: "Disabled" }, replicationRole: "Primary", id: serverId("flex") });
  for (const replicaProps of [
    { replicationRole: "AsyncReplica", sourceServerResourceId: serverId("flex") },
    { replicationRole: "GeoAsyncReplica", sourceServerResourceId: serverId("flex") },
    { replica: { role: "AsyncReplica" }, sourceServerResourceId: serverId("flex") },
    { sourceServerResourceId: serverId("flex") },
  ]) {
    const replica = azure("flex-r", { highAvailability: { mode: "Disabled" }, id: serverId("flex-r"), ...replicaProps });
    const all = checkPlan([primary, replica, lock(rgId)], prod);
    assert.deepEqual(all, [], `${JSON.stringify(replicaProps)}: the replica gives the primary HA and needs no lock of its own`);
  }
  // Without the replica the primary alone fails HA.
  assert.equal(messages([primary, lock(rgId)], "visor-ha-in-prod").length, 1);
});

test("13: a CanNotDelete lock counts only for the server or resource group it scopes", () => {
  const a = azure("a");
  const b = azure("b");
  const protection = (rs: PlannedResource[]) => messages(rs, "visor-deletion-protection").map((m) => m.split(" ")[0]);
  assert.deepEqual(protection([a, b, lock(serverId("a"))]), ["b"]);
  assert.deepEqual(protection([a, b, lock(rgId)]), [], "a resource group lock covers every server in it");
  assert.deepEqual(protection([a, b, lock("/subscriptions/s1/resourceGroups/other-rg")]), ["a", "b"]);
  assert.deepEqual(protection([a, lock(`${serverId("a")}/databases/visor`)]), ["a"], "a lock on a child protects no server");
  assert.deepEqual(protection([a, { ...lock(serverId("a")), props: { level: "ReadOnly", scope: serverId("a") } }]), ["a"]);
  // Known server id: the subscription must match too.
  const withId = azure("a", { id: serverId("a") });
  assert.deepEqual(protection([withId, lock("/subscriptions/s1")]), []);
  assert.deepEqual(protection([withId, lock("/subscriptions/s2/resourceGroups/rg-visor")]), ["a"]);
  // Scope unknown (a preview): its dependency says which server.
  const ra = { ...a, ref: "urn:a" };
  const rb = { ...b, ref: "urn:b" };
  assert.deepEqual(protection([ra, rb, lock(undefined, { propertyDependencies: { scope: ["urn:a"] } })]), ["b"]);
  // Resource-level and resource-group-level lock resources.
  const atResource: PlannedResource = {
    type: T.azureLockAtResource,
    name: "l",
    props: {
      level: "CanNotDelete",
      resourceGroupName: "rg-visor",
      resourceProviderNamespace: "Microsoft.DBforPostgreSQL",
      resourceType: "flexibleServers",
      resourceName: "a",
    },
  };
  assert.deepEqual(protection([a, b, atResource]), ["b"]);
  const atGroup: PlannedResource = {
    type: T.azureLockAtResourceGroup,
    name: "g",
    props: { level: "CanNotDelete", resourceGroupName: "rg-visor" },
  };
  assert.deepEqual(protection([a, b, atGroup]), []);
});

test("14: one rule says when HA is required: the stack's visor-db-infra:requireHa, default true", () => {
  assert.equal(HA_REQUIRED_KEY, "visor-db-infra:requireHa");
  assert.equal(haRequired({}), true, "every stack, whatever its name, unless it opts out");
  assert.equal(haRequired({ [HA_REQUIRED_KEY]: "false" }), false);
  assert.equal(haRequired({ [HA_REQUIRED_KEY]: "true" }), true);
  assert.throws(
    () => haRequired({ [HA_REQUIRED_KEY]: "maybe" }),
    /visor-db-infra:requireHa must be true or false \(got "maybe"\)/,
  );
  // The pack reads the same key from the stack config the engine passes it.
  assert.equal(haRequiredFromEnv({}), true);
  assert.equal(haRequiredFromEnv({ PULUMI_CONFIG: JSON.stringify({ [HA_REQUIRED_KEY]: "false" }) }), false);
  assert.equal(haRequiredFromEnv({ PULUMI_CONFIG: JSON.stringify({ "aws:region": "us-east-1" }) }), true);
});

test("10 + 13: during a preview (unknown values throw, as in the policy pack) relations come from dependencies", () => {
  /** Props whose listed keys are unknown: reading one throws, as @pulumi/policy's unknownCheckingProxy does. */
  const unknown = (props: Record<string, unknown>, keys: string[]) =>
    new Proxy(props, {
      get: (o, k) => {
        if (typeof k === "string" && keys.includes(k)) throw new Error(`${k} is unknown during preview`);
        return (o as Record<string | symbol, unknown>)[k];
      },
    });
  const primary: PlannedResource = { ...rds("w", { multiAz: false }), ref: "urn:w" };
  primary.props = unknown(primary.props, ["identifier"]);
  const replica: PlannedResource = {
    ...rds("r", { replicateSourceDb: "x", parameterGroupName: "x" }),
    ref: "urn:r",
    propertyDependencies: { replicateSourceDb: ["urn:w"], parameterGroupName: ["urn:pg"] },
  };
  replica.props = unknown(replica.props, ["replicateSourceDb", "identifier", "parameterGroupName"]);
  const pg = { ...group("pg17", "postgres17", "1"), ref: "urn:pg" };
  assert.deepEqual(messages([primary, replica, pg], "visor-ha-in-prod"), []);
  assert.deepEqual(messages([primary, replica, pg], "visor-tls-enforced"), []);

  const server: PlannedResource = { ...azure("a"), ref: "urn:a" };
  const l = lock("x", { propertyDependencies: { scope: ["urn:a"] } });
  l.props = unknown(l.props, ["scope"]);
  assert.deepEqual(
    messages([server, azure("b"), l], "visor-deletion-protection").map((m) => m.split(" ")[0]),
    ["b"],
  );
});
