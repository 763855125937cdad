// The GCP transport against a local endpoint answering Cloud Run v2 jobs.run / operations.get, Cloud
// Storage and the metadata server, running the built bundle as the job's container: success (the same
// report as `visor-db smoke --json`), the runner's own error line, an execution that failed without a
// result, 403 PERMISSION_DENIED retried then granted, a bounded retry, a timeout, an oversized event.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { bootstrapSchema } from "../../../components";
import { invokeRunner, RunnerInvokeError, runnerTargetProblem } from "../../../components/visor/runner/transport";
import type { RunnerTarget } from "../../../components/visor/runner/contract";
import { EVENT_ENV, SECRET_ENV } from "../../../components/visor/runner/container-event";
import { need, pgQuery, servers } from "../../support/servers";
import { scramSha256Verifier } from "../../../components/pgbouncer";
import {
  ADMIN_PASSWORD_ENV,
  APP_LOGIN_PASSWORD_ENV,
  APP_PASSWORD_ENV,
} from "../../../components/visor/runner/container-passwords";
import type { Endpoint } from "../../../scripts/local-env/environment";
import { startFakeCloudRun, useFakeGcpCredentials, type FakeCloudRun } from "./fake-cloud-run";
import { connectionOf } from "./bundle-support";

const REPO = resolve(__dirname, "..", "..", "..");
let fake: FakeCloudRun;
before(async () => {
  fake = await startFakeCloudRun();
  useFakeGcpCredentials(fake);
});
after(() => fake?.close());

function target(job: string, extra: Record<string, unknown> = {}): RunnerTarget {
  return {
    gcp: {
      project: "visor-test-project",
      region: "europe-west1",
      job,
      resultsBucket: "visor-runner-results",
      endpoint: fake.endpoint,
      storageEndpoint: fake.endpoint,
      retry: { attempts: 5, delayMs: 20 },
      pollMs: 50,
      ...extra,
    },
  };
}

/** The job definition's Secret Manager variables. */
function jobWithSecrets(job: string, writer: Endpoint, pooler?: Endpoint): string {
  fake.secrets.set(job, {
    [SECRET_ENV.connectionPassword]: writer.password,
    ...(pooler ? { [SECRET_ENV.poolerPassword]: pooler.password } : {}),
    VISOR_RUNNER_RESULTS_BUCKET: "visor-runner-results",
    VISOR_RUNNER_CONNECT_RETRY_MS: "20000",
  });
  return job;
}

async function rejection(p: Promise<unknown>): Promise<RunnerInvokeError> {
  const err = await p.then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RunnerInvokeError, String(err));
  return err;
}

function assertNoSecret(text: string, ...secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `a secret appears in: ${text.slice(0, 400)}`);
}

