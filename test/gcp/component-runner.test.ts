// GcpVisorDatabase's default, `bootstrap.via: "runner"`, under Pulumi's mocks: the Cloud Run job with Direct VPC
// egress on the instance's network, its passwords only as Secret Manager references, the runner's narrow IAM, the
// runner and the Cloud SQL setup handed to VisorSchema and VisorHaSmokeTest, and nothing of @pulumi/postgresql.
import { registered, setupMocks, resolve } from "../support/pulumi-mocks";
import {
  CA_PEM,
  NETWORK,
  REGION,
  all,
  isSecretInput,
  runnerMockOutputs,
  only,
  passwordFor,
  plan,
  reveal,
  settle,
} from "./helpers";
setupMocks(runnerMockOutputs);

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { GcpVisorDatabase, type GcpVisorDatabaseArgs } from "../../components/gcp";
import { VisorValidationError } from "../../components/shared/validation";
import { matchSnapshot } from "../support/snapshot";
import { T } from "./component-fixtures";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const JOB = "gcp:cloudrunv2/job:Job";
const SUBNETWORK = "gcp:compute/subnetwork:Subnetwork";
const REQUIRED = { region: REGION, network: NETWORK };
const postgresqlResources = (name: string) =>
  registered.filter((r) => (r.name === name || r.name.startsWith(`${name}-`)) && r.type.includes("postgresql"));

test("default: the job runs in the instance's network through a /26 made here, PRIVATE_RANGES_ONLY, no retries", async () => {
  const db = new GcpVisorDatabase("rn", REQUIRED);
  await settle();
  const subnet = only("rn", SUBNETWORK);
  assert.deepEqual(
    [subnet.inputs.network, subnet.inputs.region, subnet.inputs.ipCidrRange],
    [NETWORK, REGION, "10.255.255.192/26"],
  );
  const t = (only("rn", JOB).inputs.template as Obj).template;
  assert.deepEqual(t.vpcAccess, {
    networkInterfaces: [{ network: NETWORK, subnetwork: `${subnet.name}-id` }],
    egress: "PRIVATE_RANGES_ONLY",
  });
  assert.equal(t.maxRetries, 0);
  assert.equal(t.timeout, "300s");
  assert.equal((await resolve(db.runnerJobName)).value, "rn-runner");
  assert.deepEqual(postgresqlResources("rn"), [], "no @pulumi/postgresql provider, role or grant from the deployer");
  assert.equal(db.resources.appRole, undefined);
});

test("default: the job's passwords are Secret Manager references only; the runner's IAM is its own secrets and buckets", async () => {
  new GcpVisorDatabase("rs", REQUIRED);
  await settle();
  const env = ((only("rs", JOB).inputs.template as Obj).template.containers[0].envs as Obj[]).map((e) => [
    e.name,
    e.value ?? e.valueSource,
  ]);
  assert.deepEqual(env, [
    ["VISOR_RUNNER_ADMIN_PASSWORD", { secretKeyRef: { secret: "rs-runner-admin-password", version: "1" } }],
    ["VISOR_RUNNER_APP_LOGIN_PASSWORD", { secretKeyRef: { secret: "rs-runner-app-password", version: "1" } }],
    ["VISOR_RUNNER_APP_PASSWORD", { secretKeyRef: { secret: "rs-runner-app-verifier", version: "1" } }],
    ["VISOR_RUNNER_RESULTS_BUCKET", "rs-runner-results-5e1f"],
    ["VISOR_RUNNER_CONNECT_RETRY_MS", "90000"],
  ]);
  // The versions hold the admin's password, Visor's password and its verifier, each a Pulumi secret.
  const versions = all("rs", T.secretVersion).filter((v) => v.name.startsWith("rs-runner-"));
  assert.equal(versions.length, 3);
  assert.ok(versions.every((v) => isSecretInput(v.inputs.secretData)));
  const byName = Object.fromEntries(versions.map((v) => [v.name, reveal<string>(v.inputs.secretData)]));
  assert.equal(byName["rs-runner-admin-password"], passwordFor("rs-admin-password"));
  assert.equal(byName["rs-runner-app-password"], passwordFor("rs-app-password"));
  assert.match(byName["rs-runner-app-verifier"]!, /^SCRAM-SHA-256\$4096:/);

  const member = "serviceAccount:rs-runner@acme.iam.gserviceaccount.com";
  assert.deepEqual(
    all("rs", T.secretIam)
      .filter((m) => m.inputs.member === member)
      .map((m) => [m.inputs.secretId, m.inputs.role])
      .sort(),
    ["admin-password", "app-password", "app-verifier"].map((s) => [`rs-runner-${s}`, "roles/secretmanager.secretAccessor"]),
  );
  assert.deepEqual(
    all("rs", "gcp:storage/bucketIAMMember:BucketIAMMember").map((m) => [m.inputs.bucket, m.inputs.role, m.inputs.member]),
    [
      ["rs-runner-bundle-5e1f", "roles/storage.objectViewer", member],
      ["rs-runner-results-5e1f", "roles/storage.objectCreator", member],
    ],
  );
  assert.deepEqual(all("rs", T.iamMember), [], "no project-wide role");
  plan("rs"); // fails on any password outside a Pulumi secret
});

