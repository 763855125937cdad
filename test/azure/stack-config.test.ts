// The example stack (stacks/Pulumi.azure-prod.yaml) must be a valid AzureVisorDatabaseArgs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { validateAzure, type AzureVisorDatabaseArgs } from "../../components/azure";
import { checkShape } from "../../stacks/config-check";
import { AZURE_SHAPE } from "../../stacks/config-shapes";

test("stacks/Pulumi.azure-prod.yaml holds a valid AzureVisorDatabaseArgs", () => {
  const doc = parse(readFileSync(join(__dirname, "../../stacks/Pulumi.azure-prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  assert.equal(doc.config["visor-db-infra:cloud"], "azure");
  assert.equal(doc.config["azure-native:location"], "westeurope");
  const args = doc.config["visor-db-infra:database"] as AzureVisorDatabaseArgs;
  const r = validateAzure(args);
  assert.equal(r.version, "18");
  assert.equal(r.replicas.length, 2);
  assert.equal(r.replicas[1]!.crossRegion, true);
  assert.equal(r.pgbouncer, true);
  assert.equal(r.geoRedundantBackup, true);
  assert.ok(r.longTermRetention && r.longTermRetention.retentionDays === 90);
  assert.equal(r.publicAccess, undefined, "the example stays private");
});

test("stacks/Pulumi.azure-prod.yaml uses only keys AzureVisorDatabaseArgs has; a typo is refused", () => {
  const doc = parse(readFileSync(join(__dirname, "../../stacks/Pulumi.azure-prod.yaml"), "utf8")) as {
    config: Record<string, Record<string, unknown>>;
  };
  const database = doc.config["visor-db-infra:database"]!;
  checkShape(database, AZURE_SHAPE, "visor-db-infra:database");
  assert.throws(
    () => checkShape({ ...database, longTermRetention: { retentionDay: 90 } }, AZURE_SHAPE, "visor-db-infra:database"),
    /visor-db-infra:database\.longTermRetention\.retentionDay is not a known key; did you mean "retentionDays"\?/,
  );
});
