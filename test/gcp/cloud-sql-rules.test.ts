// Cloud SQL's own rules (issue 17), checked on the validated arguments: flags sized to the tier and inside
// Cloud SQL's ranges (the default tier and the example stack's), disk types by machine series, labels, managed
// pooling capacity, the effective max_connections, the server CA mode and the Backup and DR settings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { databaseFlags, validateGcpArgs, VisorValidationError, type GcpVisorDatabaseArgs } from "../../components/gcp";
import { alertSpecs } from "../../components/gcp/monitoring";
import { C4A_MEMORY, PERF_OPTIMIZED_N2_MEMORY } from "../../components/gcp/tiers";
import { NETWORK, REGION, SUBNET } from "./helpers";

const ok: GcpVisorDatabaseArgs = { region: REGION, network: NETWORK };
const KEY = "projects/acme/locations/europe-west1/keyRings/visor/cryptoKeys/disk";
const PAGES_PER_MIB = 128;

function refuses(args: Record<string, unknown>, field: string, allowed: string): void {
  assert.throws(
    () => validateGcpArgs({ ...ok, ...args } as GcpVisorDatabaseArgs),
    (e: unknown) => {
      assert.ok(e instanceof VisorValidationError, String(e));
      assert.equal(e.field, field, e.message);
      assert.ok(e.message.startsWith(`GcpVisorDatabase: ${field} must be ${allowed} (got `), e.message);
      return true;
    },
  );
}

/** Every memory flag inside Cloud SQL's range for an instance of `memoryMiB`. */
function assertFlagsInRange(args: GcpVisorDatabaseArgs, memoryMiB: number, what: string): Record<string, string> {
  const flags = Object.fromEntries(databaseFlags(validateGcpArgs(args)).map((f) => [f.name, f.value]));
  const pages = memoryMiB * PAGES_PER_MIB;
  const ecs = Number(flags.effective_cache_size);
  assert.ok(
    ecs >= Math.ceil(pages * 0.1) && ecs <= Math.floor(pages * 0.7),
    `${what}: effective_cache_size ${ecs} in 10–70 % of ${pages} pages`,
  );
  assert.ok(Number(flags.shared_buffers) <= pages * 0.4, `${what}: shared_buffers within 40 % of memory`);
  assert.ok(Number(flags.work_mem) >= 64 && Number(flags.maintenance_work_mem) >= 1024, `${what}: PostgreSQL's floors`);
  return flags;
}

test("the default tier's flags: the guide's ratios on 7680 MB, inside Cloud SQL's ranges", () => {
  const flags = assertFlagsInRange(ok, 7680, "db-custom-2-7680");
  assert.equal(flags.shared_buffers, String(7680 * PAGES_PER_MIB * 0.25), "25 % of memory, as the guide's 256MB of 1GB");
  assert.equal(flags.effective_cache_size, String(7680 * PAGES_PER_MIB * 0.5), "50 % of memory, as the guide's 512MB of 1GB");
  assert.ok(Number(flags.effective_cache_size) >= 98_304, "at least the 10 % floor issue 17 names");
});

test("the example stack's tier plans with every flag in range", () => {
  const stack = parse(readFileSync(join(__dirname, "..", "..", "stacks", "Pulumi.gcp-prod.yaml"), "utf8")) as {
    config: Record<string, GcpVisorDatabaseArgs>;
  };
  const args = stack.config["visor-db-infra:database"]!;
  const mb = Number(/^db-custom-\d+-(\d+)$/.exec(String(args.tier))![1]);
  assertFlagsInRange(args, mb, `stack tier ${args.tier}`);
});

test("every Enterprise Plus tier in the tables gets flags in range", () => {
  for (const [tier, gib] of Object.entries({ ...PERF_OPTIMIZED_N2_MEMORY, ...C4A_MEMORY }))
    assertFlagsInRange({ ...ok, edition: "ENTERPRISE_PLUS", tier, pooler: "none" }, gib * 1024, tier);
  assertFlagsInRange({ ...ok, tier: "db-custom-96-638976" }, 638_976, "db-custom-96-638976");
});

