// The package as users get it: after a build, `require` and `import()` of every entry work from the
// checkout and from a consumer's node_modules, and the cloud-free entries load no cloud SDK.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const ENTRIES: Record<string, string> = {
  "visor-db-infra": "VisorSchema",
  "visor-db-infra/pgbouncer": "renderPgBouncerConfig",
  "visor-db-infra/aws": "AwsVisorDatabase",
  "visor-db-infra/gcp": "GcpVisorDatabase",
  "visor-db-infra/azure": "AzureVisorDatabase",
};
const CLOUD_SDKS = ["@pulumi/aws", "@pulumi/gcp", "@pulumi/azure-native"];

/** Plain Node (no tsx): what a user's program sees. */
function node(cwd: string, code: string) {
  const r = spawnSync(process.execPath, ["-e", code], { cwd, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

function consumer(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "visor-consumer-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "visor-db-infra"), "dir");
  return dir;
}

for (const where of ["the checkout", "a consumer's node_modules"]) {
  test(`require and import() of every entry work from ${where}`, async (t) => {
    const cwd = where === "the checkout" ? root : consumer(t);
    for (const [entry, name] of Object.entries(ENTRIES)) {
      const viaRequire = node(cwd, `console.log(JSON.stringify(typeof require(${JSON.stringify(entry)}).${name}))`);
      assert.equal(viaRequire, "function", `require(${entry}).${name}`);
      const viaImport = node(cwd, `import(${JSON.stringify(entry)}).then((m) => console.log(JSON.stringify(typeof m.${name})))`);
      assert.equal(viaImport, "function", `import(${entry}).${name}`);
    }
  });
}

test("each entry loads only its own cloud's SDK", () => {
  for (const entry of Object.keys(ENTRIES)) {
    const loaded: string[] = node(
      root,
      `require(${JSON.stringify(entry)}); console.log(JSON.stringify(${JSON.stringify(CLOUD_SDKS)}.filter((s) => Object.keys(require.cache).some((p) => p.includes("/node_modules/" + s + "/")))))`,
    );
    const own = {
      "visor-db-infra/aws": "@pulumi/aws",
      "visor-db-infra/gcp": "@pulumi/gcp",
      "visor-db-infra/azure": "@pulumi/azure-native",
    }[entry];
    assert.deepEqual(loaded, own ? [own] : [], entry);
  }
});

test("the CLI's built entry runs as the `visor-db` bin", () => {
  const r = spawnSync(process.execPath, [join(root, "dist", "scripts", "visor-db.js"), "--help"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^visor-db — Visor's scheduler database, operated/);
});

test("the root export is what users call; internals are not exported", () => {
  const exported: Record<string, string> = node(
    root,
    `const m = require("visor-db-infra"); console.log(JSON.stringify(Object.fromEntries(Object.keys(m).map((k) => [k, typeof m[k]]))))`,
  );
  for (const name of [
    "VisorSchema",
    "VisorHaSmokeTest",
    "schemaProvider",
    "smokeTestProvider",
    "bootstrapSchema",
    "inspectSchema",
    "SchedulerLocks",
    "runSmokeTest",
    "VisorValidationError",
  ])
    assert.ok(name in exported, `${name} is exported`);
  for (const name of [
    "Validator",
    "validateBase",
    "transformChild",
    "transformShared",
    "wireBootstrap",
    "resolveTuning",
    "tuningParameters",
    "VisorDatabaseComponent",
    "Children",
    "schemaProviderLogic",
    "smokeTestProviderLogic",
  ])
    assert.ok(!(name in exported), `${name} is internal`);
  // The serialized providers' own entry: only the logic the engine calls.
  const engineEntry: string[] = node(
    root,
    `console.log(JSON.stringify(Object.keys(require("visor-db-infra/internal/providers")).sort()))`,
  );
  assert.deepEqual(engineEntry, ["schemaProviderLogic", "smokeTestProviderLogic"]);
  const cloud: Record<string, string[]> = node(
    root,
    `console.log(JSON.stringify(Object.fromEntries(["aws", "gcp", "azure"].map((c) => [c, Object.keys(require("visor-db-infra/" + c))]))))`,
  );
  for (const [name, keys] of Object.entries(cloud))
    for (const internal of ["Validator", "validateBase", "wireBootstrap", "Children"])
      assert.ok(!keys.includes(internal), `${internal} is not exported from visor-db-infra/${name}`);
});
