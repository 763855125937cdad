// The shared tuning model sized to an instance: the guide's ratios on the instance's memory, clamped into
// the cloud's ranges, explicit values refused outside them, parameters left to the cloud, and a raw
// max_connections taken as the effective value for every check.
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateBase } from "../../components/shared/base-validation";
import { memoryOf } from "../../components/shared/instance-memory";
import { formatSize, postgresParameters, resolveTuning, tuningLeftToCloud } from "../../components/shared/tuning";
import { Validator, VisorValidationError } from "../../components/shared/validation";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const check = () => new Validator("Test");
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof VisorValidationError, String(e));
    return e.message;
  }
  return assert.fail("expected a VisorValidationError");
}

test("the guide's ratios on an 8 GiB instance: 25 % and 50 %, the rest as the guide writes it", () => {
  const t = resolveTuning({}, check(), { memoryBytes: 8 * GiB });
  assert.equal(t.sharedBuffers, 2 * GiB);
  assert.equal(t.effectiveCacheSize, 4 * GiB);
  assert.equal(t.workMem, 4 * MiB);
  assert.equal(t.maxConnections, 50);
  assert.equal(postgresParameters(t).shared_buffers, String((2 * GiB) / 8192));
});

test("odd memory sizes round down to whole 8 kB pages", () => {
  const t = resolveTuning({}, check(), { memoryBytes: 7680 * MiB + 1000 });
  assert.equal(t.sharedBuffers % 8192, 0);
  assert.ok(t.sharedBuffers <= (7680 * MiB + 1000) / 4);
});

test("defaults are clamped into the cloud's range; explicit values outside it are refused in the user's units", () => {
  const basis = { memoryBytes: 1 * GiB, ranges: { effectiveCacheSize: { min: 768 * MiB, max: 900 * MiB } } };
  assert.equal(resolveTuning({}, check(), basis).effectiveCacheSize, 768 * MiB);
  assert.equal(resolveTuning({}, check(), { ...basis, memoryBytes: 4 * GiB }).effectiveCacheSize, 900 * MiB);
  assert.equal(
    refusal(() => resolveTuning({ effectiveCacheSize: "512MB" }, check(), basis)),
    'Test: tuning.effectiveCacheSize must be from 768MB to 900MB on this instance (got "512MB")',
  );
  assert.equal(
    refusal(() => resolveTuning({ maxConnections: 5000 }, check(), { ranges: { maxConnections: { max: 800 } } })),
    "Test: tuning.maxConnections must be an integer from 10 to 800 (got 5000)",
  );
  assert.equal(resolveTuning({}, check(), { ranges: { maxConnections: { min: 100 } } }).maxConnections, 100);
});

test("parameters left to the cloud are left out unless the user sets them", () => {
  const basis = { leftToCloud: ["sharedBuffers", "effectiveCacheSize"] as const };
  assert.deepEqual(tuningLeftToCloud({}, basis), ["sharedBuffers", "effectiveCacheSize"]);
  assert.deepEqual(tuningLeftToCloud({ sharedBuffers: "1GB" }, basis), ["effectiveCacheSize"]);
  const base = validateBase(check(), { tuning: { effectiveCacheSize: "2GB" } }, { maxRetentionDays: 35, tuningBasis: basis });
  assert.deepEqual(base.tuningLeftToCloud, ["sharedBuffers"]);
  assert.equal("shared_buffers" in postgresParameters(base.tuning, base.tuningLeftToCloud), false);
  assert.equal(postgresParameters(base.tuning, base.tuningLeftToCloud).effective_cache_size, String((2 * GiB) / 8192));
});

test("a raw parameters.max_connections is the effective max_connections for every check", () => {
  const base = validateBase(check(), { parameters: { max_connections: "400" } }, { maxRetentionDays: 35 });
  assert.equal(base.tuning.maxConnections, 400);
  // The pool check uses it: a pool of 100 fits under 400 though it would not under the guide's 50.
  assert.equal(
    validateBase(
      check(),
      { parameters: { max_connections: "400" }, pool: { defaultPoolSize: 100, maxClientConn: 200 } },
      { maxRetentionDays: 35 },
    ).pool.defaultPoolSize,
    100,
  );
  assert.equal(
    refusal(() =>
      validateBase(
        check(),
        { parameters: { max_connections: "400" }, tuning: { maxConnections: 200 } },
        { maxRetentionDays: 35 },
      ),
    ),
    'Test: parameters.max_connections must be equal to tuning.maxConnections (200) or left out (set one of the two) (got "400")',
  );
  assert.match(
    refusal(() => validateBase(check(), { parameters: { max_connections: "many" } }, { maxRetentionDays: 35 })),
    /whole number/,
  );
});

test("instance memory comes from the cloud's table; an unknown size is refused with examples", () => {
  const table = { small: 2, large: 16 };
  assert.equal(memoryOf(check(), "instanceClass", "large", table, "the table"), 16 * GiB);
  assert.equal(
    refusal(() => memoryOf(check(), "instanceClass", "huge", table, "the table")),
    'Test: instanceClass must be a size with known memory: small, large (got "huge")',
  );
  assert.equal(refusal(() => memoryOf(check(), "instanceClass", "toString", table, "the table")).includes("toString"), true);
  assert.equal(formatSize(768 * MiB), "768MB");
  assert.equal(formatSize(2 * GiB), "2GB");
  assert.equal(formatSize(12 * 1024), "12kB");
});
