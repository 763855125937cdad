// The shared validation toolkit and validateBase, on their own: each rule once, with the message every
// cloud then gives (field, allowed range, what was given).
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateBase } from "../../components/shared/base-validation";
import {
  bootstrapConnections,
  isCidr,
  keyRegion,
  optIn,
  replicaSpecs,
  requireBoundedCidr,
  requireDistinctAdmin,
  requireKeyInRegion,
  requirePinnedImage,
  requirePoolerCapacity,
} from "../../components/shared/rules";
import { GUIDE_TUNING, guideTuning, postgresParameters, resolveTuning } from "../../components/shared/tuning";
import { Validator, VisorValidationError } from "../../components/shared/validation";

const check = () => new Validator("Test");
/** The message of the one VisorValidationError `fn` throws. */
function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof VisorValidationError, String(e));
    return { field: e.field, message: e.message };
  }
  return assert.fail("expected a VisorValidationError");
}

test("optIn: false is off, true/undefined the defaults, an object the settings, anything else refused", () => {
  assert.equal(optIn(check(), "alerts", false), false);
  assert.deepEqual(optIn(check(), "alerts", true), {});
  assert.deepEqual(optIn(check(), "alerts", undefined), {});
  assert.equal(optIn(check(), "alerts", undefined, false), false);
  assert.deepEqual(optIn(check(), "alerts", { cpuPercent: 90 }), { cpuPercent: 90 });
  assert.deepEqual(
    refusal(() => optIn(check(), "alerts", "yes" as never)),
    {
      field: "alerts",
      message: 'Test: alerts must be true, false or a settings object (got "yes")',
    },
  );
});

test("replicaSpecs: a count or specs, at most the cloud's limit", () => {
  assert.deepEqual(replicaSpecs(check(), 2, 5), [{}, {}]);
  assert.deepEqual(replicaSpecs(check(), undefined, 5, 1), [{}]);
  assert.deepEqual(replicaSpecs(check(), [{ tier: "x" }], 5), [{ tier: "x" }]);
  assert.equal(refusal(() => replicaSpecs(check(), 6, 5)).message, "Test: replicas must be an integer from 0 to 5 (got 6)");
  assert.equal(
    refusal(() => replicaSpecs(check(), [{}, {}, {}], 2)).message,
    'Test: replicas must be an integer from 0 to 2 or a list of at most 2 replica specs (got "3 specs")',
  );
  assert.equal(refusal(() => replicaSpecs(check(), [null as never], 2)).field, "replicas[0]");
});

test("CIDRs: IPv4 only, octets and prefix in range, never /0", () => {
  assert.ok(isCidr("10.0.0.0/16"));
  for (const bad of ["10.0.0.0", "256.0.0.0/8", "10.0.0.0/33", "::/0", 42]) assert.equal(isCidr(bad), false, String(bad));
  assert.equal(requireBoundedCidr(check(), "cidr", "192.168.0.0/24"), "192.168.0.0/24");
  assert.equal(
    refusal(() => requireBoundedCidr(check(), "cidr", "0.0.0.0/0")).message,
    'Test: cidr must be a bounded CIDR, not /0 (the database is never open to everyone) (got "0.0.0.0/0")',
  );
});

test("pinned images: a version tag or digest, never :latest or untagged", () => {
  for (const ok of ["edoburu/pgbouncer:1.23.1-p2", "registry:5000/pgbouncer@sha256:abc", "pgbouncer:1.24"])
    assert.equal(requirePinnedImage(check(), "image", ok), ok);
  for (const bad of ["edoburu/pgbouncer:latest", "edoburu/pgbouncer", "registry:5000/pgbouncer"])
    assert.equal(refusal(() => requirePinnedImage(check(), "image", bad)).field, "image", bad);
});

test("KMS/CMEK keys: the region is read from a Cloud KMS name or an AWS KMS ARN and must match", () => {
  assert.equal(keyRegion("projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k"), "europe-west1");
  assert.equal(keyRegion("arn:aws:kms:us-west-2:123456789012:key/abc"), "us-west-2");
  assert.equal(keyRegion("alias/mine"), undefined);
  requireKeyInRegion(check(), "key", "arn:aws:kms:us-west-2:123456789012:key/abc", "us-west-2", "example");
  // An unknown value (a Pulumi output) is left to the cloud.
  requireKeyInRegion(check(), "key", { unknown: true }, "us-west-2", "example");
  assert.equal(
    refusal(() => requireKeyInRegion(check(), "key", "arn:aws:kms:us-east-1:123456789012:key/abc", "us-west-2", "arn…")).message,
    'Test: key must be a key in us-west-2 (arn…) (got "arn:aws:kms:us-east-1:123456789012:key/abc")',
  );
});

