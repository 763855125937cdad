// Golden plans: what `pulumi up` would create for the default and an all-options configuration, secrets redacted.
import { setupMocks } from "../support/pulumi-mocks";
import { mockOutputs, NETWORK, plan, REGION, settle, SUBNET } from "./helpers";
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { GcpVisorDatabase } from "../../components/gcp";
import { matchSnapshot } from "../support/snapshot";

const dir = join(__dirname, "__snapshots__");

test("golden plan: defaults", async () => {
  new GcpVisorDatabase("visor", { region: REGION, network: NETWORK });
  await settle();
  const p = plan("visor");
  assert.ok(p.length >= 12, `${p.length} resources`);
  matchSnapshot(join(dir, "default.json"), p);
});

test("golden plan: all options (Enterprise Plus, managed pooling, replicas, IAM users, CMEK)", async () => {
  new GcpVisorDatabase("visor-plus", {
    region: REGION,
    network: NETWORK,
    project: "acme",
    edition: "ENTERPRISE_PLUS",
    tier: "db-perf-optimized-N-4",
    encryptionKeyName: "projects/acme/locations/europe-west1/keyRings/visor/cryptoKeys/disk",
    retentionDays: 14,
    retainedBackups: 60,
    // CMEK and a multi-region location: standard backups only (Backup and DR's enhanced backups support neither).
    offsite: false,
    backupLocation: "eu",
    finalBackupRetentionDays: 365,
    replicas: [
      {},
      { region: "europe-west4", encryptionKeyName: "projects/acme/locations/europe-west4/keyRings/visor/cryptoKeys/disk" },
    ],
    iamUsers: [{ email: "visor-app@acme.iam.gserviceaccount.com" }],
    parameters: { log_min_duration_statement: "250" },
    tags: { team: "scheduler" },
    monitoring: { notificationChannels: ["projects/acme/notificationChannels/42"] },
  });
  await settle();
  matchSnapshot(join(dir, "all-options.json"), plan("visor-plus"));
});

test("golden plan: PgBouncer pooler", async () => {
  new GcpVisorDatabase("visor-pgb", {
    region: REGION,
    network: NETWORK,
    pooler: "pgbouncer",
    pgbouncer: { subnetwork: SUBNET },
    replicas: 1,
  });
  await settle();
  const p = plan("visor-pgb");
  const text = JSON.stringify(p);
  assert.ok(text.includes('"secretData":"[secret]"'), "the PgBouncer files are redacted");
  matchSnapshot(join(dir, "pgbouncer.json"), p);
});
