// The example stack config is a valid AwsVisorDatabaseArgs: what the README shows actually deploys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { validateAwsArgs, type AwsVisorDatabaseArgs } from "../../components/aws";
import { checkShape } from "../../stacks/config-check";
import { AWS_SHAPE } from "../../stacks/config-shapes";
import { RDS_CA } from "./helpers";

test("stacks/Pulumi.aws-prod.yaml holds valid AwsVisorDatabase args", () => {
  const file = join(__dirname, "..", "..", "stacks", "Pulumi.aws-prod.yaml");
  const { config } = parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  assert.equal(config["visor-db-infra:cloud"], "aws");
  const region = config["aws:region"] as string;
  const args = {
    ...(config["visor-db-infra:database"] as AwsVisorDatabaseArgs),
    ha: config["visor-db-infra:ha"] as AwsVisorDatabaseArgs["ha"],
  };
  const r = validateAwsArgs(args, { region });
  assert.equal(r.engine, "rds");
  assert.equal(r.base.retentionDays, 7);
  assert.deepEqual(r.awsBackup && r.awsBackup.offsite, { region: "us-west-2", kmsKeyArn: undefined });
  assert.equal(r.pooler.kind, "pgbouncer");
  // No CA input: verify-full trusts the bundled RDS CAs of the stack's region.
  assert.ok(!("caBundlePem" in args) && !("caBundleFile" in args));
  assert.equal(r.caBundlePem, RDS_CA);
  // Tuning fits db.m7g.large's 8 GiB: the guide's 25 % and 50 %.
  assert.deepEqual([r.base.tuning.sharedBuffers, r.base.tuning.effectiveCacheSize], [2 * 1024 ** 3, 4 * 1024 ** 3]);
});

test("stacks/Pulumi.aws-prod.yaml uses only keys AwsVisorDatabaseArgs has; a typo is refused", () => {
  const { config } = parse(readFileSync(join(__dirname, "..", "..", "stacks", "Pulumi.aws-prod.yaml"), "utf8")) as {
    config: Record<string, Record<string, unknown>>;
  };
  const database = config["visor-db-infra:database"]!;
  checkShape(database, AWS_SHAPE, "visor-db-infra:database");
  assert.throws(
    () => checkShape({ ...database, poolerSetings: {} }, AWS_SHAPE, "visor-db-infra:database"),
    /visor-db-infra:database\.poolerSetings is not a known key; did you mean "poolerSettings"\?/,
  );
});
