// The GitHub workflows users copy are valid YAML with the jobs and steps the docs promise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const root = join(__dirname, "..", "..");
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Workflow = {
  on: Record<string, unknown>;
  jobs: Record<string, { strategy?: { matrix: { stack: string[] } }; steps: Step[]; services?: Record<string, unknown> }>;
};
const load = (f: string) => parse(readFileSync(join(root, ".github", "workflows", f), "utf8")) as Workflow;

test("preview.yml: pull requests, Node 22, npm ci, pulumi preview with comment-on-pr and the policy pack, one job per stack", () => {
  const wf = load("preview.yml");
  assert.ok(wf.on.pull_request);
  const job = wf.jobs.preview!;
  assert.deepEqual(job.strategy!.matrix.stack.sort(), ["aws-prod", "azure-prod", "gcp-prod", "local"]);
  const setupNode = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
  assert.equal(String(setupNode?.with?.["node-version"]), "22");
  assert.ok(job.steps.some((s) => s.run === "npm ci"));
  const preview = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
  assert.equal(preview?.with?.command, "preview");
  assert.equal(preview?.with?.["comment-on-pr"], true);
  assert.equal(preview?.with?.policyPacks, "policy");
  assert.match(String(preview?.with?.["stack-name"]), /\$\{\{ matrix\.stack \}\}/);
  assert.ok(job.steps.some((s) => s.run?.includes("visor-db plan --stack ${{ matrix.stack }}")));
  for (const stack of job.strategy!.matrix.stack) readFileSync(join(root, "stacks", `Pulumi.${stack}.yaml`));
});

test("test.yml: Node 22, a PostgreSQL service, and the project's CI script", () => {
  const wf = load("test.yml");
  const job = wf.jobs.test!;
  assert.ok(job.services?.postgres);
  assert.equal(String(job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]), "22");
  assert.ok(job.steps.some((s) => s.run?.includes(".ci/run")));
});