/** `visor-db smoke --json` from a fresh process, as an operator runs it. */
async function cliSmokeJson(writer: Endpoint, pooler: Endpoint): Promise<Record<string, unknown>> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/visor-db.ts", "smoke", "--url", writer.url, "--pooler-url", pooler.url, "--json"],
    { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** What does not depend on the run: timings, the run id, the measured skew and details quoting them. */
function stable(report: Record<string, unknown>) {
  const { durationMs: _d, runId: _r, clockSkewMs: _c, checks, ...rest } = report;
  return { ...rest, checks: (checks as { name: string; passed: boolean }[]).map((c) => [c.name, c.passed]) };
}

test("success: the job runs the event, writes its result, and the report is the one `visor-db smoke --json` prints", async (t) => {
  const { postgres } = await servers();
  const pooler = need(t, postgres.pooler, "PgBouncer");
  if (!pooler) return;
  // The harness's PgBouncer serves only the `visor` database: give it Visor's schema (idempotent, additive).
  await bootstrapSchema(connectionOf(postgres.writer));
  const job = jobWithSecrets("visor-runner-ok", postgres.writer, pooler);
  const event = { action: "smoke" as const, connection: connectionOf(postgres.writer), poolerConnection: connectionOf(pooler) };
  const report = await invokeRunner(target(job), event);
  assert.equal(report.passed, true);
  assert.equal(report.via, "direct+pooler");
  assert.deepEqual(stable(report as never), stable(await cliSmokeJson(postgres.writer, pooler)));

  const run = fake.runs.at(-1)!;
  assert.deepEqual(Object.keys(run.overrides), [EVENT_ENV], "the only override is the event");
  assertNoSecret(JSON.stringify(run.overrides), postgres.writer.password, pooler.password);
  assert.deepEqual(JSON.parse(run.overrides[EVENT_ENV]!).connection, {
    host: postgres.writer.host,
    port: postgres.writer.port,
    database: postgres.writer.database,
    user: postgres.writer.user,
  });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(fake.objects.has(`visor-runner-results/${run.execution}.json`), "the result object is named by the execution");
  assert.deepEqual(fake.unauthorized, [], "every call carried the metadata server's token (ADC)");
});

test("the runner's error line fails the run with its message, redacted; a failed check still returns the report", async (t) => {
  const { postgres } = await servers();
  const reader = need(t, postgres.reader, "the replica");
  if (!reader) return;
  const job = jobWithSecrets("visor-runner-err", reader);
  const err = await rejection(invokeRunner(target(job), { action: "bootstrap", connection: connectionOf(reader) }));
  assert.equal(err.kind, "function");
  assert.match(
    err.message,
    /the runner \(gcp:run:visor-test-project\/europe-west1\/visor-runner-err, visor-runner-err-\w+\) failed: NotWriterError: .* is not the writer/,
  );
  assert.equal(fake.runs.at(-1)!.exitCode, 2, "the container exited 2");
  assertNoSecret(err.message, reader.password);

  // A smoke test that fails a check exits 1 (the execution fails) yet its report is the answer.
  const report = await invokeRunner(target(job), { action: "smoke", connection: connectionOf(reader) });
  assert.equal(fake.runs.at(-1)!.exitCode, 1);
  assert.equal(report.passed, false);
  assert.equal(report.checks.find((c) => c.name === "writer")!.passed, false);

  const wrong = "Wr0ng-gcp-secret";
  fake.secrets.set("visor-runner-wrong", {
    [SECRET_ENV.connectionPassword]: wrong,
    VISOR_RUNNER_RESULTS_BUCKET: "visor-runner-results",
  });
  const denied = await rejection(
    invokeRunner(target("visor-runner-wrong"), {
      action: "inspect",
      connection: { ...connectionOf(postgres.writer), password: wrong },
    }),
  );
  assert.match(denied.message, /password authentication failed/);
  assertNoSecret(denied.message, wrong);
});

test("an execution that failed without a result says so, with its condition and where the logs are", async () => {
  const { postgres } = await servers();
  const job = jobWithSecrets("visor-runner-nobucket", postgres.writer);
  fake.secrets.get(job)!.VISOR_RUNNER_RESULTS_BUCKET = "refused-results";
  const err = await rejection(
    invokeRunner(target(job, { resultsBucket: "refused-results" }), {
      action: "inspect",
      connection: connectionOf(postgres.writer),
    }),
  );
  assert.equal(err.kind, "function");
  assert.match(
    err.message,
    /execution visor-runner-nobucket-\w+ failed: Task .* exited with an exit code of 2\.; no result in gs:\/\/refused-results\/visor-runner-nobucket-\w+\.json; see the execution's logs at https:/,
  );
  const run = fake.runs.at(-1)!;
  assert.match(run.stderr ?? "", /uploading the result to gs:\/\/refused-results answered HTTP 400/);
});

test("403 PERMISSION_DENIED is retried while IAM propagates, then the run succeeds; the retry is bounded", async () => {
  const { postgres } = await servers();
  const job = jobWithSecrets("denied-2-visor", postgres.writer);
  const before = fake.runs.length;
  const view = await invokeRunner(target(job), { action: "inspect", connection: connectionOf(postgres.writer) });
  assert.equal(typeof view.usableByVisor, "boolean");
  assert.equal(fake.runs.length - before, 3, "two denied runs, then one real execution");

  // The same while the deployer's read grant on the results bucket propagates.
  const slow = jobWithSecrets("visor-runner-slowiam", postgres.writer);
  fake.secrets.get(slow)!.VISOR_RUNNER_RESULTS_BUCKET = "slowiam-2-results";
  const late = await invokeRunner(target(slow, { resultsBucket: "slowiam-2-results" }), {
    action: "inspect",
    connection: connectionOf(postgres.writer),
  });
  assert.equal(typeof late.usableByVisor, "boolean");

  jobWithSecrets("denied-99-visor", postgres.writer);
  const err = await rejection(
    invokeRunner(target("denied-99-visor", { retry: { attempts: 3, delayMs: 20 } }), {
      action: "inspect",
      connection: connectionOf(postgres.writer),
    }),
  );
  assert.equal(err.kind, "transport");
  assert.match(
    err.message,
    /could not run the job \(still after 3 attempts, 0 s\): 403 PERMISSION_DENIED: Permission 'run\.jobs\.runWithOverrides' denied/,
  );
});

test("an execution that never finishes times out", async () => {
  const { postgres } = await servers();
  const started = Date.now();
  const err = await rejection(
    invokeRunner(target("hang-visor", { timeoutMs: 1500 }), { action: "inspect", connection: connectionOf(postgres.writer) }),
  );
  assert.match(err.message, /gcp:run:visor-test-project\/europe-west1\/hang-visor did not finish within 2 s/);
  assert.ok(Date.now() - started < 10_000, "the timeout ends the wait");
});

test("an event over Cloud Run's 32 KiB per value is refused before anything is sent; bad targets name the field", async () => {
  const { postgres } = await servers();
  const huge = {
    action: "inspect" as const,
    connection: { ...connectionOf(postgres.writer), ssl: { mode: "verify-full" as const, ca: "x".repeat(40_000) } },
  };
  const before = fake.runs.length;
  const err = await rejection(invokeRunner(target("visor-runner-ok"), huge));
  assert.match(
    err.message,
    /runner event is \d+ bytes, over Cloud Run's 32768-byte limit for one environment value \(VISOR_RUNNER_EVENT\)/,
  );
  assert.equal(fake.runs.length, before, "nothing was sent");

  const base = target("visor-runner-ok").gcp!;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ project: "X" }, /runner\.gcp\.project must be a Google Cloud project ID/],
    [{ region: "europe" }, /runner\.gcp\.region must be a Google Cloud region/],
    [{ job: "Bad_Job" }, /runner\.gcp\.job must be a Cloud Run job name/],
    [{ resultsBucket: "" }, /runner\.gcp\.resultsBucket must be a Cloud Storage bucket name/],
    [{ endpoint: "http://run.example.com" }, /runner\.gcp\.endpoint must be an https URL \(plain http only on loopback/],
    [{ timeoutMs: 5 }, /runner\.gcp\.timeoutMs must be an integer from 1000 to 3600000/],
  ];
  for (const [change, message] of cases) assert.match(runnerTargetProblem({ gcp: { ...base, ...change } }) ?? "", message);
  assert.match(runnerTargetProblem({ gcp: base, aws: { functionName: "f" } }) ?? "", /exactly one of .*gcp/);
  assert.equal(runnerTargetProblem({ gcp: base }), undefined);
});