test("default: VisorSchema and VisorHaSmokeTest run through the job; setup is the Cloud SQL variant, secret, verify-full", async () => {
  new GcpVisorDatabase("rb", { ...REQUIRED, databaseName: "sched", appUser: "sched_app" });
  await settle();
  const runner = { gcp: { project: "acme", region: REGION, job: "rb-runner", resultsBucket: "rb-runner-results-5e1f" } };
  const schema = only("rb", T.schema).inputs;
  const smoke = only("rb", T.smoke).inputs;
  assert.deepEqual(schema.runner, runner);
  assert.deepEqual(smoke.runner, runner);
  assert.ok(isSecretInput(schema.setup), "setup carries the admin's password: a secret whole");
  const setup = reveal<Obj>(schema.setup);
  assert.deepEqual(setup.admin, {
    host: `rb-primary.${REGION}.sql.goog`,
    port: 5432,
    database: "postgres",
    user: "visor_admin",
    password: passwordFor("rb-admin-password"),
    ssl: { mode: "verify-full", ca: CA_PEM },
  });
  assert.deepEqual(
    [setup.appUser, setup.databaseName, setup.databaseOwner, setup.schemaPrivileges],
    ["sched_app", "sched", "keep", ["CREATE", "USAGE"]],
  );
  assert.match(setup.appPassword, /^SCRAM-SHA-256\$4096:/, "the role gets the verifier, as on the direct path");
  // Visor's own connection is unchanged: its role, verify-full to the DNS name.
  const connection = reveal<Obj>(schema.connection);
  assert.deepEqual(
    [connection.user, connection.host, connection.ssl.mode],
    ["sched_app", `rb-primary.${REGION}.sql.goog`, "verify-full"],
  );
});

test('via "direct" and bootstrap false create no runner; direct keeps the deployer-side role', async () => {
  new GcpVisorDatabase("rd", { ...REQUIRED, bootstrap: { via: "direct" } });
  const off = new GcpVisorDatabase("ro", { ...REQUIRED, bootstrap: false });
  await settle();
  assert.deepEqual(all("rd", JOB), []);
  assert.deepEqual(all("rd", SUBNETWORK), []);
  assert.equal(only("rd", T.schema).inputs.runner, undefined);
  assert.equal(only("rd", T.schema).inputs.setup, undefined);
  assert.ok(postgresqlResources("rd").length >= 4, "provider, role and two grants from the deployer");
  assert.deepEqual(all("ro", JOB), []);
  assert.equal((await resolve(off.runnerJobName)).value, undefined);
});

test("an existing subnetwork: no subnet made, the job uses it", async () => {
  const subnetwork = `projects/acme/regions/${REGION}/subnetworks/runner`;
  new GcpVisorDatabase("rx", { ...REQUIRED, bootstrap: { runner: { subnetwork, image: "node:22.11.0-bookworm-slim" } } });
  await settle();
  assert.deepEqual(all("rx", SUBNETWORK), []);
  const t = (only("rx", JOB).inputs.template as Obj).template;
  assert.deepEqual(t.vpcAccess.networkInterfaces, [{ network: NETWORK, subnetwork }]);
  assert.equal(t.containers[0].image, "node:22.11.0-bookworm-slim");
});

const refusals: { args: Partial<GcpVisorDatabaseArgs>; field: string; allowed: string }[] = [
  { args: { bootstrap: { via: "lambda" as never } }, field: "bootstrap.via", allowed: 'one of "runner", "direct"' },
  {
    args: { bootstrap: { via: "direct", runner: { subnetCidr: "10.9.0.0/26" } } },
    field: "bootstrap.runner",
    allowed: 'unset unless bootstrap.via is "runner"',
  },
  {
    args: { bootstrap: { runner: { subnetCidr: "10.9.0.0/28" } } },
    field: "bootstrap.runner.subnetCidr",
    allowed: "a prefix from /8 to /26",
  },
  {
    args: { bootstrap: { runner: { subnetCidr: "8.8.8.0/24" } } },
    field: "bootstrap.runner.subnetCidr",
    allowed: "a private range",
  },
  {
    args: { bootstrap: { runner: { subnetwork: "projects/acme/regions/us-east1/subnetworks/runner" } } },
    field: "bootstrap.runner.subnetwork",
    allowed: `a subnetwork of the network in ${REGION}`,
  },
  {
    args: { bootstrap: { runner: { timeoutSeconds: 10 } } },
    field: "bootstrap.runner.timeoutSeconds",
    allowed: "an integer from 60 to 3600",
  },
];

refusals.forEach((c, i) => {
  test(`refuses ${c.field} (${i}) with the field named, registering nothing`, async () => {
    const name = `rbad${i}`;
    assert.throws(
      () => new GcpVisorDatabase(name, { ...REQUIRED, ...c.args } as GcpVisorDatabaseArgs),
      (e: unknown) => {
        assert.ok(e instanceof VisorValidationError, String(e));
        assert.equal(e.field, c.field);
        assert.ok(e.message.startsWith(`GcpVisorDatabase: ${c.field} must be ${c.allowed}`), e.message);
        return true;
      },
    );
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(all(name, JOB).concat(all(name, T.instance)), []);
  });
});

test("golden plan: the runner default (the bundle's hash and path normalised)", async () => {
  new GcpVisorDatabase("visor-runner", REQUIRED);
  await settle();
  const text = JSON.stringify(plan("visor-runner"))
    .replace(/visor-db-runner-[0-9a-f]{16}\.cjs/g, "visor-db-runner-<sha256>.cjs")
    .replace(/"[^"]*\/runner\/visor-db-runner\.cjs"/g, '"<dist>/runner/visor-db-runner.cjs"');
  matchSnapshot(join(__dirname, "__snapshots__", "runner.json"), JSON.parse(text));
});
