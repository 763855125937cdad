// visor-db-infra/gcp must not load another cloud's SDK (nor @pulumi/gcp's root, which parses every service).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

const root = join(__dirname, "..", "..");

test("loading components/gcp loads no AWS or Azure module", () => {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "-e", "require('./components/gcp'); console.log(JSON.stringify(Object.keys(require.cache)))"],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  const loaded: string[] = JSON.parse(out.trim().split("\n").pop()!);
  assert.ok(
    loaded.some((p) => p.includes(join("components", "gcp", "component.ts"))),
    "the component itself was loaded",
  );
  assert.ok(
    loaded.some((p) => p.includes(join("@pulumi", "gcp", "sql"))),
    "the gcp sql submodule was loaded",
  );
  for (const other of ["@pulumi/aws", "@pulumi/azure-native", "@pulumi/azure", "@pulumi/azuread"]) {
    const hits = loaded.filter((p) => p.includes(`${join(...other.split("/"))}${require("node:path").sep}`));
    assert.deepEqual(hits, [], `${other} must not be loaded`);
  }
  assert.ok(
    !loaded.includes(join(root, "node_modules", "@pulumi", "gcp", "index.js")),
    "@pulumi/gcp's root index must not be loaded",
  );
});
