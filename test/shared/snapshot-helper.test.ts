// The golden-snapshot helper never writes a snapshot implicitly: missing or different fails, in and out of
// CI; UPDATE_SNAPSHOTS=1 rewrites, and is refused in a strict (CI) run.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { isStrict } from "../../scripts/local-env/strict";
import { matchSnapshot, updatingSnapshots } from "../support/snapshot";

const saved = { CI: process.env.CI, VISOR_TEST_STRICT: process.env.VISOR_TEST_STRICT, UPDATE: process.env.UPDATE_SNAPSHOTS };
afterEach(() => {
  for (const [k, v] of [
    ["CI", saved.CI],
    ["VISOR_TEST_STRICT", saved.VISOR_TEST_STRICT],
    ["UPDATE_SNAPSHOTS", saved.UPDATE],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
const dir = () => mkdtempSync(join(tmpdir(), "visor-snapshot-"));

test("a missing snapshot fails and is not created, outside CI too", () => {
  delete process.env.CI;
  delete process.env.VISOR_TEST_STRICT;
  delete process.env.UPDATE_SNAPSHOTS;
  const file = join(dir(), "missing.json");
  assert.throws(() => matchSnapshot(file, { a: 1 }), /snapshot .*missing\.json is missing/);
  assert.equal(existsSync(file), false);
});

test("a different snapshot fails and is left as it was", () => {
  delete process.env.UPDATE_SNAPSHOTS;
  const file = join(dir(), "old.json");
  writeFileSync(file, '{\n  "a": 1\n}\n');
  assert.throws(() => matchSnapshot(file, { a: 2 }), /differs/);
  assert.equal(readFileSync(file, "utf8"), '{\n  "a": 1\n}\n');
  assert.doesNotThrow(() => matchSnapshot(file, { a: 1 }));
});

test("UPDATE_SNAPSHOTS=1 writes the stable JSON locally and is refused in a strict run", () => {
  delete process.env.CI;
  delete process.env.VISOR_TEST_STRICT;
  process.env.UPDATE_SNAPSHOTS = "1";
  const file = join(dir(), "new.json");
  matchSnapshot(file, { b: 2, a: 1, gone: undefined });
  assert.equal(readFileSync(file, "utf8"), '{\n  "a": 1,\n  "b": 2\n}\n');
  process.env.CI = "true";
  assert.throws(() => updatingSnapshots(), /refused in a strict \(CI\) run/);
});

test("strict is one definition: CI=true, CI=1 or the runner's VISOR_TEST_STRICT=1", () => {
  assert.equal(isStrict({}), false);
  assert.equal(isStrict({ CI: "true" }), true);
  assert.equal(isStrict({ CI: "1" }), true);
  assert.equal(isStrict({ VISOR_TEST_STRICT: "1" }), true);
  assert.equal(isStrict({ CI: "false", VISOR_TEST_STRICT: "" }), false);
});
