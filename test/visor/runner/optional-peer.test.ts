// A transport whose cloud SDK is not installed says which package to install, naming its target.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RunnerInvokeError } from "../../../components/visor/runner/contract";
import { loadOptionalPeer } from "../../../components/visor/runner/optional-peer";

const missing = () => import("visor-db-infra-no-such-package" as string);

test("one missing package: the target, the package, the install command", async () => {
  await assert.rejects(
    loadOptionalPeer("runner.aws", ["@aws-sdk/client-lambda"], missing),
    (e: unknown) =>
      e instanceof RunnerInvokeError &&
      e.kind === "transport" &&
      e.message ===
        "runner.aws needs the @aws-sdk/client-lambda package (an optional peer dependency): npm install @aws-sdk/client-lambda",
  );
});

test("two packages are named together; other failures and successes pass through", async () => {
  await assert.rejects(
    loadOptionalPeer("runner.azure", ["@azure/arm-containerinstance", "@azure/identity"], missing),
    /^RunnerInvokeError: runner\.azure needs the @azure\/arm-containerinstance and @azure\/identity packages \(optional peer dependencies\): npm install @azure\/arm-containerinstance @azure\/identity$/,
  );
  await assert.rejects(
    loadOptionalPeer("runner.gcp", ["x"], () => Promise.reject(new TypeError("boom"))),
    TypeError,
  );
  assert.equal(await loadOptionalPeer("runner.gcp", ["x"], async () => 42), 42);
});
