// The serialized providers, loaded in a fresh process as the engine does, with `runner` set: every call
// goes through a local endpoint answering Lambda's Invoke API by running the built bundle. Success,
// a function error, AccessDenied retried, a timeout and an oversized response, as `pulumi up` sees them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapSchema, SCHEMA_VERSION } from "../../../components";
import { need, scratchDatabase, servers } from "../../support/servers";
import { fakeAwsEnvironment, startFakeLambda, type FakeLambda } from "../runner/fake-lambda";
import { runInFreshProcess, useSerializedProviders } from "./serialized-support";
import { connectionOf } from "../runner/bundle-support";

useSerializedProviders();

let lambda: FakeLambda;
before(async () => {
  // The fresh processes inherit these: the SDK signs with them; the local endpoint ignores the signature.
  Object.assign(process.env, fakeAwsEnvironment());
  lambda = await startFakeLambda();
});
after(() => lambda?.close());

const runner = (functionName: string, extra: Record<string, unknown> = {}) => ({
  aws: { functionName, region: "eu-west-1", endpoint: lambda.endpoint, retry: { attempts: 4, delayMs: 50 }, ...extra },
});

test("fresh process: VisorSchema create and read, then VisorHaSmokeTest create, all through the runner", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "serrun");
  const inputs = { connection: connectionOf(ep), retainOnDelete: true, runner: runner("denied-2-serialized") };
  const before = lambda.calls.length;
  const created = await runInFreshProcess("schema", "create", [inputs]);
  assert.ok(created.ok, created.message);
  assert.equal(created.result.outs.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual([...created.result.outs.tables].sort(), ["message_triggers", "scheduler_locks", "schedules"]);
  assert.equal(lambda.calls.length - before, 3, "two AccessDenied answers retried, then the invoke that ran");
  assert.ok(lambda.calls.slice(before).every((c) => c.functionName === "denied-2-serialized"));

  const read = await runInFreshProcess("schema", "read", [created.result.id, created.result.outs]);
  assert.ok(read.ok, read.message);
  assert.deepEqual(read.result.props.indexes, created.result.outs.indexes);

  const smoke = await runInFreshProcess("smoke", "create", [{ connection: connectionOf(ep), runner: runner("visor-smoke") }]);
  assert.ok(smoke.ok, smoke.message);
  assert.equal(smoke.result.outs.passed, true);
  assert.equal(smoke.result.outs.checks["mutual-exclusion"].passed, true);
  assert.ok(!JSON.stringify({ ...smoke.result.outs, connection: undefined }).includes(ep.password));
});

test("fresh process: a function error, a timeout and an oversized response fail `pulumi up` clearly", async (t) => {
  const { postgres } = await servers();
  const ep = await scratchDatabase(postgres, "serrunfail");
  await bootstrapSchema(connectionOf(ep));
  const reader = need(t, postgres.reader, "the replica");
  if (reader) {
    const refused = await runInFreshProcess("schema", "create", [
      { connection: connectionOf(reader), runner: runner("visor-err") },
    ]);
    assert.equal(refused.ok, false);
    assert.match(
      refused.message!,
      /^VisorSchema: the runner \(aws:lambda:visor-err@eu-west-1\) failed: NotWriterError: .*is not the writer/,
    );
    assert.ok(!refused.message!.includes(reader.password));
    const smoke = await runInFreshProcess("smoke", "create", [{ connection: connectionOf(reader), runner: runner("visor-err") }]);
    assert.equal(smoke.ok, false);
    assert.match(smoke.message!, /✖ writer: .*read replica/);
  }
  const hung = await runInFreshProcess("smoke", "create", [
    { connection: connectionOf(ep), runner: runner("hang-serialized", { timeoutMs: 1000 }) },
  ]);
  assert.equal(hung.ok, false);
  assert.match(hung.message!, /^VisorHaSmokeTest: aws:lambda:hang-serialized@eu-west-1 did not answer within 1 s/);
  const big = await runInFreshProcess("schema", "read", [
    "id",
    { connection: connectionOf(ep), runner: runner("oversized-serialized"), retainOnDelete: true },
  ]);
  assert.equal(big.ok, false);
  assert.match(
    big.message!,
    /^VisorSchema read: the runner's response is \d+ bytes, over Lambda's 6291456-byte synchronous limit/,
  );
  const wrong = "Wr0ng-serialized-runner";
  const denied = await runInFreshProcess("schema", "create", [
    { connection: { ...connectionOf(ep), password: wrong }, runner: runner("visor-err") },
  ]);
  assert.equal(denied.ok, false);
  assert.match(denied.message!, /authentication failed/);
  assert.ok(!denied.message!.includes(wrong), denied.message);
});
