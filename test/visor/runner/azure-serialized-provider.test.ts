// The serialized VisorHaSmokeTest and VisorSchema providers (as `pulumi.dynamic.Resource` serializes them)
// in a fresh Node process, laid out like a Pulumi program depending on this package, running through
// `runner: { azure }` against the loopback Resource Manager: the built package loads the Azure SDK on
// first use, the container group runs the built bundle, and the report comes back.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { scratchDatabase, servers } from "../../support/servers";
import { FakeArm } from "./azure-arm-fake";

const REPO = resolve(__dirname, "..", "..", "..");
const HOST = String.raw`
"use strict";
const fs = require("node:fs");
const [, , rfsPath, providerFile, method, argsFile] = process.argv;
const provider = require(rfsPath)(fs.readFileSync(providerFile, "utf8")).handler();
Promise.resolve()
  .then(() => provider[method](...JSON.parse(fs.readFileSync(argsFile, "utf8"))))
  .then((result) => ({ ok: true, result }), (err) => ({ ok: false, message: String(err && err.message) }))
  .then((out) => { process.stdout.write("\n@@RESULT@@" + JSON.stringify(out) + "\n"); process.exit(0); });
`;

const fake = new FakeArm();
let programDir = "";
let rfsPath = "";
let credentialEnv: Record<string, string> = {};
let endpoint = "";

before(async () => {
  const started = await fake.start();
  endpoint = started.endpoint;
  credentialEnv = FakeArm.credentialEnv(started.identityEndpoint);
  const pkg = require("visor-db-infra");
  programDir = mkdtempSync(join(tmpdir(), "visor-azure-program-"));
  mkdirSync(join(programDir, "node_modules"));
  symlinkSync(REPO, join(programDir, "node_modules", "visor-db-infra"), "dir");
  writeFileSync(join(programDir, "host.cjs"), HOST);
  for (const [file, provider] of [
    ["smoke-provider.js", pkg.smokeTestProvider],
    ["schema-provider.js", pkg.schemaProvider],
    ["setup-provider.js", pkg.setupProvider],
  ] as const)
    writeFileSync(join(programDir, file), (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text);
  rfsPath = require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] });
});
after(async () => {
  await fake.stop();
  if (programDir) rmSync(programDir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider results are plain JSON documents
type Json = any;

async function inFreshProcess(
  file: string,
  method: string,
  args: unknown[],
): Promise<{ ok: boolean; result?: Json; message?: string }> {
  const argsFile = join(programDir, `args-${method}-${Date.now()}.json`);
  writeFileSync(argsFile, JSON.stringify(args), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, ...credentialEnv };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ["host.cjs", rfsPath, file, method, argsFile], {
    cwd: programDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  rmSync(argsFile);
  const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
  assert.ok(line, `no result (exit ${code}):\n${stdout}\n${stderr}`);
  return JSON.parse(line.slice("@@RESULT@@".length));
}

test("fresh process: VisorSetup, VisorSchema and VisorHaSmokeTest create through runner.azure", async () => {
  const { postgres } = await servers();
  const ep = await scratchDatabase(postgres, "azs");
  const runner = {
    azure: {
      subscriptionId: "00000000-0000-4000-8000-000000000002",
      resourceGroupName: "visor-rg",
      location: "westeurope",
      subnetId:
        "/subscriptions/00000000-0000-4000-8000-000000000002/resourceGroups/visor-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/visor-runner",
      image: "mcr.microsoft.com/devcontainers/javascript-node:22",
      endpoint,
      endpointCa: fake.ca,
      pollIntervalMs: 100,
      timeoutMs: 60_000,
    },
  };
  const connection = { host: ep.host, port: ep.port, database: ep.database, user: ep.user, password: ep.password };

  // The initial setup as the admin, idempotent: the role and database exist already and stay as they are.
  const setup = await inFreshProcess("setup-provider.js", "create", [
    { admin: { url: postgres.adminUrl }, databaseName: ep.database, appUser: ep.user, appPassword: ep.password, runner },
  ]);
  assert.ok(setup.ok, setup.message);
  assert.deepEqual([setup.result.outs.role, setup.result.outs.database], [ep.user, ep.database]);

  const schema = await inFreshProcess("schema-provider.js", "create", [{ connection, retainOnDelete: true, runner }]);
  assert.ok(schema.ok, schema.message);
  assert.deepEqual([...(schema.result.outs.tables as string[])].sort(), ["message_triggers", "scheduler_locks", "schedules"]);

  const smoke = await inFreshProcess("smoke-provider.js", "create", [{ connection, runner, trigger: "t1" }]);
  assert.ok(smoke.ok, smoke.message);
  assert.equal(smoke.result.outs.passed, true);
  assert.equal(smoke.result.outs.checks["mutual-exclusion"].passed, true);
  assert.equal(fake.groups.size, 0, "every group was deleted");
  assert.equal(fake.deleted.length, 3);

  const wrong = "Wr0ng-serialized-azure-pw";
  const failed = await inFreshProcess("smoke-provider.js", "create", [
    { connection: { ...connection, password: wrong }, runner },
  ]);
  assert.equal(failed.ok, false);
  assert.match(failed.message!, /authentication failed/);
  assert.ok(!failed.message!.includes(wrong), failed.message);
});
