// The example stack config is a valid AwsVisorDatabaseArgs: what the README shows actually deploys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { validateAwsArgs, type AwsVisorDatabaseArgs } from "../../components/aws";

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
});
