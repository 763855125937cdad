// `visor-db-infra/azure` must load no AWS or Google Cloud module, and only the azure-native submodules
// it uses (never the SDK root, which parses thousands of files).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { test } from "node:test";

const root = resolve(__dirname, "../..");

test("importing components/azure loads no other cloud and no azure-native root", () => {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "-e", 'require("./components/azure"); console.log(JSON.stringify(Object.keys(require.cache)));'],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const loaded = JSON.parse(out.trim().split("\n").pop()!) as string[];
  assert.ok(
    loaded.some((p) => p.includes("/components/azure/component.ts")),
    "the component itself was not loaded",
  );
  for (const other of ["@pulumi/aws", "@pulumi/gcp", "@pulumi/google-native", "@pulumi/azure/", "@pulumi/awsx"]) {
    assert.deepEqual(
      loaded.filter((p) => p.includes(`node_modules/${other}`)),
      [],
      `${other} must not be loaded`,
    );
  }
  const azure = loaded
    .filter((p) => p.includes("node_modules/@pulumi/azure-native/"))
    .map((p) => p.split("@pulumi/azure-native/")[1]);
  assert.ok(!azure.includes("index.js"), "the azure-native root must not be loaded");
  const submodules = [
    ...new Set(azure.map((p) => p!.split("/")[0]).filter((p) => !p!.endsWith(".js") && p !== "types" && p !== "package.json")),
  ].sort();
  assert.deepEqual(submodules, ["authorization", "dataprotection", "dbforpostgresql", "keyvault", "monitor", "network"]);
});
