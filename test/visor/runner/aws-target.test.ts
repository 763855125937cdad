// `runner.aws` is checked before anything is invoked: one message naming the field for each mistake.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runnerTargetProblem } from "../../../components/visor/runner/transport";

test("a valid AWS target, with or without region and profile, has no problem", () => {
  assert.equal(runnerTargetProblem({ aws: { functionName: "visor-runner-0a1b2c3" } }), undefined);
  assert.equal(
    runnerTargetProblem({ aws: { functionName: "visor-runner", region: "eu-west-1", profile: "deploy-role" } }),
    undefined,
  );
});

test("each mistake is named by its field", () => {
  const cases: [unknown, RegExp][] = [
    [null, /runner must be an object/],
    [{}, /runner must have exactly one of/],
    [{ aws: { functionName: "has space" } }, /runner\.aws\.functionName must be a Lambda function name or ARN/],
    [{ aws: { functionName: "f", region: "Europe" } }, /runner\.aws\.region must be an AWS region/],
    [{ aws: { functionName: "f", profile: "" } }, /runner\.aws\.profile must be a profile name/],
    [{ aws: { functionName: "f", profile: "a b" } }, /runner\.aws\.profile must be a profile name/],
    [{ aws: { functionName: "f", timeoutMs: 5 } }, /runner\.aws\.timeoutMs must be an integer from 1000/],
  ];
  for (const [target, message] of cases)
    assert.match(runnerTargetProblem(target) ?? "no problem", message, JSON.stringify(target));
});
