// Bad input: one VisorValidationError naming the field and the whole allowed range, and nothing registered.
import { setupMocks, registered } from "../support/pulumi-mocks";
import { mockOutputs, NETWORK, REGION, SUBNET } from "./helpers";
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { test } from "node:test";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import {
  GcpVisorDatabase,
  validateGcp,
  validateGcpArgs,
  VisorValidationError,
  type GcpVisorDatabaseArgs,
} from "../../components/gcp";

const ok: GcpVisorDatabaseArgs = { region: REGION, network: NETWORK };
const KEY_EU = "projects/acme/locations/europe-west1/keyRings/visor/cryptoKeys/disk";
// A real resource standing for the VPC's existing peering.
const existingPeering = new servicenetworking.Connection("existing-peering", {
  network: NETWORK,
  service: "servicenetworking.googleapis.com",
  reservedPeeringRanges: ["psa"],
});

interface Case {
  title: string;
  /** Merged over a valid config; loosely typed so wrong values can be written. */
  args: Record<string, unknown>;
  field: string;
  allowed: string;
}

const cases: Case[] = [
  { title: "region missing", args: { region: undefined }, field: "region", allowed: "a non-empty string" },
  {
    title: "region not a region",
    args: { region: "Europe West" },
    field: "region",
    allowed: 'a Google Cloud region such as "europe-west1"',
  },
  {
    title: "network missing",
    args: { network: undefined },
    field: "network",
    allowed: "the VPC's id (projects/<p>/global/networks/<n>) or self link",
  },
  {
    title: "network a bare name",
    args: { network: "default" },
    field: "network",
    allowed: "the VPC's id (projects/<p>/global/networks/<n>) or self link",
  },
  {
    title: "edition unknown",
    args: { edition: "STANDARD" },
    field: "edition",
    allowed: 'one of "ENTERPRISE", "ENTERPRISE_PLUS"',
  },
  { title: "retainedBackups 0", args: { retainedBackups: 0 }, field: "retainedBackups", allowed: "an integer from 1 to 365" },
  { title: "retainedBackups 366", args: { retainedBackups: 366 }, field: "retainedBackups", allowed: "an integer from 1 to 365" },
  { title: "PITR 0 days", args: { retentionDays: 0 }, field: "retentionDays", allowed: "an integer from 7 to 7" },
  {
    title: "PITR 1 day (below the guide's 7 days of WAL, the policy pack's floor)",
    args: { edition: "ENTERPRISE_PLUS", retentionDays: 1 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  { title: "PITR 8 days on Enterprise", args: { retentionDays: 8 }, field: "retentionDays", allowed: "an integer from 7 to 7" },
  {
    title: "PITR 36 days on Enterprise Plus",
    args: { edition: "ENTERPRISE_PLUS", retentionDays: 36 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  { title: "replicas 11", args: { replicas: 11 }, field: "replicas", allowed: "an integer from 0 to 10" },
  { title: "replicas -1", args: { replicas: -1 }, field: "replicas", allowed: "an integer from 0 to 10" },
  { title: "replicas 1.5", args: { replicas: 1.5 }, field: "replicas", allowed: "an integer from 0 to 10" },
  {
    title: "eleven replica specs",
    args: { replicas: Array.from({ length: 11 }, () => ({})) },
    field: "replicas",
    allowed: "an integer from 0 to 10 or a list of at most 10 replica specs",
  },
  {
    title: "custom tier on Enterprise Plus",
    args: { edition: "ENTERPRISE_PLUS", tier: "db-custom-2-7680" },
    field: "tier",
    allowed: 'a "db-perf-optimized-N-<vCPUs>" or "db-c4a-highmem-<vCPUs>" tier on edition ENTERPRISE_PLUS',
  },
  {
    title: "perf-optimized tier on Enterprise",
    args: { tier: "db-perf-optimized-N-2" },
    field: "tier",
    allowed: 'a "db-custom-<vCPUs>-<MB>", "db-custom-N4-<vCPUs>-<MB>" or shared-core tier on edition ENTERPRISE',
  },
  {
    title: "replica tier of the wrong family",
    args: { edition: "ENTERPRISE_PLUS", replicas: [{ tier: "db-custom-2-7680" }] },
    field: "replicas[0].tier",
    allowed: 'a "db-perf-optimized-N-<vCPUs>" or "db-c4a-highmem-<vCPUs>" tier on edition ENTERPRISE_PLUS',
  },
  {
    title: "odd vCPU count",
    args: { tier: "db-custom-3-7680" },
    field: "tier",
    allowed: "a custom tier with 1 or an even number (≤ 96) of vCPUs",
  },
  {
    title: "too little memory per vCPU",
    args: { tier: "db-custom-8-3840" },
    field: "tier",
    allowed: "a custom tier with memory a multiple of 256 MB, at least 3840 MB and 0.9–6.5 GB per vCPU",
  },
  {
    title: "managed pooler on Enterprise",
    args: { pooler: "managed" },
    field: "pooler",
    allowed: '"pgbouncer" or "none" on edition ENTERPRISE (managed pooling needs ENTERPRISE_PLUS)',
  },
  { title: "pooler unknown", args: { pooler: "pgpool" }, field: "pooler", allowed: 'one of "managed", "pgbouncer", "none"' },
  {
    title: "pgbouncer without subnetwork",
    args: { pooler: "pgbouncer" },
    field: "poolerSettings.subnetwork",
    allowed: 'the subnetwork for the PgBouncer VMs and load balancer (required with pooler "pgbouncer")',
  },
  {
    title: "pgbouncer settings without pgbouncer",
    args: { pgbouncer: { subnetwork: SUBNET } },
    field: "pgbouncer",
    allowed: 'unset unless pooler is "pgbouncer"',
  },
  {
    title: "pgbouncer 11 VMs",
    args: { pooler: "pgbouncer", pgbouncer: { subnetwork: SUBNET, instances: 11 } },
    field: "pgbouncer.instances",
    allowed: "an integer from 1 to 10",
  },
  {
    title: "pgbouncer as root",
    args: { pooler: "pgbouncer", pgbouncer: { subnetwork: SUBNET, runAs: "0:0" } },
    field: "pgbouncer.runAs",
    allowed: 'a non-root "uid:gid" (PgBouncer refuses to run as root)',
  },
  {
    title: "sslMode allowing plaintext",
    args: { sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" },
    field: "sslMode",
    allowed: 'one of "ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"',
  },
  {
    title: "client certificates with bootstrap",
    args: { sslMode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" },
    field: "sslMode",
    allowed: '"ENCRYPTED_ONLY" while bootstrap is on (the bootstrap has no client certificate)',
  },
  {
    title: "authorized networks without public IP",
    args: { authorizedNetworks: [{ cidr: "203.0.113.0/24" }] },
    field: "authorizedNetworks",
    allowed: "empty unless publicIp is true",
  },
  {
    title: "public IP open to the world",
    args: { publicIp: true, authorizedNetworks: [{ cidr: "0.0.0.0/0" }] },
    field: "authorizedNetworks[0].cidr",
    allowed: "a bounded CIDR, not /0 (the database is never open to everyone)",
  },
  {
    title: "existing PSA without its connection",
    args: { privateServiceAccess: { create: false } },
    field: "privateServiceAccess.connection",
    allowed: "your servicenetworking.Connection when privateServiceAccess.create is false (the instance must wait for it)",
  },
  {
    title: "PSA range /28",
    args: { privateServiceAccess: { prefixLength: 28 } },
    field: "privateServiceAccess.prefixLength",
    allowed: "an integer from 8 to 24",
  },
  {
    title: "CMEK key in another region",
    args: { encryptionKeyName: "projects/acme/locations/us-east1/keyRings/visor/cryptoKeys/disk" },
    field: "encryptionKeyName",
    allowed: "a key in europe-west1 (projects/…/locations/europe-west1/keyRings/…/cryptoKeys/…)",
  },
  {
    title: "cross-region replica of a CMEK primary without its own key",
    args: { encryptionKeyName: KEY_EU, replicas: [{ region: "europe-west4" }] },
    field: "replicas[0].encryptionKeyName",
    allowed: "a Cloud KMS key in europe-west4 (the primary uses CMEK and this replica is cross-region)",
  },
  {
    title: "replica key in the wrong region",
    args: { replicas: [{ region: "europe-west4", encryptionKeyName: KEY_EU }] },
    field: "replicas[0].encryptionKeyName",
    allowed: "a key in europe-west4 (projects/…/locations/europe-west4/keyRings/…/cryptoKeys/…)",
  },
  {
    title: "PgBouncer VMs × pool above max_connections (the same rule as AWS's tasks)",
    args: { pooler: "pgbouncer", poolerSettings: { subnetwork: SUBNET, instances: 3 } },
    field: "pool.defaultPoolSize",
    allowed:
      "at most 13 with 3 PgBouncer VMs (PgBouncer VMs × pool ≤ tuning.maxConnections 50 − 5 reserved − 4 for the bootstrap and smoke test)",
  },
  {
    title: "unpinned PgBouncer image (the same rule as AWS's)",
    args: { pooler: "pgbouncer", poolerSettings: { subnetwork: SUBNET, image: "edoburu/pgbouncer:latest" } },
    field: "poolerSettings.image",
    allowed: "a pinned image (a version tag or @sha256 digest, not :latest or untagged)",
  },
  {
    title: "both spellings of the pooler settings",
    args: { pooler: "pgbouncer", poolerSettings: { subnetwork: SUBNET }, pgbouncer: { subnetwork: SUBNET } },
    field: "pgbouncer",
    allowed: "unset when poolerSettings is set (pgbouncer is its old name)",
  },
  {
    title: "autoresize limit below disk size",
    args: { diskSizeGb: 100, diskAutoresizeLimitGb: 50 },
    field: "diskAutoresizeLimitGb",
    allowed: "an integer from 100 to 65536",
  },
  { title: "disk 5 GB", args: { diskSizeGb: 5 }, field: "diskSizeGb", allowed: "an integer from 10 to 65536" },
  {
    title: "a flag Cloud SQL manages",
    args: { parameters: { shared_preload_libraries: "auto_explain" } },
    field: "parameters.shared_preload_libraries",
    allowed:
      "a flag Cloud SQL lets you set (it manages shared_preload_libraries, wal_level, archive_mode, archive_command, listen_addresses, port, ssl, ssl_cert_file, ssl_key_file, ssl_ca_file, data_directory, hba_file itself)",
  },
  {
    title: "PostgreSQL 13",
    args: { databaseVersion: "13" },
    field: "databaseVersion",
    allowed: 'a PostgreSQL major from 14 to 18, as "18" or "POSTGRES_18"',
  },
  {
    title: "MySQL",
    args: { databaseVersion: "MYSQL_8_0" },
    field: "databaseVersion",
    allowed: 'a PostgreSQL major from 14 to 18, as "18" or "POSTGRES_18"',
  },
  {
    title: "engineVersion contradicting databaseVersion",
    args: { databaseVersion: "POSTGRES_17", engineVersion: "16" },
    field: "engineVersion",
    allowed: "the same major as databaseVersion (POSTGRES_17)",
  },
  {
    title: "maintenance day 8",
    args: { maintenanceWindow: { day: 8 } },
    field: "maintenanceWindow.day",
    allowed: "an integer from 1 to 7",
  },
  { title: "backup time 3am", args: { backupStartTime: "3am" }, field: "backupStartTime", allowed: 'a UTC time "HH:MM"' },
  {
    title: "final backup 0 days",
    args: { finalBackupRetentionDays: 0 },
    field: "finalBackupRetentionDays",
    allowed: "an integer from 1 to 365",
  },
  {
    title: "IAM user not an e-mail",
    args: { iamUsers: [{ email: "alice" }] },
    field: "iamUsers[0].email",
    allowed: "a Google account or service account e-mail",
  },
  {
    title: "CPU alert above 100%",
    args: { monitoring: { cpuThreshold: 1.5 } },
    field: "monitoring.cpuThreshold",
    allowed: "a number from 0.01 to 1",
  },
  {
    title: "pool as large as max_connections (shared check)",
    args: { pool: { defaultPoolSize: 50 } },
    field: "pool.defaultPoolSize",
    allowed: "below tuning.maxConnections (50), leaving room for admin connections",
  },
  {
    title: "heartbeat too slow for the lock TTL (shared check)",
    args: { ha: { lockTtlSeconds: 30, heartbeatIntervalSeconds: 15 } },
    field: "ha.heartbeatIntervalSeconds",
    allowed: "below ha.lockTtlSeconds / 3 (10.0), as the guide requires",
  },
  {
    title: "backup location not a location",
    args: { backupLocation: "EU West" },
    field: "backupLocation",
    allowed: 'a region ("europe-west4") or multi-region ("eu", "us", "asia")',
  },
];

cases.forEach((c, i) => {
  test(`refuses ${c.title}`, async () => {
    const name = `bad${i}`;
    const args = { ...ok, ...c.args };
    assert.throws(
      () => new GcpVisorDatabase(name, args as GcpVisorDatabaseArgs),
      (e: unknown) => {
        assert.ok(e instanceof VisorValidationError, `not a VisorValidationError: ${String(e)}`);
        assert.equal(e.field, c.field);
        assert.ok(e.message.startsWith(`GcpVisorDatabase: ${c.field} must be ${c.allowed} (got `), e.message);
        return true;
      },
    );
    // Registration is asynchronous: give a wrongly registered child time to show up before looking.
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(
      registered.filter((r) => r.name === name || r.name.startsWith(`${name}-`)).map((r) => r.name),
      [],
      "nothing may be registered for a refused component",
    );
  });
});

test("a valid pgbouncer config with an existing PSA connection passes validation", () => {
  assert.doesNotThrow(
    () =>
      new GcpVisorDatabase("good-existing-psa", {
        ...ok,
        privateServiceAccess: { create: false, connection: existingPeering },
        pooler: "pgbouncer",
        pgbouncer: { subnetwork: SUBNET },
      }),
  );
});

test("deprecated spellings: `monitoring` (fractions) and `pgbouncer` still work as `alerts` (percent) and `poolerSettings`", () => {
  assert.equal(validateGcp, validateGcpArgs);
  const viaOld = validateGcpArgs({ ...ok, monitoring: { cpuThreshold: 0.9, connectionsThreshold: 0.5 } }).monitoring;
  const viaNew = validateGcpArgs({ ...ok, alerts: { cpuPercent: 90, connectionsPercent: 50 } }).monitoring;
  assert.deepEqual(viaOld, viaNew);
  assert.equal(viaNew.cpuThreshold, 0.9);
  assert.equal(validateGcpArgs({ ...ok, alerts: false }).monitoring.enabled, false);
  assert.equal(validateGcpArgs({ ...ok, monitoring: { enabled: false } }).monitoring.enabled, false);
  const pgbouncer = { subnetwork: SUBNET, instances: 1, machineType: "e2-medium" };
  assert.deepEqual(
    validateGcpArgs({ ...ok, pooler: "pgbouncer", pgbouncer }).pgbouncer,
    validateGcpArgs({ ...ok, pooler: "pgbouncer", poolerSettings: pgbouncer }).pgbouncer,
  );
  assert.throws(() => validateGcpArgs({ ...ok, alerts: {}, monitoring: {} }), {
    message: 'GcpVisorDatabase: monitoring must be unset when alerts is set (monitoring is its old name) (got "[set]")',
  });
});
