// The AWS transport against a local endpoint answering Lambda's Invoke API by running the built bundle:
// success, a function error, AccessDenied / ResourceNotReady / Pending retried then succeeding, a bounded
// retry giving up, a timeout, oversized responses; and the dynamic providers' logic through it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { invokeRunner, RunnerInvokeError } from "../../../components/visor/runner/transport";
import { schemaProviderLogic } from "../../../components/visor/providers/schema-logic";
import { smokeTestProviderLogic } from "../../../components/visor/providers/smoke-logic";
import type { RunnerTarget } from "../../../components/visor/runner/contract";
import { need, pgQuery, scratchDatabase, servers } from "../../support/servers";
import { assertNoSecret, runBundle, connectionOf } from "./bundle-support";
import { fakeAwsEnvironment, startFakeLambda, type FakeLambda } from "./fake-lambda";

let lambda: FakeLambda;
before(async () => {
  Object.assign(process.env, fakeAwsEnvironment());
  lambda = await startFakeLambda();
});
after(() => lambda?.close());

const target = (functionName: string, extra: Record<string, unknown> = {}): RunnerTarget => ({
  aws: { functionName, region: "us-east-1", endpoint: lambda.endpoint, retry: { attempts: 5, delayMs: 20 }, ...extra },
});

async function rejection(p: Promise<unknown>): Promise<RunnerInvokeError> {
  const err = await p.then(
    () => assert.fail("expected a failure"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RunnerInvokeError, String(err));
  return err;
}

test("success: a synchronous invoke returns exactly what the bundle prints", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "lambda");
  const event = { action: "bootstrap" as const, connection: connectionOf(ep) };
  const result = await invokeRunner(target("visor-runner-ok"), event);
  assert.deepEqual(result.created, ["schedules", "scheduler_locks", "message_triggers"]);
  const call = lambda.calls.at(-1)!;
  assert.deepEqual(call.functionName, "visor-runner-ok");
  assert.equal(call.invocationType, "RequestResponse");
  // Once bootstrapped, invoking again and running the bundle by hand give the same document.
  const again = await invokeRunner(target("visor-runner-ok"), event);
  assert.deepEqual(again, (await runBundle(event)).json);
});

test("a function error fails with the runner's message, redacted", async (t) => {
  const { postgres } = await servers();
  const reader = need(t, postgres.reader, "the replica");
  if (!reader) return;
  const err = await rejection(
    invokeRunner(target("visor-runner-err"), { action: "bootstrap", connection: connectionOf(reader) }),
  );
  assert.equal(err.kind, "function");
  assert.match(err.message, /the runner \(aws:lambda:visor-runner-err@us-east-1\) failed: NotWriterError: .* is not the writer/);
  assertNoSecret(err.message, reader.password);
  const wrong = "Wr0ng-lambda-secret";
  const denied = await rejection(
    invokeRunner(target("visor-runner-err"), { action: "inspect", connection: { ...connectionOf(reader), password: wrong } }),
  );
  assert.match(denied.message, /password authentication failed/);
  assertNoSecret(denied.message, wrong);
});

test("AccessDenied, ResourceNotReady and Pending are retried until the function answers", async () => {
  const { postgres } = await servers();
  for (const name of ["denied-2-visor", "notready-3-visor", "pending-1-visor"]) {
    const before = lambda.calls.length;
    const view = await invokeRunner(target(name), { action: "inspect", connection: connectionOf(postgres.writer) });
    assert.equal(typeof view.usableByVisor, "boolean", name);
    assert.equal(lambda.calls.length - before, Number(name.split("-")[1]) + 1, `${name}: retried, then one real invoke`);
  }
});

test("the retry is bounded: it gives up after its attempts and says why", async () => {
  const { postgres } = await servers();
  const started = Date.now();
  const err = await rejection(
    invokeRunner(target("denied-99-visor", { retry: { attempts: 3, delayMs: 50 } }), {
      action: "inspect",
      connection: connectionOf(postgres.writer),
    }),
  );
  assert.equal(err.kind, "transport");
  assert.match(
    err.message,
    /could not be invoked \(still after 3 attempts, 0 s\): AccessDeniedException: User is not authorized/,
  );
  assert.ok(Date.now() - started < 10_000);
  // Anything else is not retried at all.
  const before = lambda.calls.length;
  const missing = await rejection(
    invokeRunner(target("hang-x", { endpoint: `${lambda.endpoint}/nowhere` }), {
      action: "inspect",
      connection: connectionOf(postgres.writer),
    }),
  );
  assert.match(missing.message, /ResourceNotFoundException|could not be invoked/);
  assert.ok(lambda.calls.length - before <= 1);
});

test("a function that never answers times out", async () => {
  const { postgres } = await servers();
  const started = Date.now();
  const err = await rejection(
    invokeRunner(target("hang-visor", { timeoutMs: 1500 }), { action: "inspect", connection: connectionOf(postgres.writer) }),
  );
  assert.match(err.message, /aws:lambda:hang-visor@us-east-1 did not answer within 2 s/);
  assert.ok(Date.now() - started < 10_000, "the timeout ends the wait");
});

