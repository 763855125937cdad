// `visor-db-infra/aws` loads @pulumi/aws submodules only: never another cloud's SDK (nor the AWS SDK root).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

test("loading components/aws pulls in no @pulumi/gcp or @pulumi/azure-native module", () => {
  const script = "require('./components/aws'); process.stdout.write(JSON.stringify(Object.keys(require.cache)));";
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  const loaded = JSON.parse(out) as string[];
  assert.ok(
    loaded.some((p) => p.includes(join("components", "aws", "component"))),
    "the component itself was loaded",
  );
  assert.ok(
    loaded.some((p) => p.includes(join("@pulumi", "aws", "rds"))),
    "the AWS rds submodule was loaded",
  );
  for (const other of ["@pulumi/gcp", "@pulumi/azure-native", "@pulumi/azure/"]) {
    const hits = loaded.filter((p) => p.split("\\").join("/").includes(`node_modules/${other}`));
    assert.deepEqual(hits, [], `${other} must not be loaded`);
  }
  // Only the submodules the component uses: the SDK root would load every AWS service.
  assert.ok(
    !loaded.some((p) => p.split("\\").join("/").endsWith("node_modules/@pulumi/aws/index.js")),
    "the @pulumi/aws root must not be loaded",
  );
});
