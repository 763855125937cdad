// Under Pulumi's mocks: VisorSchema and VisorHaSmokeTest register as dynamic resources with the right
// type token, the connection (it carries the password) is a secret both as an input and as an output,
// every documented output is declared, and rerunOnEveryUp controls the trigger.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { registered, resolve, setupMocks } from "../../support/pulumi-mocks";
import { VisorHaSmokeTest, VisorSchema } from "../../../components";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const PASSWORD = "mock-Pa55word-never-shown";
const connection = {
  host: "db.internal",
  port: 5432,
  database: "visor",
  user: "visor",
  password: PASSWORD,
  ssl: { mode: "verify-full" as const, ca: "PEM" },
};

// The mock monitor does not pass resource options to the mocks: record additionalSecretOutputs from the
// RegisterResource request itself.
const secretOutputs = new Map<string, string[]>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: any } };
const original = MockMonitor.prototype.registerResource;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
MockMonitor.prototype.registerResource = function (req: any, callback: unknown) {
  secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
  return original.call(this, req, callback);
};

// Values the engine would return for the declared outputs (the mock echoes inputs, then these).
const OUTPUTS: Record<string, Record<string, unknown>> = {
  VisorSchema: {
    schemaVersion: "1.0.0",
    driver: "postgresql",
    serverVersion: "15.8",
    tables: ["schedules", "scheduler_locks", "message_triggers"],
    indexes: ["schedules.idx_schedules_status(status)"],
    drift: [],
  },
  VisorHaSmokeTest: {
    passed: true,
    checks: { writer: { passed: true, detail: "ok" } },
    durationMs: 1234,
    via: "direct",
    isWriter: true,
    clockSkewMs: 3,
    testedAt: "2026-01-01T00:00:00.000Z",
  },
};

setupMocks((args) => OUTPUTS[args.type.split(":").pop()!] ?? {});

function find(name: string) {
  const r = registered.find((x) => x.name === name);
  assert.ok(r, `${name} was not registered`);
  return r;
}

function isSecretInput(v: unknown): boolean {
  return Boolean(v && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG);
}

test("VisorSchema registers as a dynamic resource with a secret connection and its outputs declared", async () => {
  const schema = new VisorSchema("visor-schema", { connection });
  const urn = await resolve(schema.urn);
  assert.match(urn.value, /pulumi-nodejs:dynamic\/visor-db-infra:VisorSchema::visor-schema$/);
  const r = find("visor-schema");
  assert.equal(r.type, "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema");

  assert.ok(isSecretInput(r.inputs.connection), `connection input is not a secret: ${JSON.stringify(r.inputs.connection)}`);
  assert.equal(r.inputs.retainOnDelete, true, "retainOnDelete defaults to true (keep data on delete)");
  const provider = r.inputs.__provider as string;
  assert.equal(typeof provider, "string");
  assert.match(provider, /exports\.handler/);
  assert.ok(!provider.includes(PASSWORD), "the password is in __provider");
  assert.ok(
    !JSON.stringify(Object.entries(r.inputs).filter(([k]) => k !== "connection")).includes(PASSWORD),
    "the password leaks into another input",
  );

  assert.ok(
    secretOutputs.get("visor-schema")?.includes("connection"),
    `additionalSecretOutputs: ${secretOutputs.get("visor-schema")}`,
  );
  const conn = await resolve((schema as unknown as { connection: pulumi.Output<typeof connection> }).connection);
  assert.equal(conn.secret, true, "the connection output is a secret");
  assert.equal(conn.value.password, PASSWORD);

  for (const [key, value] of Object.entries(OUTPUTS.VisorSchema!)) {
    const out = (schema as unknown as Record<string, pulumi.Output<unknown>>)[key];
    assert.ok(pulumi.Output.isInstance(out), `output ${key} is not declared`);
    assert.deepEqual((await resolve(out)).value, value, key);
  }
});

test("VisorSchema keeps an explicit retainOnDelete false and a secret connection given as an Output", async () => {
  const schema = new VisorSchema("visor-schema-drop", {
    connection: pulumi.output(connection),
    driver: "postgresql",
    retainOnDelete: false,
  });
  await resolve(schema.urn);
  const r = find("visor-schema-drop");
  assert.equal(r.inputs.retainOnDelete, false);
  assert.equal(r.inputs.driver, "postgresql");
  assert.ok(isSecretInput(r.inputs.connection));
});

test("VisorHaSmokeTest registers with a secret connection and pooler connection and its outputs declared", async () => {
  const smoke = new VisorHaSmokeTest("visor-smoke", {
    connection,
    poolerConnection: { ...connection, host: "pooler.internal", port: 6432 },
    nodes: 4,
    lockTtlMs: 60_000,
    heartbeatMs: 15_000,
  });
  await resolve(smoke.urn);
  const r = find("visor-smoke");
  assert.equal(r.type, "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest");
  assert.ok(isSecretInput(r.inputs.connection), "connection input is not a secret");
  assert.ok(isSecretInput(r.inputs.poolerConnection), "poolerConnection input is not a secret");
  assert.equal(r.inputs.nodes, 4);
  assert.ok(!(r.inputs.__provider as string).includes(PASSWORD));
  const secrets = secretOutputs.get("visor-smoke") ?? [];
  assert.ok(secrets.includes("connection") && secrets.includes("poolerConnection"), `additionalSecretOutputs: ${secrets}`);
  const conn = await resolve((smoke as unknown as { connection: pulumi.Output<unknown> }).connection);
  assert.equal(conn.secret, true);
  for (const [key, value] of Object.entries(OUTPUTS.VisorHaSmokeTest!)) {
    const out = (smoke as unknown as Record<string, pulumi.Output<unknown>>)[key];
    assert.ok(pulumi.Output.isInstance(out), `output ${key} is not declared`);
    assert.deepEqual((await resolve(out)).value, value, key);
  }
});

test("rerunOnEveryUp (default true) makes the trigger change between runs; false makes it 'once'", async () => {
  const a = new VisorHaSmokeTest("smoke-rerun-a", { connection });
  // Two `pulumi up`s are never in the same millisecond; two constructions here could be.
  await new Promise((r) => setTimeout(r, 5));
  const b = new VisorHaSmokeTest("smoke-rerun-b", { connection, rerunOnEveryUp: true });
  const once1 = new VisorHaSmokeTest("smoke-once-1", { connection, rerunOnEveryUp: false });
  await new Promise((r) => setTimeout(r, 5));
  const once2 = new VisorHaSmokeTest("smoke-once-2", { connection, rerunOnEveryUp: false });
  await Promise.all([a, b, once1, once2].map((s) => resolve(s.urn)));
  const ta = find("smoke-rerun-a").inputs.trigger as string;
  const tb = find("smoke-rerun-b").inputs.trigger as string;
  assert.equal(find("smoke-rerun-a").inputs.rerunOnEveryUp, true);
  assert.ok(typeof ta === "string" && ta.length > 0 && ta !== "once");
  assert.notEqual(ta, tb, "the trigger must differ between runs so every `up` re-runs the smoke test");
  assert.equal(find("smoke-once-1").inputs.trigger, "once");
  assert.equal(find("smoke-once-2").inputs.trigger, "once");
  assert.equal(find("smoke-once-1").inputs.rerunOnEveryUp, false);
});
