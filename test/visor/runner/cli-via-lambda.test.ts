// `visor-db smoke|inspect|bootstrap|setup --via-lambda <name>` against a local endpoint answering Lambda's
// Invoke API with the built bundle (AWS_ENDPOINT_URL_LAMBDA, as the SDK reads it): the same output and
// exit code as running the command here.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../../support/cli";
import { need, scratchDatabase, servers } from "../../support/servers";
import { fakeAwsEnvironment, startFakeLambda, type FakeLambda } from "./fake-lambda";

let lambda: FakeLambda;
before(async () => {
  lambda = await startFakeLambda();
});
after(() => lambda?.close());

const viaLambdaEnv = () => ({ ...fakeAwsEnvironment(), AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint });

test("--via-lambda prints what the command prints here, with the same exit code", async (t) => {
  const { postgres } = await servers();
  const ep = await scratchDatabase(postgres, "clilambda");
  const boot = await runCli(
    ["bootstrap", "--url", ep.url, "--via-lambda", "visor-cli", "--region", "eu-central-1"],
    viaLambdaEnv(),
  );
  assert.equal(boot.code, 0, boot.stderr);
  assert.match(boot.stdout, /created: schedules, scheduler_locks, message_triggers/);
  assert.equal(lambda.calls.at(-1)?.functionName, "visor-cli");

  for (const args of [
    ["inspect", "--url", ep.url, "--json"],
    ["bootstrap", "--url", ep.url, "--json"],
  ]) {
    const here = await runCli(args);
    const there = await runCli([...args, "--via-lambda", "visor-cli"], viaLambdaEnv());
    assert.equal(there.code, here.code, there.stderr);
    assert.deepEqual(JSON.parse(there.stdout), JSON.parse(here.stdout), args[0]);
  }
  const smoke = await runCli(["smoke", "--url", ep.url, "--via-lambda", "visor-cli"], viaLambdaEnv());
  assert.equal(smoke.code, 0, smoke.stdout + smoke.stderr);
  assert.match(smoke.stdout, /✔ mutual-exclusion: .*\n[\s\S]*PASSED/);

  const reader = need(t, postgres.reader, "the replica");
  if (!reader) return;
  const failed = await runCli(["smoke", "--url", reader.url, "--via-lambda", "visor-cli"], viaLambdaEnv());
  assert.equal(failed.code, 1, "a failed check exits 1, as without --via-lambda");
  assert.match(failed.stdout, /✖ writer: .*read replica/);
  const refused = await runCli(["bootstrap", "--url", reader.url, "--via-lambda", "visor-cli"], viaLambdaEnv());
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /the runner \(aws:lambda:visor-cli\) failed: NotWriterError: .*is not the writer/);
  assert.ok(!refused.stderr.includes(reader.password));
});
