// validateAwsArgs directly: the offsite region default, edge values that pass, and the deprecated `alarms`.
import { MINIMAL, PEM, setupAwsMocks } from "./helpers";
setupAwsMocks();

import { test } from "node:test";
import assert from "node:assert/strict";
import { validateAwsArgs } from "../../components/aws";

test("the offsite region has no default when the stack region is unknown or unpaired", () => {
  assert.throws(() => validateAwsArgs(MINIMAL, { region: undefined }), {
    message:
      /^AwsVisorDatabase: awsBackup\.offsiteRegion must be set \(no default offsite region for stack region unknown: set aws:region\)/,
  });
  assert.throws(() => validateAwsArgs(MINIMAL, { region: "me-central-1" }), {
    message: /awsBackup\.offsiteRegion must be set \(no default offsite region for stack region me-central-1\)/,
  });
  // …and an explicit destination or opting out needs none (with the RDS CAs given, as the region is unknown).
  const withCa = { ...MINIMAL, caBundlePem: PEM };
  assert.equal(validateAwsArgs({ ...withCa, awsBackup: { offsiteRegion: "me-south-1" } }, {}).awsBackup && "ok", "ok");
  assert.equal(validateAwsArgs({ ...withCa, awsBackup: false }, {}).awsBackup, false);
});

test("valid edge values are accepted", () => {
  const r = validateAwsArgs(
    { ...MINIMAL, retentionDays: 35, replicas: 15, engineVersion: "16.4", pool: { defaultPoolSize: 20 } },
    { region: "us-east-1" },
  );
  assert.equal(r.base.retentionDays, 35);
  assert.equal(r.replicas.length, 15);
  assert.equal(r.family, "postgres16");
  assert.equal(validateAwsArgs({ ...MINIMAL, retentionDays: 7 }, { region: "us-east-1" }).base.retentionDays, 7);
  // Without the bootstrap, its connections need no headroom: 2 tasks × 22 ≤ 50 − 5.
  const noBootstrap = { ...MINIMAL, bootstrap: false, pool: { defaultPoolSize: 22 } };
  assert.equal(validateAwsArgs(noBootstrap, { region: "us-east-1" }).base.pool.defaultPoolSize, 22);
  assert.equal(validateAwsArgs({ ...MINIMAL, engine: "aurora", replicas: 0 }, { region: "us-east-1" }).replicas.length, 0);
});

test("deprecated spelling: `alarms` still works as `alerts`, but not both", () => {
  const env = { region: "us-east-1" };
  const viaOld = validateAwsArgs({ ...MINIMAL, alarms: { cpuPercent: 90 } }, env).alarms;
  const viaNew = validateAwsArgs({ ...MINIMAL, alerts: { cpuPercent: 90 } }, env).alarms;
  assert.deepEqual(viaOld, viaNew);
  assert.equal(viaNew && viaNew.cpuPercent, 90);
  assert.equal(validateAwsArgs({ ...MINIMAL, alarms: false }, env).alarms, false);
  assert.throws(() => validateAwsArgs({ ...MINIMAL, alarms: { cpuPercent: 0 } }, env), {
    message: "AwsVisorDatabase: alarms.cpuPercent must be an integer from 1 to 100 (got 0)",
  });
  assert.throws(() => validateAwsArgs({ ...MINIMAL, alarms: {}, alerts: {} }, env), {
    message: 'AwsVisorDatabase: alarms must be unset when alerts is set (alarms is its old name) (got "[set]")',
  });
});
