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
import { formatPlan } from "../../scripts/plan/format";

const root = join(__dirname, "..", "..");

const EXPECTED: Record<string, string[]> = {
  "aws-prod": [
    "visor-db-infra:index:AwsVisorDatabase",
    "aws:rds/instance:Instance",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:backup/plan:Plan",
  ],
  "gcp-prod": [
    "visor-db-infra:index:GcpVisorDatabase",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:sql/user:User",
    // Visor's role is made by the runner job (bootstrap.via: runner, the default), not from the deployer.
    "gcp:cloudrunv2/job:Job",
    "gcp:backupdisasterrecovery/backupPlan:BackupPlan",
    "gcp:dns/recordSet:RecordSet",
  ],
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
  const r = await runCli(["plan", "--stack", stack, "--json", ...(configDir ? ["--config-dir", configDir] : [])], {}, 280_000);
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
    assert.doesNotMatch(text, /SCRAM-SHA-256\$|AAABAPLACEHOLDER|visor-plan-secret-/, "no verifier, ciphertext or placeholder");
    for (const res of r.plan!.resources.filter((x) => BOOTSTRAP.includes(x.type))) {
      assert.equal(res.inputs.connection, undefined, "a secret input is left out");
      assert.ok(res.secretInputs.includes("connection"), "and listed as secret");
    }
  });
}

test("the table output is a tree under the component, ending with the policy verdict", async () => {
  const r = await runCli(["plan", "--stack", "aws-prod"], {}, 280_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Plan for stack aws-prod: \d+ resources/);
  assert.match(r.stdout, /^\+ visor-db-infra:index:AwsVisorDatabase {2}visor$/m);
  assert.match(
    r.stdout,
    /^ {2}\+ aws:rds\/instance:Instance {2}visor-writer .*backupRetentionPeriod=7 deletionProtection=true storageEncrypted=true/m,
  );
  assert.match(r.stdout, /Policies: all passed\s*$/);
});

type Config = Record<string, unknown>;

/** A copy of stacks/Pulumi.<stack>.yaml, edited, saved as Pulumi.<as>.yaml in a temporary directory. */
function variantConfig(t: { after(fn: () => void): void }, stack: string, edit: (config: Config) => void, as = stack): string {
  const dir = mkdtempSync(join(tmpdir(), "visor-stacks-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const doc = parse(readFileSync(join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
  edit(doc.config);
  writeFileSync(join(dir, `Pulumi.${as}.yaml`), stringify(doc));
  return dir;
}

function variant(t: { after(fn: () => void): void }, stack: string, edit: (database: Config) => void): string {
  return variantConfig(t, stack, (c) => edit(c["visor-db-infra:database"] as Config));
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
    delete db.runner; // the runner lives in the VNet: a public server has none
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

test("15: typos in database and ha are refused, naming the closest key", async (t) => {
  const cases: [(c: Config) => void, RegExp][] = [
    [
      (c) => ((c["visor-db-infra:database"] as Config).multiAZ = true),
      /visor-db-infra:database\.multiAZ is not a known key; did you mean "multiAz"\?/,
    ],
    [
      (c) => ((c["visor-db-infra:ha"] as Config).lockTTLSeconds = 30),
      /visor-db-infra:ha\.lockTTLSeconds is not a known key; did you mean "lockTtlSeconds"\?/,
    ],
  ];
  for (const [edit, expected] of cases) {
    const r = await plan("aws-prod", variantConfig(t, "aws-prod", edit));
    assert.equal(r.code, 1);
    assert.match(r.stderr, expected);
  }
});

test("16: a secure value inside visor-db-infra:database is refused, not used as plain text", async (t) => {
  const dir = variant(t, "aws-prod", (db) => (db.kmsKeyId = { secure: "AAABAPLACEHOLDERxKMS" }));
  const r = await plan("aws-prod", dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /visor-db-infra:database holds a secure value/);
  assert.doesNotMatch(r.stdout + r.stderr, /AAABAPLACEHOLDERxKMS/);
});

test("18: a misspelt namespace is reported at the typo", async (t) => {
  const dir = variantConfig(t, "aws-prod", (c) => {
    c["visor-db:cloud"] = c["visor-db-infra:cloud"];
    delete c["visor-db-infra:cloud"];
  });
  const r = await plan("aws-prod", dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /visor-db:cloud is in namespace "visor-db"; did you mean "visor-db-infra:cloud"\?/);
  assert.doesNotMatch(r.stderr, /Missing required configuration variable/);
});

const singleAz = (c: Config) => {
  const db = c["visor-db-infra:database"] as Config;
  db.multiAz = false;
  db.replicas = 0;
  db.tags = { ...(db.tags as Config), note: "[secret]" };
};

test('14 + 16: a stack not named *prod* needs HA too; a user\'s "[secret]" is shown, not redacted', async (t) => {
  const r = await plan("staging", variantConfig(t, "aws-prod", singleAz, "staging"));
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    r.plan!.violations.map((v) => `${v.policy}: ${v.message.split(" ")[0]}`),
    ["visor-ha-in-prod: visor-writer"],
  );
  const writer = r.plan!.resources.find((x) => x.name === "visor-writer")!;
  assert.equal((writer.inputs.tags as Config).note, "[secret]", "the user's value is shown");
  assert.ok(!writer.secretInputs.some((p) => p.startsWith("tags")), "and not listed as secret");
});

test("14: visor-db-infra:requireHa: false opts a stack out of the HA policy", async (t) => {
  const dir = variantConfig(t, "aws-prod", (c) => (singleAz(c), (c["visor-db-infra:requireHa"] = false)), "staging");
  const r = await plan("staging", dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.plan!.violations, []);
});

test("16: the table shows a secret as a bare [secret] and quotes a user's string holding that text", () => {
  const table = formatPlan({
    stack: "s",
    violations: [],
    resources: [
      {
        type: "t",
        name: "n",
        inputs: { value: "[secret]", connection: { host: "[secret]" } },
        secretInputs: ["password", "connection.user"],
      },
    ],
  }).join("\n");
  assert.match(table, /value="\[secret\]" connection=\{"host":"\[secret\]","user":\[secret\]\} password=\[secret\]/);
});
