// `visor-db plan`: every example stack plans offline with its expected resources and passes the Visor
// policies; a stack that weakens backups or opens public access fails them; secrets never show.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { runCli } from "../support/cli";
import type { Plan } from "../../scripts/plan/run-plan";

const root = join(__dirname, "..", "..");

const EXPECTED: Record<string, string[]> = {
  "aws-prod": [
    "visor-db-infra:index:AwsVisorDatabase",
    "aws:rds/instance:Instance",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:backup/plan:Plan",
  ],
  "gcp-prod": ["visor-db-infra:index:GcpVisorDatabase", "gcp:sql/databaseInstance:DatabaseInstance", "gcp:sql/user:User"],
  "azure-prod": [
    "visor-db-infra:index:AzureVisorDatabase",
    "azure-native:dbforpostgresql:Server",
    "azure-native:dbforpostgresql:Configuration",
    "azure-native:authorization:ManagementLockByScope",
  ],
  local: [],
};
const BOOTSTRAP = ["pulumi-nodejs:dynamic/visor-db-infra:VisorSchema", "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest"];

async function plan(
  stack: string,
  configDir?: string,
): Promise<{ code: number | null; plan?: Plan; stderr: string; stdout: string }> {
  const r = await runCli(["plan", "--stack", stack, "--json", ...(configDir ? ["--config-dir", configDir] : [])], {}, 180_000);
  let parsed: Plan | undefined;
  try {
    parsed = JSON.parse(r.stdout) as Plan;
  } catch {
    /* not JSON: a validation error */
  }
  return { code: r.code, plan: parsed, stderr: r.stderr, stdout: r.stdout };
}

for (const stack of Object.keys(EXPECTED)) {
  test(`plan --stack ${stack}: the expected resources, secrets hidden, policies passed`, async () => {
    const r = await plan(stack);
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
    const types = new Set(r.plan!.resources.map((x) => x.type));
    for (const t of [...EXPECTED[stack]!, ...BOOTSTRAP]) assert.ok(types.has(t), `${stack} plans a ${t}`);
    assert.deepEqual(r.plan!.violations, []);
    const text = JSON.stringify(r.plan);
    assert.doesNotMatch(text, /SCRAM-SHA-256\$|AAABAPLACEHOLDER/, "no verifier and no ciphertext in the plan");
    for (const res of r.plan!.resources.filter((x) => BOOTSTRAP.includes(x.type)))
      assert.equal(res.inputs.connection, "[secret]");
  });
}

test("the table output is a tree under the component, ending with the policy verdict", async () => {
  const r = await runCli(["plan", "--stack", "aws-prod"], {}, 180_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Plan for stack aws-prod: \d+ resources/);
  assert.match(r.stdout, /^\+ visor-db-infra:index:AwsVisorDatabase {2}visor$/m);
  assert.match(
    r.stdout,
    /^ {2}\+ aws:rds\/instance:Instance {2}visor-writer .*backupRetentionPeriod=7 deletionProtection=true storageEncrypted=true/m,
  );
  assert.match(r.stdout, /Policies: all passed\s*$/);
});

function variant(t: { after(fn: () => void): void }, stack: string, edit: (database: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "visor-stacks-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const doc = parse(readFileSync(join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
  edit(doc.config["visor-db-infra:database"]);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify(doc));
  return dir;
}

test("a stack with retentionDays: 1 fails already at validation (the components enforce the policy pack's 7 days)", async (t) => {
  const dir = variant(t, "aws-prod", (db) => (db.retentionDays = 1));
  const r = await plan("aws-prod", dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /AwsVisorDatabase: retentionDays must be an integer from 7 to 35 \(got 1\)/);
});

test("policies fail a stack with public access", async (t) => {
  const dir = variant(t, "azure-prod", (db) => {
    delete db.delegatedSubnetId;
    delete db.privateDnsZoneId;
    db.replicas = [];
    delete db.virtualEndpointName;
    db.publicAccess = { allowedIpRanges: [{ name: "office", startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.10" }] };
  });
  const r = await plan("azure-prod", dir);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(
    r.plan!.violations.some((v) => v.policy === "visor-no-public-access"),
    JSON.stringify(r.plan!.violations),
  );
});

test("a validation error fails the plan with one line naming the field", async (t) => {
  const dir = variant(t, "aws-prod", (db) => (db.retentionDays = 0));
  const r = await plan("aws-prod", dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /AwsVisorDatabase: retentionDays must be an integer from 7 to 35 \(got 0\)/);
});

test("an unknown stack is one clear line", async () => {
  const r = await runCli(["plan", "--stack", "nope"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr.trim(), /^visor-db: no stack config stacks\/Pulumi\.nope\.yaml$/);
});
