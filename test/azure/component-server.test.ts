// AzureVisorDatabase, asserted on what the mocks record: the defaults, parenting, the order of server parameters
// and children, geo-backup and deletion protection, Burstable, public access.
import assert from "node:assert/strict";
import { test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { resolve } from "../support/pulumi-mocks";
import { DNS_ZONE, SUBNET, byPrefix, isSecretInput, one, outputOverrides, settle, setupAzureMocks } from "./helpers";
setupAzureMocks();
import { AZURE_POSTGRES_CA_PEM, AzureVisorDatabase } from "../../components/azure";
import { GUIDE_PARAMETERS, T, make, ofType } from "./component-fixtures";

test("defaults: a private, zone-redundant General Purpose PostgreSQL 18 server with the guide's backups", async () => {
  const db = await make("dflt");
  const s = one("dflt", T.server, "dflt-server").inputs;
  assert.equal(s.version, "18");
  assert.deepEqual(s.sku, { name: "Standard_D2ds_v5", tier: "GeneralPurpose" });
  assert.deepEqual(s.storage, { storageSizeGB: 128, autoGrow: "Enabled" });
  assert.equal((s.highAvailability as { mode: string }).mode, "ZoneRedundant");
  // 30 days of PITR: the guide's daily/30-day tier from the server's own backups (Azure's default is 7).
  assert.deepEqual(s.backup, { backupRetentionDays: 30, geoRedundantBackup: "Enabled" });
  assert.deepEqual(s.network, {
    delegatedSubnetResourceId: SUBNET,
    privateDnsZoneArmResourceId: DNS_ZONE,
    publicNetworkAccess: "Disabled",
  });
  assert.equal(s.administratorLogin, "visoradmin");
  assert.ok(isSecretInput(s.administratorLoginPassword), "admin password must be sent as a secret");
  assert.equal((s.authConfig as Record<string, string>).passwordAuth, "Enabled");
  assert.equal((s.authConfig as Record<string, string>).activeDirectoryAuth, "Disabled");
  assert.equal(s.createMode, undefined);
  assert.deepEqual(s.tags, { "managed-by": "visor-db-infra" });
  assert.equal(s.location, "westeurope");
  assert.equal(s.resourceGroupName, "rg-visor");

  assert.deepEqual(ofType("dflt", T.firewall), [], "no firewall rules without public access");
  assert.deepEqual(ofType("dflt", T.ve), [], "no virtual endpoint without replicas");
  assert.equal(ofType("dflt", T.server).length, 1, "no replicas by default");
  assert.deepEqual(ofType("dflt", T.entra), []);
  assert.deepEqual(ofType("dflt", T.kv), []);
  assert.equal(ofType("dflt", T.vault).length, 1, "long-term retention is on by default");
  assert.deepEqual(
    ofType("dflt", T.alert).map((a) => (a.inputs.criteria as { allOf: { metricName: string }[] }).allOf[0]!.metricName),
    ["cpu_percent", "memory_percent", "storage_percent", "active_connections"],
  );
  assert.equal(ofType("dflt", T.schema).length, 1);
  assert.equal(ofType("dflt", T.smoke).length, 1);

  assert.deepEqual(
    db.resources.configurations.length,
    GUIDE_PARAMETERS.length,
    "one Configuration per guide parameter, pg_stat_statements, TLS and PgBouncer",
  );
  for (const [param, value] of GUIDE_PARAMETERS) {
    const c = ofType("dflt", T.config).find((r) => r.inputs.configurationName === param);
    assert.ok(c, `missing ${param}`);
    assert.equal(c.inputs.value, value, param);
    assert.equal(c.inputs.source, "user-override");
    assert.equal(c.inputs.serverName, "dflt-server");
  }

  assert.deepEqual((await resolve(db.writerEndpoint)).value, { host: "dflt-server.postgres.database.azure.com", port: 5432 });
  assert.deepEqual((await resolve(db.poolerEndpoint)).value, { host: "dflt-server.postgres.database.azure.com", port: 6432 });
  assert.deepEqual((await resolve(db.readerEndpoints)).value, []);
  assert.equal((await resolve(db.databaseName)).value, "visor");
  assert.equal((await resolve(db.appUser)).value, "visor");
  const pw = await resolve(db.appPassword);
  assert.equal(pw.secret, true);
  assert.equal(pw.value, "mock-password-dflt-app-password");
  assert.equal((await resolve(db.administratorPassword)).secret, true);
  assert.equal((await resolve(db.appConnection)).secret, true);
  assert.equal((await resolve(db.appConnectionSecretId)).value, undefined);
  assert.deepEqual((await resolve(db.backupVaultIds)).value, ["dflt-backup-vault-id"]);
  const server = one("dflt", "azure-native:dbforpostgresql:Server", "dflt-server").inputs;
  assert.equal(server.version, "18");
  assert.equal((server.backup as { backupRetentionDays: number }).backupRetentionDays, 30);
  assert.equal((await resolve(db.serverCaPem)).value, AZURE_POSTGRES_CA_PEM);
  // The deprecated spelling still works.
  assert.equal((await resolve(db.caCertificate)).value, AZURE_POSTGRES_CA_PEM);
});

test("every child is parented to the component (URN parent chain)", async () => {
  const db = await make("parents", {
    replicas: 1,
    keyVault: { vaultName: "kv" },
    entraAdmin: { objectId: "o", principalName: "p", tenantId: "t" },
  });
  const children: pulumi.Resource[] = [
    db.resources.server,
    db.resources.adminPassword,
    db.resources.entraAdmin!,
    ...db.resources.configurations,
    ...db.resources.replicas,
    db.resources.virtualEndpoint!,
    db.resources.backupVault!,
    db.resources.backupPolicy!,
    db.resources.backupInstance!,
    ...db.resources.backupRoleAssignments,
    ...db.resources.alerts,
    db.resources.keyVaultSecret!,
    db.resources.runnerSubnet!,
    db.resources.runnerSecurityGroup!,
    db.resources.bootstrap.schema!,
    db.resources.bootstrap.smokeTest!,
  ];
  const componentUrn = (await resolve(db.urn)).value;
  assert.match(componentUrn, /::visor-db-infra:index:AzureVisorDatabase::parents$/);
  for (const c of children) {
    const urn = (await resolve(c.urn)).value;
    assert.ok(urn.includes("::visor-db-infra:index:AzureVisorDatabase$"), `${urn} is not a child of the component`);
  }
});

test("server parameters are Configuration resources chained one after another, in order", async () => {
  const seen: { name: string; dependsOn: unknown }[] = [];
  const db = await make("chain", {
    transform: {
      configuration: (args, opts) => {
        seen.push({ name: String(args.configurationName), dependsOn: opts.dependsOn });
      },
    },
  });
  assert.deepEqual(
    seen.map((s) => s.name),
    GUIDE_PARAMETERS.map(([n]) => n),
    "applied in this order: tuning, pg_stat_statements, TLS, then PgBouncer with enabled first",
  );
  const configs = db.resources.configurations;
  assert.equal(configs.length, seen.length);
  seen.forEach((s, i) => {
    assert.ok(Array.isArray(s.dependsOn) && s.dependsOn.length === 1, `${s.name} waits for exactly one resource`);
    const expected = i === 0 ? db.resources.settleWaits[0] : configs[i - 1];
    assert.equal(
      (s.dependsOn as unknown[])[0],
      expected,
      `${s.name} must wait for ${i === 0 ? "the bounded wait after the server" : seen[i - 1]!.name}`,
    );
  });
});

test("the chain continues through the Entra admin, firewall rules, replicas and the virtual endpoint", async () => {
  const deps = new Map<string, unknown>();
  const record = (key: string) => (_args: unknown, opts: pulumi.CustomResourceOptions) => {
    deps.set(key, (opts.dependsOn as unknown[])[0]);
  };
  let replicaIndex = 0;
  const db = new AzureVisorDatabase("chain2", {
    resourceGroupName: "rg",
    location: "westeurope",
    publicAccess: { allowedIpRanges: [{ name: "office", startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.20" }] },
    entraAdmin: { objectId: "oid", principalName: "dba-group", tenantId: "tid" },
    replicas: 2,
    transform: {
      entraAdmin: record("entra"),
      firewallRule: record("firewall"),
      replica: (a, o) => record(`replica${replicaIndex++}`)(a, o),
      virtualEndpoint: record("ve"),
    },
  });
  await settle(db);
  const r = db.resources;
  const [serverSettle, replica0Settle, replica1Settle] = r.settleWaits;
  assert.equal(deps.get("entra"), serverSettle, "the first write waits for the bounded wait after the server");
  assert.equal(deps.get("firewall"), r.entraAdmin);
  assert.equal(r.configurations.length, GUIDE_PARAMETERS.length);
  assert.equal(deps.get("replica0"), r.configurations.at(-1), "replicas wait for the last parameter");
  // Each replica: a bounded wait, then its recovery parameters, then the next replica.
  assert.equal(r.replicaConfigurations.length, 2);
  assert.equal(deps.get("replica1"), r.replicaConfigurations[0], "replicas are created one at a time");
  assert.equal(deps.get("ve"), r.replicaConfigurations[1], "the virtual endpoint comes last");
  for (const [wait, replica] of [
    [replica0Settle, r.replicas[0]],
    [replica1Settle, r.replicas[1]],
  ] as const) {
    assert.equal(
      (await resolve(wait!.urn)).value.endsWith(
        `AzureSettleWait::${(await resolve(replica!.urn)).value.split("::").pop()}-settle`,
      ),
      true,
    );
  }
});

test("geoRedundantBackup is create-time only: a change is held back by default and reported loudly", async (t) => {
  let serverOpts: pulumi.CustomResourceOptions | undefined;
  const warnings: string[] = [];
  t.mock.method(console, "warn", (msg: string) => warnings.push(String(msg)));
  // The server in Azure has geo-redundant backup off; the program asks for the default (on).
  outputOverrides["geo-server"] = { backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" } };
  const db = await make("geo", { transform: { server: (_a, o) => void (serverOpts = o) } });
  await resolve(db.resources.server.backup);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(serverOpts?.ignoreChanges, ["backup.geoRedundantBackup"]);
  assert.equal(serverOpts?.replaceOnChanges, undefined);
  const w = warnings.find((m) => m.includes("geoRedundantBackup"));
  assert.ok(w, `expected a warning, got ${JSON.stringify(warnings)}`);
  assert.match(w, /"Enabled" in the program but the server has "Disabled"/);
  assert.match(w, /NOT applied/);
  assert.match(w, /REPLACED \(a new, empty server\)/);
  assert.match(w, /allowGeoBackupReplace: true/);
});

test("no geo-backup warning when the server matches", async (t) => {
  const warnings: string[] = [];
  t.mock.method(console, "warn", (msg: string) => warnings.push(String(msg)));
  const db = await make("geo-ok", { geoRedundantBackup: false });
  assert.deepEqual(one("geo-ok", T.server, "geo-ok-server").inputs.backup, {
    backupRetentionDays: 30,
    geoRedundantBackup: "Disabled",
  });
  await resolve(db.resources.server.backup);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    warnings.filter((m) => m.includes("geoRedundantBackup")),
    [],
  );
});

test("allowGeoBackupReplace reports a geo-backup change as a replace of the server", async () => {
  let serverOpts: pulumi.CustomResourceOptions | undefined;
  await make("geo-replace", {
    allowGeoBackupReplace: true,
    deletionProtection: false,
    transform: { server: (_a, o) => void (serverOpts = o) },
  });
  assert.deepEqual(serverOpts?.replaceOnChanges, ["backup.geoRedundantBackup"]);
  assert.equal(serverOpts?.ignoreChanges, undefined);
  assert.equal(serverOpts?.retainOnDelete, false);
});

test("deletion protection: Pulumi never deletes the server (retainOnDelete) unless turned off", async () => {
  let on: pulumi.CustomResourceOptions | undefined;
  let off: pulumi.CustomResourceOptions | undefined;
  await make("keep", { transform: { server: (_a, o) => void (on = o) } });
  await make("nokeep", { deletionProtection: false, transform: { server: (_a, o) => void (off = o) } });
  assert.equal(on?.retainOnDelete, true);
  assert.equal(off?.retainOnDelete, false);
  // And Azure itself refuses to delete it: a CanNotDelete lock scoped to the server.
  const lock = one("keep", "azure-native:authorization:ManagementLockByScope", "keep-delete-lock");
  assert.equal(lock.inputs.level, "CanNotDelete");
  assert.equal(lock.inputs.scope, byPrefix("keep").find((r) => r.type === T.server)!.id);
  assert.equal(byPrefix("nokeep").filter((r) => r.type === "azure-native:authorization:ManagementLockByScope").length, 0);
});

test("Burstable without HA and PgBouncer: no pooler parameters, no pooler endpoint, smoke test on the writer only", async () => {
  const db = await make("burst", { skuTier: "Burstable", highAvailability: "Disabled", pgbouncer: false });
  const s = one("burst", T.server, "burst-server").inputs;
  assert.deepEqual(s.sku, { name: "Standard_B2s", tier: "Burstable" });
  assert.equal((s.highAvailability as { mode: string }).mode, "Disabled");
  assert.deepEqual(
    ofType("burst", T.config).filter((c) => String(c.inputs.configurationName).startsWith("pgbouncer.")),
    [],
  );
  assert.equal((await resolve(db.poolerEndpoint)).value, undefined);
  const smoke = one("burst", T.smoke, "burst-smoke-test").inputs;
  assert.equal(smoke.poolerConnection, undefined);
});

test("public access is opt-in: firewall rules, no subnet, public network access Enabled", async () => {
  await make("pub", {
    delegatedSubnetId: undefined,
    privateDnsZoneId: undefined,
    publicAccess: {
      allowedIpRanges: [
        { name: "office", startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.20" },
        { startIpAddress: "198.51.100.7", endIpAddress: "198.51.100.7" },
      ],
    },
  });
  assert.deepEqual(one("pub", T.server, "pub-server").inputs.network, { publicNetworkAccess: "Enabled" });
  const rules = ofType("pub", T.firewall).sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(
    rules.map((r) => [r.name, r.inputs.firewallRuleName, r.inputs.startIpAddress, r.inputs.endIpAddress, r.inputs.serverName]),
    [
      ["pub-fw-office", "office", "203.0.113.10", "203.0.113.20", "pub-server"],
      ["pub-fw-visor-1", "visor-1", "198.51.100.7", "198.51.100.7", "pub-server"],
    ],
  );
});
