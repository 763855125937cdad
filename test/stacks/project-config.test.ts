// Pulumi.yaml declares every key the program reads, and every example stack is valid under the Pulumi
// CLI's project-config rules (project-config-rules.ts, which cites the pulumi/pulumi sources it encodes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { NAMESPACE, TOP_LEVEL_KEYS } from "../../stacks/config-check";
import { projectErrors, stackErrors } from "./project-config-rules";

const root = join(__dirname, "..", "..");
const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
const declared = project.config as Record<string, { type?: string; default?: unknown }>;
const stackFiles = readdirSync(join(root, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f));

test("Pulumi.yaml is a valid project file", () => {
  assert.equal(project.name, NAMESPACE, "the config namespace is the project's name");
  assert.deepEqual(projectErrors(project), []);
});

test("Pulumi.yaml declares every key the program reads, typed, with a default", () => {
  const types: Record<string, string> = {
    cloud: "string",
    database: "object",
    ha: "object",
    connection: "object",
    poolerConnection: "object",
    requireHa: "boolean",
  };
  assert.deepEqual([...TOP_LEVEL_KEYS].sort(), Object.keys(types).sort());
  for (const key of TOP_LEVEL_KEYS) {
    const d = declared[`${NAMESPACE}:${key}`];
    assert.ok(d, `${NAMESPACE}:${key} is declared`);
    assert.equal(d.type, types[key], `${key} is a ${types[key]}`);
    assert.notEqual(d.default, undefined, `${key} has a default, so a stack need not set it`);
  }
});

test("there is an example stack for each target", () => {
  assert.deepEqual(stackFiles.sort(), [
    "Pulumi.aws-prod.yaml",
    "Pulumi.azure-prod.yaml",
    "Pulumi.gcp-prod.yaml",
    "Pulumi.local.yaml",
  ]);
});

for (const file of stackFiles) {
  test(`stacks/${file} is valid under Pulumi.yaml's config`, () => {
    const doc = parse(readFileSync(join(root, "stacks", file), "utf8")) as { config: Record<string, unknown> };
    assert.deepEqual(stackErrors(project, doc.config), []);
  });
}

test("the rules refuse what the Pulumi CLI refuses", () => {
  const withConfig = (config: Record<string, unknown>) => ({ name: "p", runtime: "nodejs", config });
  assert.match(projectErrors(withConfig({ "p:list": { type: "array" } })).join(), /declares an array but no 'items'/);
  assert.match(
    projectErrors(withConfig({ "p:n": { type: "integer", default: "x" } })).join(),
    /not of the expected type 'integer'/,
  );
  assert.match(projectErrors(withConfig({ "p:o": { type: "object", default: [] } })).join(), /not of the expected type 'object'/);
  assert.match(projectErrors(withConfig({ "p:o": { type: "map" } })).join(), /type must be one of/);
  assert.match(projectErrors(withConfig({ "p:o": { type: "object", properties: {} } })).join(), /'properties' not allowed/);
  assert.match(projectErrors(withConfig({ "p:o": { default: 1, value: 2 } })).join(), /both a 'default' and 'value'/);
  assert.match(projectErrors(withConfig({ "aws:region": { default: "us-east-1" } })).join(), /should not define a default/);
  assert.match(projectErrors(withConfig({ "aws:region": { type: "string", value: "x" } })).join(), /should not define a type/);
  assert.deepEqual(
    projectErrors(withConfig({ "aws:region": { value: "us-east-1" }, "p:o": { type: "object", default: {} } })),
    [],
  );

  const p = withConfig({
    "p:o": { type: "object", default: {} },
    "p:n": { type: "integer", default: 1 },
    "p:b": { type: "boolean", default: true },
    "p:req": { type: "string" },
    "p:s": { type: "string", secret: true, default: "x" },
  });
  assert.deepEqual(stackErrors(p, { "p:req": "x", "p:o": { a: 1 }, "p:n": 5, "p:b": false, "p:s": { secure: "v1:abc" } }), []);
  assert.match(stackErrors(p, {}).join(), /missing configuration value 'p:req'/);
  assert.match(stackErrors(p, { "p:req": "x", "p:o": "text" }).join(), /'p:o' must be of type 'object'/);
  assert.match(stackErrors(p, { "p:req": "x", "p:o": [1] }).join(), /'p:o' must be of type 'object'/);
  assert.match(stackErrors(p, { "p:req": "x", "p:o": { secure: "v1:abc" } }).join(), /'p:o' must be of type 'object'/);
  assert.match(stackErrors(p, { "p:req": "x", "p:n": 1.5 }).join(), /'p:n' must be of type 'integer'/);
  assert.match(stackErrors(p, { "p:req": "x", "p:b": "yes" }).join(), /'p:b' must be of type 'boolean'/);
  assert.match(stackErrors(p, { "p:req": "x", "p:s": "plain" }).join(), /must be encrypted/);
});
