// GcpVisorDatabase under Pulumi's mocks, the resources issue 17 adds: the Backup and DR vault, plan and association;
// a private DNS zone and A record per instance for the name TLS verifies; PgBouncer alerts; RFC 1035 names.
import { setupMocks } from "../support/pulumi-mocks";
import { mockOutputs, NETWORK, REGION, SUBNET, all, only, reveal, settle } from "./helpers";
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { test } from "node:test";
import { T, type Obj, make } from "./component-fixtures";

test("offsite (default): a Backup and DR vault, a daily-30 / weekly-90 plan for Cloud SQL, the primary associated", async () => {
  make("bdr");
  await settle();
  const vault = only("bdr", T.backupVault);
  assert.deepEqual(
    {
      location: vault.inputs.location,
      id: vault.inputs.backupVaultId,
      enforced: vault.inputs.backupMinimumEnforcedRetentionDuration,
      policy: vault.inputs.deletionPolicy,
    },
    { location: REGION, id: "bdr-visor-vault", enforced: `${7 * 86_400}s`, policy: "ABANDON" },
  );
  const plan = only("bdr", T.backupPlan);
  assert.equal(plan.inputs.resourceType, "sqladmin.googleapis.com/Instance");
  assert.equal(plan.inputs.backupVault, "bdr-backup-vault-id");
  assert.equal(plan.inputs.location, REGION);
  assert.equal(plan.inputs.logRetentionDays, 7, "PITR logs as long as the instance's");
  const window = { startHourOfDay: 3, endHourOfDay: 9 };
  assert.deepEqual(plan.inputs.backupRules, [
    {
      ruleId: "daily",
      backupRetentionDays: 30,
      standardSchedule: { recurrenceType: "DAILY", timeZone: "UTC", backupWindow: window },
    },
    {
      ruleId: "weekly",
      backupRetentionDays: 90,
      standardSchedule: { recurrenceType: "WEEKLY", daysOfWeeks: ["SUNDAY"], timeZone: "UTC", backupWindow: window },
    },
  ]);
  const assoc = only("bdr", T.backupPlanAssociation);
  assert.deepEqual(
    {
      type: assoc.inputs.resourceType,
      resource: assoc.inputs.resource,
      plan: assoc.inputs.backupPlan,
      location: assoc.inputs.location,
    },
    {
      type: "sqladmin.googleapis.com/Instance",
      resource: "projects/acme/instances/bdr-primary-a1b2c3",
      plan: `projects/acme/locations/${REGION}/backupPlans/bdr-visor-plan`,
      location: REGION,
    },
  );
  // Standard backups stay on (PITR, the policy pack's checks) without a multi-region location.
  const bc = (only("bdr", T.instance).inputs.settings as Obj).backupConfiguration as Obj;
  assert.equal(bc.enabled, true);
  assert.equal(bc.location, undefined);
});

test("offsite options: another region, longer weekly retention; offsite: false creates nothing", async () => {
  make("bdr2", {
    offsite: { location: "europe-west4", weeklyRetentionDays: 180, enforcedRetentionDays: 3 },
    deletionProtection: false,
  });
  make("bdr3", { offsite: false });
  await settle();
  const vault = only("bdr2", T.backupVault);
  assert.equal(vault.inputs.location, "europe-west4");
  assert.equal(vault.inputs.backupMinimumEnforcedRetentionDuration, `${3 * 86_400}s`);
  assert.equal(vault.inputs.deletionPolicy, "DELETE", "unprotected stacks may delete it");
  assert.equal(((only("bdr2", T.backupPlan).inputs.backupRules as Obj[])[1] as Obj).backupRetentionDays, 180);
  assert.equal(only("bdr2", T.backupPlanAssociation).inputs.location, REGION, "the association lives with the instance");
  assert.equal(
    all("bdr3", T.backupVault).length + all("bdr3", T.backupPlan).length + all("bdr3", T.backupPlanAssociation).length,
    0,
  );
});

