// AzureVisorDatabase, asserted on what the mocks record: replicas, Entra ID, long-term retention, alerts, the app
// role, Key Vault, bootstrap, parameters, options and the transform hook.
import assert from "node:assert/strict";
import { test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { resolve } from "../support/pulumi-mocks";
import { DNS_ZONE, SUBNET, isSecretInput, one, unwrap, setupAzureMocks } from "./helpers";
setupAzureMocks();
import { AZURE_POSTGRES_CA_PEM } from "../../components/azure";
import { GUIDE_PARAMETERS, T, make, ofType } from "./component-fixtures";

test("replicas: createMode Replica from the primary, matching storage, recovery parameters, a virtual endpoint and lag alerts", async () => {
  const db = await make("rep", {
    serverName: "visor-prod",
    replicas: [
      {},
      {
        location: "northeurope",
        skuName: "Standard_D4ds_v5",
        delegatedSubnetId: "/subscriptions/0/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/ne/subnets/pg",
      },
    ],
  });
  const [r0, r1] = [one("rep", T.server, "rep-replica-0").inputs, one("rep", T.server, "rep-replica-1").inputs];
  for (const r of [r0, r1]) {
    assert.equal(r.createMode, "Replica");
    assert.equal(r.sourceServerResourceId, "rep-server-id");
    assert.equal(r.version, "18");
    assert.deepEqual(r.storage, { storageSizeGB: 128, autoGrow: "Enabled" });
    assert.equal(r.highAvailability, undefined, "Azure replicas have no HA of their own");
    assert.equal(r.administratorLoginPassword, undefined);
  }
  assert.equal(r0.location, "westeurope");
  assert.deepEqual(r0.sku, { name: "Standard_D2ds_v5", tier: "GeneralPurpose" });
  assert.deepEqual(r0.network, {
    delegatedSubnetResourceId: SUBNET,
    privateDnsZoneArmResourceId: DNS_ZONE,
    publicNetworkAccess: "Disabled",
  });
  assert.equal(r1.location, "northeurope");
  assert.deepEqual(r1.sku, { name: "Standard_D4ds_v5", tier: "GeneralPurpose" });
  assert.match(String((r1.network as Record<string, string>).delegatedSubnetResourceId), /virtualNetworks\/ne\//);

  const ve = one("rep", T.ve, "rep-ve").inputs;
  assert.equal(ve.endpointType, "ReadWrite");
  assert.equal(ve.serverName, "visor-prod");
  assert.equal(ve.virtualEndpointName, "visor-prod-ve");
  assert.deepEqual(ve.members, ["rep-replica-0"]);

  // verify-full needs a name the certificate covers: the server's own (the virtual endpoint's is undocumented).
  assert.deepEqual((await resolve(db.writerEndpoint)).value, { host: "visor-prod.postgres.database.azure.com", port: 5432 });
  assert.deepEqual((await resolve(db.poolerEndpoint)).value, { host: "visor-prod.postgres.database.azure.com", port: 6432 });
  assert.equal((await resolve(db.writerVirtualEndpointHost)).value, "visor-prod-ve.writer.postgres.database.azure.com");

  // With replicas max_connections is Azure's own default for the primary's size (never lowered, so no
  // pending value for a replica to inherit), and each replica is given it too.
  const primaryMax = one("rep", T.config, "rep-param-max-connections").inputs;
  assert.equal(primaryMax.value, "859");
  for (const i of [0, 1]) {
    const c = one("rep", T.config, `rep-replica-${i}-param-max-connections`).inputs;
    assert.deepEqual([c.configurationName, c.value, c.serverName], ["max_connections", "859", `rep-replica-${i}`]);
  }
  assert.equal(db.resources.replicaConfigurations.length, 2, "only the recovery parameters the component sets");
  assert.deepEqual((await resolve(db.readerEndpoints)).value, [
    { host: "rep-replica-0.postgres.database.azure.com", port: 5432 },
    { host: "rep-replica-1.postgres.database.azure.com", port: 5432 },
  ]);
  assert.deepEqual((await resolve(db.replicaIds)).value, ["rep-replica-0-id", "rep-replica-1-id"]);

  const lag = ofType("rep", T.alert).filter((a) => a.name.startsWith("rep-alert-replication-lag-"));
  assert.deepEqual(lag.map((a) => (a.inputs.scopes as string[])[0]).sort(), ["rep-replica-0-id", "rep-replica-1-id"]);
  const crit = (lag[0]!.inputs.criteria as { allOf: Record<string, unknown>[] }).allOf[0]!;
  assert.equal(crit.metricName, "physical_replication_delay_in_seconds");
  assert.equal(crit.threshold, 60);
  // The bootstrap runs against the server's name with verify-full, after the virtual endpoint exists.
  const smoke = one("rep", T.smoke, "rep-smoke-test").inputs;
  assert.equal(unwrap<{ host: string }>(smoke.connection).host, "visor-prod.postgres.database.azure.com");
});

test("replicas as a count use the primary's size and region", async () => {
  await make("rep3", { replicas: 3 });
  const replicas = ofType("rep3", T.server).filter((r) => r.inputs.createMode === "Replica");
  assert.equal(replicas.length, 3);
  for (const r of replicas) assert.equal(r.inputs.location, "westeurope");
});

test("Entra ID authentication alongside passwords", async () => {
  await make("entra", {
    entraAdmin: { objectId: "00000000-0000-0000-0000-00000000000a", principalName: "visor-dbas", tenantId: "tenant-1" },
  });
  const auth = one("entra", T.server, "entra-server").inputs.authConfig as Record<string, string>;
  assert.deepEqual(auth, { passwordAuth: "Enabled", activeDirectoryAuth: "Enabled", tenantId: "tenant-1" });
  const admin = one("entra", T.entra, "entra-entra-admin").inputs;
  assert.equal(admin.objectId, "00000000-0000-0000-0000-00000000000a");
  assert.equal(admin.principalName, "visor-dbas");
  // The PostgreSQL Flexible Server spec's spelling, not the SDK's shared lower-case enum.
  assert.equal(admin.principalType, "Group");
  assert.equal(admin.tenantId, "tenant-1");
  assert.equal(admin.serverName, "entra-server");
});

test("long-term retention: weekly backups kept 90 days in a geo-redundant Backup vault, with the roles it needs", async () => {
  let instanceOpts: pulumi.CustomResourceOptions | undefined;
  const db = await make("ltr", { transform: { backupInstance: (_a, o) => void (instanceOpts = o) } });
  const vault = one("ltr", T.vault, "ltr-backup-vault").inputs;
  assert.deepEqual(vault.identity, { type: "SystemAssigned" });
  assert.deepEqual((vault.properties as Record<string, unknown>).storageSettings, [
    { datastoreType: "VaultStore", type: "GeoRedundant" },
  ]);
  assert.deepEqual((vault.properties as Record<string, unknown>).securitySettings, {
    softDeleteSettings: { state: "On", retentionDurationInDays: 14 },
  });
  // The paired region's copy is restorable there.
  assert.deepEqual((vault.properties as Record<string, unknown>).featureSettings, {
    crossRegionRestoreSettings: { state: "Enabled" },
  });
  const policy = one("ltr", T.policy, "ltr-backup-policy").inputs.properties as {
    datasourceTypes: string[];
    policyRules: Record<string, unknown>[];
  };
  assert.deepEqual(policy.datasourceTypes, ["Microsoft.DBforPostgreSQL/flexibleServers"]);
  const backupRule = policy.policyRules.find((r) => r.objectType === "AzureBackupRule") as {
    trigger: { schedule: { repeatingTimeIntervals: string[] } };
  };
  assert.deepEqual(backupRule.trigger.schedule.repeatingTimeIntervals, ["R/2024-01-07T02:00:00+00:00/P1W"]);
  const retention = policy.policyRules.find((r) => r.objectType === "AzureRetentionRule") as {
    isDefault: boolean;
    lifecycles: { deleteAfter: { duration: string } }[];
  };
  assert.equal(retention.isDefault, true);
  assert.equal(retention.lifecycles[0]!.deleteAfter.duration, "P90D");

  const roles = ofType("ltr", T.role).sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(
    roles.map((r) => [r.name, String(r.inputs.roleDefinitionId).split("/").pop(), r.inputs.principalId, r.inputs.principalType]),
    [
      ["ltr-backup-role-rg", "acdd72a7-3385-48ef-bd42-f606fba81ae7", "principal-ltr-backup-vault", "ServicePrincipal"],
      ["ltr-backup-role-server", "c088a766-074b-43ba-90d4-1fb21feae531", "principal-ltr-backup-vault", "ServicePrincipal"],
    ],
  );
  assert.equal(roles[1]!.inputs.scope, "ltr-server-id");
  const instance = one("ltr", T.instance, "ltr-backup-instance").inputs.properties as {
    dataSourceInfo: Record<string, string>;
    dataSourceSetInfo: Record<string, string>;
    policyInfo: { policyId: string };
  };
  const datasource = {
    datasourceType: "Microsoft.DBforPostgreSQL/flexibleServers",
    resourceType: "Microsoft.DBforPostgreSQL/flexibleServers",
    resourceID: "ltr-server-id",
    resourceUri: "ltr-server-id",
    resourceName: "ltr-server",
    resourceLocation: "westeurope",
  };
  assert.deepEqual(instance.dataSourceInfo, { objectType: "Datasource", ...datasource });
  assert.deepEqual(instance.dataSourceSetInfo, { objectType: "DatasourceSet", ...datasource });
  assert.equal(instance.policyInfo.policyId, "ltr-backup-policy-id");
  // After both role assignments and a bounded wait for RBAC to propagate.
  const rbacWait = db.resources.settleWaits.at(-1)!;
  assert.deepEqual(instanceOpts?.dependsOn, [...db.resources.backupRoleAssignments, rbacWait]);
  const wait = one("ltr", "pulumi-nodejs:dynamic/visor-db-infra:AzureSettleWait", "ltr-backup-rbac-settle").inputs;
  assert.equal(wait.seconds, 120);
  assert.deepEqual(wait.after, ["ltr-backup-role-server-id", "ltr-backup-role-rg-id"]);
});

test("long-term retention options and opt-out", async () => {
  await make("ltr2", {
    longTermRetention: {
      retentionDays: 365,
      vaultRedundancy: "ZoneRedundant",
      scheduleStartUtc: "2025-03-02T23:30:00+00:00",
      softDeleteDays: 30,
    },
  });
  const policy = one("ltr2", T.policy, "ltr2-backup-policy").inputs.properties as { policyRules: Record<string, unknown>[] };
  assert.match(JSON.stringify(policy), /R\/2025-03-02T23:30:00\+00:00\/P1W/);
  assert.match(JSON.stringify(policy), /"P365D"/);
  assert.match(
    JSON.stringify(one("ltr2", T.vault, "ltr2-backup-vault").inputs),
    /"ZoneRedundant".*"retentionDurationInDays":30|"retentionDurationInDays":30.*"ZoneRedundant"/,
  );
  // No paired region, no Cross Region Restore.
  assert.equal(
    (one("ltr2", T.vault, "ltr2-backup-vault").inputs.properties as Record<string, unknown>).featureSettings,
    undefined,
  );

  const off = await make("ltr-off", { longTermRetention: false });
  for (const type of [T.vault, T.policy, T.instance, T.role]) assert.deepEqual(ofType("ltr-off", type), [], type);
  assert.deepEqual((await resolve(off.backupVaultIds)).value, []);
});

test("alerts: CPU, memory, storage and connections against max_connections, to an action group", async () => {
  await make("alerts", { alerts: { actionGroupId: "/ag/ops", cpuPercent: 90 }, tuning: { maxConnections: 100 } });
  const alerts = ofType("alerts", T.alert);
  const byKey = Object.fromEntries(alerts.map((a) => [a.name.replace("alerts-alert-", ""), a.inputs]));
  assert.deepEqual(Object.keys(byKey).sort(), ["connections", "cpu", "memory", "storage"]);
  const crit = (k: string) => (byKey[k]!.criteria as { allOf: Record<string, unknown>[] }).allOf[0]!;
  assert.deepEqual([crit("cpu").metricName, crit("cpu").threshold, crit("cpu").timeAggregation], ["cpu_percent", 90, "Average"]);
  assert.deepEqual([crit("storage").metricName, crit("storage").threshold], ["storage_percent", 80]);
  assert.deepEqual(
    [crit("memory").metricName, crit("memory").threshold, crit("memory").timeAggregation],
    ["memory_percent", 90, "Average"],
  );
  assert.deepEqual([crit("connections").metricName, crit("connections").threshold], ["active_connections", 80]);
  for (const a of alerts) {
    assert.deepEqual(a.inputs.actions, [{ actionGroupId: "/ag/ops" }]);
    assert.deepEqual(a.inputs.scopes, ["alerts-server-id"]);
    assert.equal(a.inputs.location, "global");
    assert.equal(a.inputs.enabled, true);
  }
  await make("noalerts", { alerts: false, replicas: 1 });
  assert.deepEqual(ofType("noalerts", T.alert), []);
});

test("direct: the app role is created with the SCRAM verifier over a verify-full admin connection", async () => {
  await make("role", { adminSslRootCert: "/etc/ssl/azure.pem", bootstrap: { via: "direct" } });
  const provider = one("role", T.pgProvider, "role-pg-admin").inputs;
  assert.equal(provider.host, "role-server.postgres.database.azure.com");
  assert.equal(provider.username, "visoradmin");
  assert.equal(provider.sslmode, "verify-full");
  assert.equal(provider.sslrootcert, "/etc/ssl/azure.pem");
  assert.ok(isSecretInput(provider.password));
  const role = one("role", T.pgRole, "role-app-role").inputs;
  assert.equal(role.name, "visor");
  assert.ok(isSecretInput(role.password));
  assert.match(unwrap<string>(role.password), /^SCRAM-SHA-256\$4096:/);
});

test("Key Vault secret holds the app connection (secret), pointing Visor at the pooler (the same document as every cloud)", async () => {
  const db = await make("kv", { keyVault: { vaultName: "visor-kv", resourceGroupName: "rg-secrets" } });
  const s = one("kv", T.kv, "kv-app-connection").inputs;
  assert.equal(s.vaultName, "visor-kv");
  assert.equal(s.resourceGroupName, "rg-secrets");
  assert.equal(s.secretName, "visor-db-connection");
  const props = s.properties as Record<string, unknown>;
  assert.ok(isSecretInput(props) || isSecretInput(props.value), "the secret value must be a Pulumi secret");
  const conn = await resolve(db.appConnection);
  assert.equal(conn.secret, true);
  const doc = JSON.parse(conn.value) as Record<string, unknown>;
  assert.equal(doc.host, "kv-server.postgres.database.azure.com");
  assert.equal(doc.port, 6432, "host/port are where Visor connects: the pooler");
  assert.deepEqual(doc.writer, { host: "kv-server.postgres.database.azure.com", port: 5432 });
  assert.deepEqual(doc.pooler, { host: "kv-server.postgres.database.azure.com", port: 6432 });
  assert.equal(doc.sslmode, "verify-full");
  assert.equal(doc.sslrootcert, AZURE_POSTGRES_CA_PEM);
  assert.equal(doc.password, "mock-password-kv-app-password");
  assert.equal(
    doc.url,
    "postgresql://visor:mock-password-kv-app-password@kv-server.postgres.database.azure.com:6432/visor?sslmode=verify-full",
  );
  assert.equal((await resolve(db.appConnectionSecretId)).value, "kv-app-connection-id");
});

test("bootstrap: schema and smoke test as the app role, verify-full with Azure's CA, writer 5432 and pooler 6432", async () => {
  await make("boot", {
    bootstrap: { nodes: 4, rerunOnEveryUp: false },
    ha: { lockTtlSeconds: 90, heartbeatIntervalSeconds: 20 },
  });
  const schema = one("boot", T.schema, "boot-schema").inputs;
  assert.ok(isSecretInput(schema.connection), "the schema connection carries a password: secret");
  const smoke = one("boot", T.smoke, "boot-smoke-test").inputs;
  const writer = unwrap<Record<string, unknown>>(smoke.connection);
  const pooler = unwrap<Record<string, unknown>>(smoke.poolerConnection);
  assert.ok(isSecretInput(smoke.connection) && isSecretInput(smoke.poolerConnection));
  assert.deepEqual(
    { ...writer, password: undefined },
    {
      host: "boot-server.postgres.database.azure.com",
      port: 5432,
      database: "visor",
      user: "visor",
      password: undefined,
      ssl: { mode: "verify-full", ca: AZURE_POSTGRES_CA_PEM },
    },
  );
  assert.equal(writer.password, "mock-password-boot-app-password");
  assert.equal(pooler.port, 6432);
  assert.equal(smoke.nodes, 4);
  assert.equal(smoke.lockTtlMs, 90_000);
  assert.equal(smoke.heartbeatMs, 20_000);
  assert.equal(smoke.rerunOnEveryUp, false);

  await make("noboot", { bootstrap: false });
  assert.deepEqual([...ofType("noboot", T.schema), ...ofType("noboot", T.smoke)], []);
});

test("user parameters replace the guide's value in place and append new ones last", async () => {
  const db = await make("params", { parameters: { work_mem: "8192", log_min_duration_statement: "1000" } });
  const names = (await Promise.all(db.resources.configurations.map((c) => resolve(c.name)))).map((x) => x.value);
  assert.equal(names.length, GUIDE_PARAMETERS.length + 1);
  const workMem = ofType("params", T.config).find((c) => c.inputs.configurationName === "work_mem")!;
  assert.equal(workMem.inputs.value, "8192");
  const last = ofType("params", T.config).find((c) => c.name === "params-param-log-min-duration-statement")!;
  assert.equal(last.inputs.value, "1000");
});

test("options: version, SKU, storage, zones, retention, tags and admin login", async () => {
  await make("opts", {
    engineVersion: "16",
    skuTier: "MemoryOptimized",
    skuName: "Standard_E4ds_v5",
    storageSizeGb: 512,
    storageAutoGrow: false,
    highAvailability: "ZoneRedundant",
    availabilityZone: "1",
    standbyAvailabilityZone: "2",
    retentionDays: 35,
    administratorLogin: "pgadmin",
    serverName: "visor-opts",
    tags: { team: "platform" },
  });
  const s = one("opts", T.server, "opts-server").inputs;
  assert.equal(s.version, "16");
  assert.equal(s.serverName, "visor-opts");
  assert.deepEqual(s.sku, { name: "Standard_E4ds_v5", tier: "MemoryOptimized" });
  assert.deepEqual(s.storage, { storageSizeGB: 512, autoGrow: "Disabled" });
  assert.deepEqual(s.highAvailability, { mode: "ZoneRedundant", standbyAvailabilityZone: "2" });
  assert.equal(s.availabilityZone, "1");
  assert.equal((s.backup as Record<string, unknown>).backupRetentionDays, 35);
  assert.equal(s.administratorLogin, "pgadmin");
  assert.deepEqual(s.tags, { "managed-by": "visor-db-infra", team: "platform" });
  assert.deepEqual(one("opts", T.vault, "opts-backup-vault").inputs.tags, { "managed-by": "visor-db-infra", team: "platform" });
});

test("the transform hook changes a child's args and options", async () => {
  await make("tx", {
    transform: {
      server: (args) => ({ args: { ...args, sku: { name: "Standard_D8ds_v5", tier: "GeneralPurpose" } } }),
      alert: (args) => ({ args: { ...args, severity: 0 } }),
      adminPassword: (args) => ({ args: { ...args, length: 40 } }),
    },
  });
  assert.deepEqual(one("tx", T.server, "tx-server").inputs.sku, { name: "Standard_D8ds_v5", tier: "GeneralPurpose" });
  for (const a of ofType("tx", T.alert)) assert.equal(a.inputs.severity, 0);
  assert.equal(one("tx", "random:index/randomPassword:RandomPassword", "tx-admin-password").inputs.length, 40);
});
