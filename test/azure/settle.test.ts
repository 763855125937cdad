// The bounded wait (AzureSettleWait) as the engine runs it: serialized the way `pulumi.dynamic.Resource`
// serializes a provider, loaded back from that text alone, then driven through check, create and diff.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { settleProvider, type SettleInputs } from "../../components/azure/settle";

const REPO = require("node:path").resolve(__dirname, "..", "..");

async function serializedProvider(): Promise<{ text: string; provider: pulumi.dynamic.ResourceProvider }> {
  // As pulumi.dynamic.Resource does it: the provider object held in a local.
  const provider = settleProvider;
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }));
  assert.equal(sf.containsSecrets, false);
  return { text: sf.text, provider: requireFromString(sf.text).handler() };
}

test("serialized on its own: no path of this checkout, no module of this package to load", async () => {
  const { text, provider } = await serializedProvider();
  assert.ok(!text.includes(REPO), "the serialized provider names this checkout");
  assert.doesNotMatch(text, /visor-db-infra|require\(/, "the serialized provider loads something");
  assert.deepEqual(Object.keys(provider).sort(), ["check", "create", "diff", "update"]);
});

test("create waits the given seconds, then records when it settled", async () => {
  const { provider } = await serializedProvider();
  const inputs: SettleInputs = { seconds: 0.3, reason: "test", after: ["server-id"] };
  const started = Date.now();
  const r = await provider.create!(inputs);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 290, `waited only ${elapsed} ms`);
  assert.match(r.id, /^settled-\d{4}-/);
  assert.deepEqual({ ...r.outs, settledAt: undefined }, { ...inputs, settledAt: undefined });
  assert.ok(Date.parse(r.outs.settledAt) >= started - 1);
});

test("it waits again only when what it waits after changes (a replaced server, new role assignments)", async () => {
  const { provider } = await serializedProvider();
  const olds: SettleInputs = { seconds: 60, reason: "r", after: ["a", "b"] };
  assert.deepEqual(await provider.diff!("id", olds, { ...olds, after: ["b", "a"] }), { changes: false });
  assert.deepEqual(await provider.diff!("id", olds, { ...olds, after: ["a", "c"] }), {
    changes: true,
    replaces: ["after"],
    deleteBeforeReplace: true,
  });
  // A new number of seconds is an in-place update: no new wait.
  assert.deepEqual(await provider.diff!("id", olds, { ...olds, seconds: 30 }), { changes: true });
  const updated = await provider.update!("id", { ...olds, settledAt: "2026-01-01T00:00:00.000Z" } as SettleInputs, {
    ...olds,
    seconds: 30,
  });
  assert.deepEqual(updated.outs, { ...olds, seconds: 30, settledAt: "2026-01-01T00:00:00.000Z" });
});

test("check refuses a wait that is not bounded", async () => {
  const { provider } = await serializedProvider();
  for (const seconds of [-1, 3601, Number.NaN]) {
    const r = await provider.check!({}, { seconds, reason: "r", after: [] });
    assert.deepEqual(r.failures, [{ property: "seconds", reason: "seconds must be a number from 0 to 3600" }], String(seconds));
  }
  assert.deepEqual((await provider.check!({}, { seconds: 120, reason: "r", after: [] })).failures, []);
});