test("one job, two roles: setup connects as the admin and gives Visor's role its verifier; bootstrap then connects as that role", async () => {
  const { postgres } = await servers();
  const admin = new URL(postgres.adminUrl);
  const suffix = randomBytes(4).toString("hex");
  const appUser = `visor_gcp_${suffix}`;
  const databaseName = `visor_gcpsetup_${suffix}`;
  const appPassword = `App-${suffix}-pw`;
  after(async () => {
    await pgQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${appUser}`);
  });
  // As the GCP job holds them: the admin's password, Visor's plain password and the verifier PgBouncer holds.
  fake.secrets.set("visor-runner-roles", {
    [ADMIN_PASSWORD_ENV]: decodeURIComponent(admin.password),
    [APP_LOGIN_PASSWORD_ENV]: appPassword,
    [APP_PASSWORD_ENV]: scramSha256Verifier(appPassword),
    VISOR_RUNNER_RESULTS_BUCKET: "visor-runner-results",
  });
  const adminConnection = {
    host: admin.hostname,
    port: Number(admin.port),
    database: "postgres",
    user: decodeURIComponent(admin.username),
    password: decodeURIComponent(admin.password),
  };
  const setup = await invokeRunner(target("visor-runner-roles"), {
    action: "setup",
    connection: adminConnection,
    options: { appPassword: "set-by-the-job", appUser, databaseName },
  });
  assert.deepEqual(
    [setup.role.name, setup.role.action, setup.database.name, setup.database.action],
    [appUser, "created", databaseName, "created"],
  );
  assertNoSecret(JSON.stringify(fake.runs.at(-1)!.overrides), adminConnection.password, "set-by-the-job");
  const [stored] = await pgQuery<{ v: string }>(postgres.adminUrl, "SELECT rolpassword AS v FROM pg_authid WHERE rolname = $1", [
    appUser,
  ]);
  assert.equal(
    stored!.v,
    fake.secrets.get("visor-runner-roles")![APP_PASSWORD_ENV],
    "the role got the job's verifier, not the event's value",
  );

  const boot = await invokeRunner(target("visor-runner-roles"), {
    action: "bootstrap",
    connection: { ...adminConnection, database: databaseName, user: appUser, password: "not-sent" },
  });
  assert.deepEqual(boot.created, ["schedules", "scheduler_locks", "message_triggers"]);
  const [owner] = await pgQuery<{ o: string }>(
    postgres.adminUrl.replace(/\/[^/?]*(\?|$)/, `/${databaseName}$1`),
    "SELECT tableowner AS o FROM pg_tables WHERE tablename = 'schedules'",
  );
  assert.equal(owner!.o, appUser, "bootstrap connected as Visor's role with the job's login password");
});

test("Cloud SQL's setup through the job: a cloudsqlsuperuser-like admin grants on a database it keeps, Visor bootstraps in public", async () => {
  const { postgres } = await servers();
  const suffix = randomBytes(4).toString("hex");
  const [group, adminUser, appUser, databaseName] = [
    `su_${suffix}`,
    `adm_${suffix}`,
    `visor_k_${suffix}`,
    `visor_keep_${suffix}`,
  ];
  const [adminPassword, appPassword] = [`Adm-${suffix}-pw`, `App-${suffix}-pw`];
  // What Cloud SQL's API makes: the group, the built-in admin in it, the database owned by the group.
  await pgQuery(postgres.adminUrl, `CREATE ROLE ${group} NOLOGIN CREATEROLE CREATEDB`);
  await pgQuery(
    postgres.adminUrl,
    `CREATE ROLE ${adminUser} LOGIN CREATEROLE CREATEDB PASSWORD '${adminPassword}' IN ROLE ${group}`,
  );
  await pgQuery(postgres.adminUrl, `CREATE DATABASE ${databaseName} OWNER ${group}`);
  after(async () => {
    await pgQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    for (const role of [appUser, adminUser, group]) await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${role}`);
  });
  fake.secrets.set("visor-runner-keep", {
    [ADMIN_PASSWORD_ENV]: adminPassword,
    [APP_LOGIN_PASSWORD_ENV]: appPassword,
    [APP_PASSWORD_ENV]: scramSha256Verifier(appPassword),
    VISOR_RUNNER_RESULTS_BUCKET: "visor-runner-results",
  });
  const u = new URL(postgres.adminUrl);
  const asAdmin = { host: u.hostname, port: Number(u.port), database: "postgres", user: adminUser, password: adminPassword };
  // The options GcpVisorDatabase's runner mode gives VisorSchema's setup.
  const setup = await invokeRunner(target("visor-runner-keep"), {
    action: "setup",
    connection: asAdmin,
    options: {
      appPassword: "set-by-the-job",
      appUser,
      databaseName,
      databaseOwner: "keep",
      schemaPrivileges: ["CREATE", "USAGE"],
    },
  });
  assert.deepEqual(setup.database, { name: databaseName, action: "unchanged", owner: group });
  assert.deepEqual(setup.grants.slice(-2), [
    `CREATE ON SCHEMA public IN ${databaseName} TO ${appUser}`,
    `USAGE ON SCHEMA public IN ${databaseName} TO ${appUser}`,
  ]);
  assertNoSecret(JSON.stringify(fake.runs.at(-1)!.overrides), adminPassword, appPassword);
  const boot = await invokeRunner(target("visor-runner-keep"), {
    action: "bootstrap",
    connection: { ...asAdmin, database: databaseName, user: appUser, password: "not-sent" },
  });
  assert.deepEqual(boot.created, ["schedules", "scheduler_locks", "message_triggers"]);
});
