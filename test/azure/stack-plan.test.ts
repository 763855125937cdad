// "Done when" of issue 18: stacks/Pulumi.azure-prod.yaml plans offline (`visor-db plan`, the same program
// `pulumi up` runs) with the spec's spellings, a complete backup instance, replicas Azure can create and
// promote, pg_stat_statements recording and tuning sized to the SKU — and passes the Visor policies.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Plan, PlanResource } from "../../scripts/plan/run-plan";
import { runCli } from "../support/cli";

test("plan --stack azure-prod: Azure's rules hold in the planned resources", async () => {
  const r = await runCli(["plan", "--stack", "azure-prod", "--json"], {}, 280_000);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  const plan = JSON.parse(r.stdout) as Plan;
  assert.deepEqual(plan.violations, []);
  const ofType = (type: string) => plan.resources.filter((x) => x.type === `azure-native:${type}`);
  const named = (type: string, name: string): PlanResource => {
    const found = ofType(type).find((x) => x.name === name);
    assert.ok(found, `no ${type} ${name}`);
    return found;
  };
  const config = (name: string) => named("dbforpostgresql:Configuration", name).inputs.value;

  // #1 the spec's spelling.
  assert.equal(named("dbforpostgresql:AdministratorsMicrosoftEntra", "visor-entra-admin").inputs.principalType, "Group");
  // #2 a complete backup instance, #9 restorable in the paired region.
  const instance = named("dataprotection:BackupInstance", "visor-backup-instance").inputs.properties as Record<
    string,
    Record<string, unknown>
  >;
  assert.equal(instance.dataSourceInfo!.objectType, "Datasource");
  assert.equal(instance.dataSourceSetInfo!.objectType, "DatasourceSet");
  assert.equal(instance.dataSourceSetInfo!.resourceID, instance.dataSourceInfo!.resourceID);
  const vault = named("dataprotection:BackupVault", "visor-backup-vault").inputs.properties as Record<string, unknown>;
  assert.deepEqual(vault.featureSettings, { crossRegionRestoreSettings: { state: "Enabled" } });
  // #3 #10 bounded waits after the server, each replica, and the role assignments.
  const waits = plan.resources
    .filter((x) => x.type === "pulumi-nodejs:dynamic/visor-db-infra:AzureSettleWait")
    .map((x) => x.name);
  assert.deepEqual(waits.sort(), [
    "visor-backup-rbac-settle",
    "visor-replica-0-settle",
    "visor-replica-1-settle",
    "visor-server-settle",
  ]);
  // #5 #6 pg_stat_statements records, PostgreSQL 18's preload default kept; #11 lower-case pool mode.
  assert.equal(config("visor-param-pg-stat-statements-track"), "top");
  assert.equal(config("visor-param-azure-extensions"), "pg_stat_statements");
  assert.equal(config("visor-param-shared-preload-libraries"), "pg_cron,pg_stat_statements");
  assert.equal(config("visor-param-pgbouncer-pool-mode"), "transaction");
  // #14 sized to Standard_D2ds_v5 (8 GiB); #4 #7 max_connections at Azure's default there, on every replica too.
  assert.equal(config("visor-param-shared-buffers"), "262144");
  assert.equal(config("visor-param-effective-cache-size"), "524288");
  assert.equal(config("visor-param-max-connections"), "859");
  for (const i of [0, 1]) assert.equal(config(`visor-replica-${i}-param-max-connections`), "859");
  // #7 replicas of the primary's tier and size, on its storage.
  const servers = ofType("dbforpostgresql:Server");
  const primary = servers.find((s) => s.inputs.createMode === undefined)!;
  for (const replica of servers.filter((s) => s.inputs.createMode === "Replica")) {
    assert.deepEqual(replica.inputs.sku, primary.inputs.sku);
    assert.deepEqual(replica.inputs.storage, primary.inputs.storage);
  }
  // #12 30 days of PITR; #13 the memory alert.
  assert.equal((primary.inputs.backup as { backupRetentionDays: number }).backupRetentionDays, 30);
  assert.ok(ofType("monitor:MetricAlert").some((a) => a.name === "visor-alert-memory"));
});