test("oversized responses are refused; Lambda's own size error is reported as the function error", async () => {
  const { postgres } = await servers();
  const event = { action: "inspect" as const, connection: connectionOf(postgres.writer) };
  const big = await rejection(invokeRunner(target("oversized-visor"), event));
  assert.match(big.message, /response is \d+ bytes, over Lambda's 6291456-byte synchronous limit/);
  const tooLarge = await rejection(invokeRunner(target("toolarge-visor"), event));
  assert.equal(tooLarge.kind, "function");
  assert.match(tooLarge.message, /Function\.ResponseSizeTooLarge: Response payload size exceeded/);
  // The event itself is checked before sending.
  const huge = {
    ...event,
    connection: { ...event.connection, ssl: { mode: "verify-full" as const, ca: "x".repeat(7_000_000) } },
  };
  const before = lambda.calls.length;
  assert.match((await rejection(invokeRunner(target("visor-runner-ok"), huge))).message, /runner event is \d+ bytes/);
  assert.equal(lambda.calls.length, before, "nothing was sent");
});

test("providers through the runner: VisorSchema create/read/delete and VisorHaSmokeTest match the direct path", async (t) => {
  const { postgres } = await servers();
  const viaRunner = await scratchDatabase(postgres, "lambdaprov");
  const direct = await scratchDatabase(postgres, "lambdadirect");
  const runner = target("visor-runner-provider");
  const created = await schemaProviderLogic.create({ connection: connectionOf(viaRunner), runner });
  const reference = await schemaProviderLogic.create({ connection: connectionOf(direct) });
  const pick = (o: Record<string, unknown>) => ({ tables: o.tables, indexes: o.indexes, drift: o.drift, v: o.schemaVersion });
  assert.deepEqual(pick(created.outs as never), pick(reference.outs as never));
  assert.deepEqual(created.outs.runner, runner, "the runner target is kept in the state for read and delete");
  const c = new Client({ connectionString: viaRunner.url });
  await c.connect();
  await c.query("DROP INDEX idx_schedules_status").finally(() => c.end());
  const read = await schemaProviderLogic.read(created.id, created.outs);
  assert.equal(read.props.indexes.length, (created.outs.indexes as string[]).length - 1);
  assert.match(read.props.drift.join("\n"), /idx_schedules_status/);
  await schemaProviderLogic.delete(created.id, { ...created.outs, retainOnDelete: false });
  const check = new Client({ connectionString: viaRunner.url });
  await check.connect();
  const left = await check
    .query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")
    .finally(() => check.end());
  assert.equal(left.rows[0].n, 0, "delete with retainOnDelete: false dropped Visor's tables through the runner");

  const smoke = await smokeTestProviderLogic.create({ connection: connectionOf(direct), runner });
  assert.equal(smoke.outs.passed, true);
  assert.equal(smoke.outs.via, "direct");
  assert.ok(Object.values(smoke.outs.checks).every((ch) => ch.passed));
  const reader = need(t, postgres.reader, "the replica");
  if (!reader) return;
  const failed = await smokeTestProviderLogic.create({ connection: connectionOf(reader), runner }).then(
    () => assert.fail("the replica must fail"),
    (e: Error) => e.message,
  );
  assert.match(failed, /Visor HA smoke test failed against .*✖ writer: .*remedy:/s);
  assertNoSecret(failed, reader.password);
  const checked = await schemaProviderLogic.check(
    {} as never,
    { connection: connectionOf(direct), runner: { aws: {} } } as never,
  );
  assert.deepEqual(
    checked.failures.map((f) => f.property),
    ["runner"],
  );
  assert.match(checked.failures[0]!.reason, /runner\.aws\.functionName must be a Lambda function name/);
});

test("VisorSchema with `setup` through the runner: role, database and schema from nothing, no password in the error", async () => {
  const { postgres } = await servers();
  const suffix = randomBytes(4).toString("hex");
  const appUser = `visor_rs_${suffix}`;
  const databaseName = `visor_rs_${suffix}`;
  const appPassword = randomBytes(12).toString("base64url");
  after(async () => {
    await pgQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${appUser}`);
  });
  const u = new URL(postgres.adminUrl);
  const admin = { url: postgres.adminUrl };
  const connection = { host: u.hostname, port: Number(u.port), database: databaseName, user: appUser, password: appPassword };
  const setup = { admin, appUser, databaseName, appPassword };
  const created = await schemaProviderLogic.create({ connection, setup, runner: target("visor-runner-setup") });
  assert.deepEqual([...created.outs.tables].sort(), ["message_triggers", "scheduler_locks", "schedules"]);
  const [owner] = await pgQuery<{ o: string }>(
    postgres.adminUrl,
    "SELECT pg_get_userbyid(datdba) AS o FROM pg_database WHERE datname = $1",
    [databaseName],
  );
  assert.equal(owner!.o, appUser);
  // Again (an update): idempotent.
  await schemaProviderLogic.update(created.id, created.outs, { connection, setup, runner: target("visor-runner-setup") });
  const wrongAdmin = `Wr0ng-admin-${suffix}`;
  const bad = { ...setup, admin: { ...connection, database: "postgres", user: u.username, password: wrongAdmin } };
  const message = await schemaProviderLogic.create({ connection, setup: bad, runner: target("visor-runner-setup") }).then(
    () => assert.fail("a wrong admin password must fail"),
    (e: Error) => e.message,
  );
  assert.match(message, /^VisorSchema: the runner .* failed: .*authentication failed/);
  assertNoSecret(message, wrongAdmin, appPassword);
});