test("replicas carry the primary's flags, so a smaller replica tier bounds effective_cache_size", () => {
  // Sized to the 3840 MB replica (25 % of the 15360 MB primary would be all of its memory), above the primary's floor.
  const args = { ...ok, tier: "db-custom-4-15360", replicas: [{ tier: "db-custom-1-3840" }] };
  const flags = assertFlagsInRange(args, 3840, "the small replica");
  assertFlagsInRange(args, 15_360, "the primary");
  assert.equal(flags.shared_buffers, String(3840 * PAGES_PER_MIB * 0.25));
  assert.equal(flags.effective_cache_size, String(3840 * PAGES_PER_MIB * 0.5));
});

test("an explicit value outside the tier's range is refused in the user's units", () => {
  refuses({ tuning: { effectiveCacheSize: "512MB" } }, "tuning.effectiveCacheSize", "from 768MB to 5376MB on this instance");
  refuses(
    { edition: "ENTERPRISE_PLUS", tier: "db-perf-optimized-N-6" },
    "tier",
    "a size with known memory: db-perf-optimized-N-2, db-perf-optimized-N-4, db-perf-optimized-N-8, db-perf-optimized-N-16, db-perf-optimized-N-32, db-perf-optimized-N-48, db-perf-optimized-N-64, db-perf-optimized-N-80, … (10 in Cloud SQL's perf-optimized-n2 tiers)",
  );
});

test("Hyperdisk Balanced only on C4A and N4, which take nothing else", () => {
  refuses(
    { diskType: "HYPERDISK_BALANCED" },
    "diskType",
    '"PD_SSD" on tier db-custom-2-7680 (Cloud SQL\'s custom series; Hyperdisk Balanced only on C4A and N4)',
  );
  refuses(
    { edition: "ENTERPRISE_PLUS", tier: "db-c4a-highmem-4", diskType: "PD_SSD" },
    "diskType",
    '"HYPERDISK_BALANCED" on tier db-c4a-highmem-4 (Cloud SQL\'s c4a series; Hyperdisk Balanced only on C4A and N4)',
  );
  assert.equal(validateGcpArgs({ ...ok, edition: "ENTERPRISE_PLUS", tier: "db-c4a-highmem-4" }).diskType, "HYPERDISK_BALANCED");
  assert.equal(validateGcpArgs({ ...ok, tier: "db-custom-N4-4-16384" }).diskType, "HYPERDISK_BALANCED");
  assert.equal(validateGcpArgs({ ...ok, edition: "ENTERPRISE_PLUS" }).diskType, "PD_SSD", "N2 perf-optimized: SSD");
  refuses(
    { edition: "ENTERPRISE_PLUS", tier: "db-c4a-highmem-4", replicas: [{ tier: "db-perf-optimized-N-4" }] },
    "replicas[0].tier",
    "a tier whose series takes the primary's disk type (HYPERDISK_BALANCED)",
  );
});

test("tags are checked as Google Cloud labels, with the field named", () => {
  const keyRule = "a label key of 1–63 characters: a lower-case letter, then lower-case letters, digits, _ or -";
  refuses({ tags: { Team: "scheduler" } }, "tags.Team", keyRule);
  refuses({ tags: { "1team": "scheduler" } }, "tags.1team", keyRule);
  refuses({ tags: { team: "Scheduler" } }, "tags.team", "a label value of at most 63 lower-case letters, digits, _ or -");
  refuses({ tags: { team: "x".repeat(64) } }, "tags.team", "a label value of at most 63 lower-case letters, digits, _ or -");
  const many = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, "v"]));
  refuses({ tags: many }, "tags", 'at most 64 labels (with "managed-by")');
  assert.deepEqual(validateGcpArgs({ ...ok, tags: { team: "scheduler", env: "" } }).base.tags, {
    "managed-by": "visor-db-infra",
    team: "scheduler",
    env: "",
  });
});