test("TLS names: a private zone and A record per instance map its DNS name to its private IP", async () => {
  const db = make("dns", { replicas: 1 });
  make("nodns", { privateDns: false });
  await settle();
  const zones = all("dns", T.dnsZone);
  assert.deepEqual(zones.map((z) => z.inputs.dnsName).sort(), [
    `dns-primary.${REGION}.sql.goog.`,
    `dns-replica-1.${REGION}.sql.goog.`,
  ]);
  const zone = only("dns", T.dnsZone, "dns-primary-dns");
  assert.equal(zone.inputs.visibility, "private");
  assert.deepEqual(zone.inputs.privateVisibilityConfig, { networks: [{ networkUrl: NETWORK }] });
  assert.equal(zone.inputs.name, "dns-primary-sql");
  const record = only("dns", T.dnsRecord, "dns-primary-dns");
  assert.deepEqual(
    { name: record.inputs.name, type: record.inputs.type, rrdatas: record.inputs.rrdatas, zone: record.inputs.managedZone },
    { name: `dns-primary.${REGION}.sql.goog.`, type: "A", rrdatas: ["10.10.0.2"], zone: "dns-primary-sql" },
  );
  assert.deepEqual(only("dns", T.dnsRecord, "dns-replica-1-dns").inputs.rrdatas, ["10.10.0.11"]);
  assert.equal(db.resources.dnsZones.length, 2);
  // The bootstrap waits for the record, so the name resolves when it connects.
  const schema = only("dns", T.schema);
  assert.equal(reveal<Obj>(schema.inputs.connection).host, `dns-primary.${REGION}.sql.goog`);
  assert.equal(all("nodns", T.dnsZone).length + all("nodns", T.dnsRecord).length, 0);
});

test("PgBouncer alerts: the group below its size and the VMs' CPU; names start with a letter", async () => {
  make("9lives", { pooler: "pgbouncer", poolerSettings: { subnetwork: SUBNET, instances: 3 }, pool: { defaultPoolSize: 10 } });
  await settle();
  const cond = (key: string) =>
    (only("9lives", T.alert, `9lives-alert-${key}`).inputs.conditions as Obj[])[0]!.conditionThreshold as Obj;
  assert.equal(cond("pgbouncer-vms").comparison, "COMPARISON_LT");
  assert.equal(cond("pgbouncer-vms").thresholdValue, 3);
  assert.match(String(cond("pgbouncer-vms").filter), /metric.type = "compute.googleapis.com\/instance_group\/size"/);
  assert.match(String(cond("pgbouncer-vms").filter), /instance_group_name = "lives-pgbouncer"/);
  assert.match(String(cond("pgbouncer-cpu").filter), /instance_name = starts_with\("lives-pgbouncer"\)/);
  // RFC 1035: the leading digit is stripped from the network tag, the template prefix and the base instance name.
  const template = only("9lives", T.template);
  assert.deepEqual(template.inputs.tags, ["lives-pgbouncer"]);
  assert.equal(template.inputs.namePrefix, "lives-pgbouncer-");
  assert.equal(only("9lives", T.group).inputs.baseInstanceName, "lives-pgbouncer");
  for (const fw of all("9lives", T.firewall)) assert.deepEqual(fw.inputs.targetTags, ["lives-pgbouncer"]);
  // Auto-names would start with the digit: these children get explicit names (a name with a letter keeps auto-names).
  assert.deepEqual(
    all("9lives", T.firewall)
      .map((f) => f.inputs.name)
      .sort(),
    ["lives-pgbouncer-clients", "lives-pgbouncer-health-checks"],
  );
  for (const type of [T.group, T.backend, T.forwardingRule, T.healthCheck, T.address])
    assert.equal(only("9lives", type).inputs.name, "lives-pgbouncer", type);
  assert.equal(only("9lives", T.range).inputs.name, "lives-psa-range");
  assert.equal(only("9lives", T.dnsZone).inputs.name, "lives-primary-sql");
  assert.equal(only("9lives", T.backupVault).inputs.backupVaultId, "lives-visor-vault");
});
