// The dynamic providers with `runner: { gcp }`: VisorSchema create/read/delete and VisorHaSmokeTest run in
// the (local stand-in) Cloud Run job and give what the direct path gives; then the same through the
// providers serialized as `pulumi.dynamic.Resource` does it, loaded in a fresh Node process the way the
// engine's dynamic-provider host does (as test/visor/providers/serialization.test.ts does it directly).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { schemaProviderLogic } from "../../../components/visor/providers/schema-logic";
import { smokeTestProviderLogic } from "../../../components/visor/providers/smoke-logic";
import type { RunnerTarget } from "../../../components/visor/runner/contract";
import { SECRET_ENV } from "../../../components/visor/runner/container-event";
import { need, pgQuery, scratchDatabase, servers } from "../../support/servers";
import type { Endpoint } from "../../../scripts/local-env/environment";
import { runInFreshProcess, texts, useSerializedProviders } from "../providers/serialized-support";
import { startFakeCloudRun, useFakeGcpCredentials, type FakeCloudRun } from "./fake-cloud-run";
import { connectionOf } from "./bundle-support";

let fake: FakeCloudRun;
before(async () => {
  fake = await startFakeCloudRun();
  useFakeGcpCredentials(fake);
});
after(async () => {
  await fake?.close();
});
useSerializedProviders();

function runnerFor(job: string, password: string): RunnerTarget {
  fake.secrets.set(job, { [SECRET_ENV.connectionPassword]: password, VISOR_RUNNER_RESULTS_BUCKET: "visor-results" });
  return {
    gcp: {
      project: "visor-test-project",
      region: "europe-west1",
      job,
      resultsBucket: "visor-results",
      endpoint: fake.endpoint,
      storageEndpoint: fake.endpoint,
      retry: { attempts: 3, delayMs: 20 },
      pollMs: 50,
    },
  };
}

const tablesIn = async (ep: Endpoint) =>
  (
    await pgQuery<{ t: string }>(
      ep.url,
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
  ).map((r) => r.t);

test("providers through the Cloud Run job: VisorSchema create/read/delete and VisorHaSmokeTest match the direct path", async (t) => {
  const { postgres } = await servers();
  const viaRunner = await scratchDatabase(postgres, "gcpprov");
  const direct = await scratchDatabase(postgres, "gcpdirect");
  const runner = runnerFor("visor-runner-provider", viaRunner.password);
  const created = await schemaProviderLogic.create({ connection: connectionOf(viaRunner), runner });
  const reference = await schemaProviderLogic.create({ connection: connectionOf(direct) });
  const pick = (o: Record<string, unknown>) => ({ tables: o.tables, indexes: o.indexes, drift: o.drift, v: o.schemaVersion });
  assert.deepEqual(pick(created.outs as never), pick(reference.outs as never));
  assert.deepEqual(created.outs.runner, runner, "the runner target is kept in the state for read and delete");
  await pgQuery(viaRunner.url, "DROP INDEX idx_schedules_status");
  const read = await schemaProviderLogic.read(created.id, created.outs);
  assert.equal(read.props.indexes.length, (created.outs.indexes as string[]).length - 1);
  assert.match(read.props.drift.join("\n"), /idx_schedules_status/);
  await schemaProviderLogic.delete(created.id, { ...created.outs, retainOnDelete: false });
  assert.deepEqual(await tablesIn(viaRunner), [], "delete with retainOnDelete: false dropped Visor's tables in the job");
  assert.ok(
    fake.runs.every((r) => !JSON.stringify(r.overrides).includes(viaRunner.password)),
    "no password in any override",
  );

  const smoke = await smokeTestProviderLogic.create({ connection: connectionOf(direct), runner });
  assert.equal(smoke.outs.passed, true);
  assert.ok(Object.values(smoke.outs.checks).every((ch) => ch.passed));
  const reader = need(t, postgres.reader, "the replica");
  if (!reader) return;
  const failed = await smokeTestProviderLogic.create({ connection: connectionOf(reader), runner }).then(
    () => assert.fail("the replica must fail"),
    (e: Error) => e.message,
  );
  assert.match(failed, /Visor HA smoke test failed against .*✖ writer: .*remedy:/s);
  assert.ok(!failed.includes(reader.password), failed);
  const checked = await schemaProviderLogic.check(
    {} as never,
    { connection: connectionOf(direct), runner: { gcp: { ...runner.gcp!, job: "Bad_Job" } } } as never,
  );
  assert.deepEqual(
    checked.failures.map((f) => [f.property, /runner\.gcp\.job must be a Cloud Run job name/.test(f.reason)]),
    [["runner", true]],
  );
});

test("fresh process: the serialized providers run VisorSchema and VisorHaSmokeTest through the Cloud Run job", async () => {
  for (const text of [texts.schema, texts.smoke])
    assert.doesNotMatch(text, /google-auth-library|GoogleAuth/, "the client library is loaded by the package, not captured");
  const { postgres } = await servers();
  const ep = await scratchDatabase(postgres, "gcpser");
  const runner = runnerFor("visor-runner-serialized", ep.password);
  const before = fake.runs.length;
  const inputs = { connection: connectionOf(ep), retainOnDelete: true, runner };
  const created = await runInFreshProcess("schema", "create", [inputs]);
  assert.ok(created.ok, created.message);
  assert.deepEqual([...(created.result.outs.tables as string[])].sort(), ["message_triggers", "scheduler_locks", "schedules"]);
  assert.deepEqual(await tablesIn(ep), ["message_triggers", "scheduler_locks", "schedules"]);

  const smoke = await runInFreshProcess("smoke", "create", [{ connection: connectionOf(ep), runner }]);
  assert.ok(smoke.ok, smoke.message);
  assert.equal(smoke.result.outs.passed, true);
  assert.equal(smoke.result.outs.checks["mutual-exclusion"].passed, true);

  const wrong = "Wr0ng-serialized-gcp";
  const failed = await runInFreshProcess("smoke", "create", [
    { connection: { ...connectionOf(ep), password: wrong }, runner: runnerFor("visor-runner-wrongpw", wrong) },
  ]);
  assert.equal(failed.ok, false);
  assert.match(failed.message!, /authentication failed/);
  assert.ok(!failed.message!.includes(wrong) && !failed.message!.includes(ep.password), failed.message);
  assert.equal(fake.runs.length - before, 3, "each call ran the job once");
  assert.deepEqual(fake.unauthorized, []);
});