test("managed pooling: poolers (vCPU / 4, at least 1) × pool must fit the effective max_connections", () => {
  const plus = { ...ok, edition: "ENTERPRISE_PLUS" as const };
  assert.doesNotThrow(() => validateGcpArgs({ ...plus, pool: { defaultPoolSize: 41 } }), "1 pooler × 41 ≤ 50 − 5 − 4");
  refuses(
    { ...plus, pool: { defaultPoolSize: 42 } },
    "pool.defaultPoolSize",
    "at most 41 with 1 managed poolers (2 vCPU / 4) (managed poolers (2 vCPU / 4) × pool ≤ tuning.maxConnections 50 − 5 reserved − 4 for the bootstrap and smoke test)",
  );
  refuses(
    { ...plus, tier: "db-perf-optimized-N-16", pool: { defaultPoolSize: 20 } },
    "pool.defaultPoolSize",
    "at most 10 with 4 managed poolers (16 vCPU / 4) (managed poolers (16 vCPU / 4) × pool ≤ tuning.maxConnections 50 − 5 reserved − 4 for the bootstrap and smoke test)",
  );
  assert.doesNotThrow(() => validateGcpArgs({ ...plus, tier: "db-perf-optimized-N-16", tuning: { maxConnections: 100 } }));
});

test("a raw parameters.max_connections is the effective value for pooler capacity and alerts", () => {
  refuses(
    { pooler: "pgbouncer", poolerSettings: { subnetwork: SUBNET }, parameters: { max_connections: "40" } },
    "pool.defaultPoolSize",
    "at most 15 with 2 PgBouncer VMs (PgBouncer VMs × pool ≤ tuning.maxConnections 40 − 5 reserved − 4 for the bootstrap and smoke test)",
  );
  const settings = validateGcpArgs({ ...ok, parameters: { max_connections: "200" } });
  assert.equal(alertSpecs(settings).find((s) => s.key === "connections")!.threshold, 160, "80 % of the raw 200");
  const flags = Object.fromEntries(databaseFlags(settings).map((f) => [f.name, f.value]));
  assert.equal(flags.max_connections, "200");
});

test("password_encryption is a flag Cloud SQL lets you set; the per-instance CA is refused", () => {
  const flags = databaseFlags(validateGcpArgs({ ...ok, parameters: { password_encryption: "scram-sha-256" } }));
  assert.ok(flags.some((f) => f.name === "password_encryption" && f.value === "scram-sha-256"));
  refuses({ serverCaMode: "GOOGLE_MANAGED_INTERNAL_CA" }, "serverCaMode", 'one of "GOOGLE_MANAGED_CAS_CA"');
});

test("Backup and DR: the guide's daily 30 and weekly 90 days by default, and the rules enhanced backups impose", () => {
  assert.deepEqual(validateGcpArgs(ok).offsite, {
    location: REGION,
    dailyRetentionDays: 30,
    weeklyRetentionDays: 90,
    enforcedRetentionDays: 7,
    logRetentionDays: 7,
    window: { startHour: 3, endHour: 9 },
  });
  const late = validateGcpArgs({ ...ok, backupStartTime: "22:30" }).offsite;
  assert.deepEqual(late && late.window, { startHour: 18, endHour: 24 }, "a six-hour window that ends by midnight");
  assert.equal(validateGcpArgs({ ...ok, offsite: false }).offsite, false);
  refuses(
    { backupLocation: "eu" },
    "backupLocation",
    "unset while offsite is on (Backup and DR's enhanced backups have no multi-region storage; set offsite: false to keep standard backups there)",
  );
  refuses(
    { encryptionKeyName: KEY },
    "offsite",
    "false with encryptionKeyName (Backup and DR's enhanced backups for Cloud SQL do not support CMEK)",
  );
  assert.equal(validateGcpArgs({ ...ok, offsite: false, backupLocation: "eu", encryptionKeyName: KEY }).backupLocation, "eu");
  refuses({ offsite: { enforcedRetentionDays: 8 } }, "offsite.enforcedRetentionDays", "an integer from 1 to 7");
  refuses({ offsite: { weeklyRetentionDays: 5 } }, "offsite.weeklyRetentionDays", "an integer from 7 to 3650");
  refuses({ offsite: { location: "EU" } }, "offsite.location", 'a Google Cloud region such as "europe-west1"');
});