test("pooler capacity: poolers × pool ≤ max_connections − reserved − bootstrap and smoke test, with the arithmetic", () => {
  assert.equal(bootstrapConnections(false), 0);
  assert.equal(bootstrapConnections({ smokeTest: false, nodes: 3 }), 1);
  assert.equal(bootstrapConnections({ smokeTest: true, nodes: 3 }), 4);
  const pooler = { count: 2, what: "PgBouncer tasks", maxConnections: 50, bootstrapConnections: 4 };
  requirePoolerCapacity(check(), { ...pooler, poolSize: 20 });
  assert.equal(
    refusal(() => requirePoolerCapacity(check(), { ...pooler, poolSize: 21 })).message,
    "Test: pool.defaultPoolSize must be at most 20 with 2 PgBouncer tasks (PgBouncer tasks × pool ≤ tuning.maxConnections 50 − 5 reserved − 4 for the bootstrap and smoke test) (got 21)",
  );
});

test("the admin user is not the app user", () => {
  requireDistinctAdmin(check(), "masterUsername", "visor_admin", "visor");
  assert.equal(
    refusal(() => requireDistinctAdmin(check(), "masterUsername", "visor", "visor")).message,
    'Test: masterUsername must be different from appUser ("visor"): Visor must not run as the admin (got "visor")',
  );
});

test("tuning: the guide's block as numbers (its memory as ratios of a 1 GiB box), converted only at the end", () => {
  const guide = resolveTuning({}, check());
  assert.deepEqual(guide, guideTuning());
  assert.equal(guide.sharedBuffers, 256 * 1024 ** 2);
  assert.equal(guide.maxConnections, GUIDE_TUNING.maxConnections);
  assert.deepEqual(postgresParameters(guide), {
    shared_buffers: "32768",
    effective_cache_size: "65536",
    work_mem: "4096",
    maintenance_work_mem: "65536",
    max_connections: "50",
    checkpoint_completion_target: "0.9",
    wal_buffers: "2048",
  });
  assert.deepEqual(Object.keys(postgresParameters(guide, ["walBuffers", "checkpointCompletionTarget"])).sort(), [
    "effective_cache_size",
    "maintenance_work_mem",
    "max_connections",
    "shared_buffers",
    "work_mem",
  ]);
  // The basis is the hook for instance-sized tuning: the same ratios on 4 GiB.
  assert.equal(guideTuning({ memoryBytes: 4 * 1024 ** 3 }).sharedBuffers, 1024 ** 3);
  assert.equal(resolveTuning({ workMem: "8MB" }, check()).workMem, 8 * 1024 ** 2);
  assert.equal(
    refusal(() => resolveTuning({ sharedBuffers: "12kB" }, check())).message,
    'Test: tuning.sharedBuffers must be a whole number of 8 kB pages (got "12kB")',
  );
});

test("validateBase: the shared vocabulary's defaults, once for every cloud", () => {
  const base = validateBase(check(), {}, { maxRetentionDays: 35 });
  assert.equal(base.retentionDays, 7);
  assert.deepEqual(base.pool, { defaultPoolSize: 20, minPoolSize: 0, maxClientConn: 200 });
  assert.deepEqual(base.ha, { lockTtlMs: 60_000, heartbeatMs: 15_000 });
  assert.deepEqual(base.bootstrap, {
    smokeTest: true,
    nodes: 3,
    rerunOnEveryUp: true,
    retainOnDelete: true,
    connectTimeoutMs: 300_000,
  });
  assert.equal(validateBase(check(), { bootstrap: false }, { maxRetentionDays: 35 }).bootstrap, false);
  assert.deepEqual(base.tags, { "managed-by": "visor-db-infra" });
  assert.equal(base.tuning.maxConnections, 50);
});

test("validateBase: retention of at least 7 days on every cloud, heartbeat below TTL / 3, pools that fit", () => {
  const base =
    (args: object, maxRetentionDays = 35) =>
    () =>
      validateBase(check(), args, { maxRetentionDays });
  assert.equal(refusal(base({ retentionDays: 6 })).message, "Test: retentionDays must be an integer from 7 to 35 (got 6)");
  assert.equal(refusal(base({ retentionDays: 8 }, 7)).message, "Test: retentionDays must be an integer from 7 to 7 (got 8)");
  assert.equal(
    refusal(base({ ha: { lockTtlSeconds: 30, heartbeatIntervalSeconds: 10 } })).message,
    "Test: ha.heartbeatIntervalSeconds must be below ha.lockTtlSeconds / 3 (10.0), as the guide requires (got 10)",
  );
  assert.equal(refusal(base({ pool: { minPoolSize: 30 } })).field, "pool.minPoolSize");
  assert.equal(refusal(base({ pool: { defaultPoolSize: 50 } })).field, "pool.defaultPoolSize");
  assert.equal(refusal(base({ parameters: { "Bad-Name": "1" } })).field, "parameters.Bad-Name");
  assert.equal(
    refusal(base({ bootstrap: { nodes: 1 } })).message,
    "Test: bootstrap.nodes must be an integer from 2 to 32 (got 1)",
  );
});
