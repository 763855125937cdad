// Azure's own rules from issue 18, one assertion each on what the component validates or registers:
// pg_stat_statements that records (#5), the version's preload libraries kept (#6), lower-case pool mode
// (#11), 30-day PITR (#12), Cross Region Restore (#9) and its one-way switch.
import assert from "node:assert/strict";
import { test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { resolve } from "../support/pulumi-mocks";
import { MINIMAL, one, outputOverrides, setupAzureMocks } from "./helpers";
setupAzureMocks();
import { params, refusal } from "./rules-support";
import { serverParameters, validateAzureArgs, type AzureVisorDatabaseArgs } from "../../components/azure";
import { crossRegionRestoreDriftMessage } from "../../components/azure/backups";
import { T, make } from "./component-fixtures";

test("pg_stat_statements records: track top, allow-listed, preloaded with the version's default kept (#5, #6)", () => {
  const p = params({});
  assert.equal(p["pg_stat_statements.track"], "top", "Azure's default `none` records nothing");
  assert.equal(p["azure.extensions"], "pg_stat_statements");
  assert.equal(p.shared_preload_libraries, "pg_cron,pg_stat_statements", "PostgreSQL 18's default: pg_cron is not removed");
  assert.equal(params({ engineVersion: "16" }).shared_preload_libraries, "pg_cron,pg_stat_statements");
  // The user's lists are merged with ours, never replaced by them nor dropping pg_stat_statements.
  const merged = params({ parameters: { "azure.extensions": "pgcrypto, uuid-ossp", shared_preload_libraries: "auto_explain" } });
  assert.equal(merged["azure.extensions"], "pgcrypto,uuid-ossp,pg_stat_statements");
  assert.equal(merged.shared_preload_libraries, "auto_explain,pg_stat_statements");
  assert.equal(params({ parameters: { "pg_stat_statements.track": "all" } })["pg_stat_statements.track"], "all");
  assert.equal(
    refusal({ parameters: { "pg_stat_statements.track": "none" } }),
    'AzureVisorDatabase: parameters.pg_stat_statements.track must be "top" or "all" ("none" records nothing for the guide\'s slow-query view) (got "none")',
  );
  // Each parameter once.
  const names = serverParameters(validateAzureArgs({ ...MINIMAL, parameters: { "azure.extensions": "pgcrypto" } })).map(
    ([n]) => n,
  );
  assert.equal(new Set(names).size, names.length);
});

test("PgBouncer's pool mode in Azure's documented lower case (#11)", () => {
  assert.equal(params({})["pgbouncer.pool_mode"], "transaction");
});

test("PITR: 30 days by default (the guide's daily/30-day tier), Azure's 7–35 allowed (#12)", () => {
  assert.equal(validateAzureArgs(MINIMAL).base.retentionDays, 30);
  assert.equal(validateAzureArgs({ ...MINIMAL, retentionDays: 7 }).base.retentionDays, 7);
  assert.equal(refusal({ retentionDays: 36 }), "AzureVisorDatabase: retentionDays must be an integer from 7 to 35 (got 36)");
});

test("Cross Region Restore: on with a geo-redundant vault, refused without one (#9)", () => {
  const ltr = (l: AzureVisorDatabaseArgs["longTermRetention"]) =>
    validateAzureArgs({ ...MINIMAL, longTermRetention: l }).longTermRetention;
  const geo = ltr(true);
  assert.equal(geo && geo.crossRegionRestore, true);
  const zone = ltr({ vaultRedundancy: "ZoneRedundant" });
  assert.equal(zone && zone.crossRegionRestore, false);
  assert.equal(
    refusal({ longTermRetention: { vaultRedundancy: "LocallyRedundant", crossRegionRestore: true } }),
    'AzureVisorDatabase: longTermRetention.crossRegionRestore must be false unless vaultRedundancy is "GeoRedundant" (only a geo-redundant vault has a copy in the paired region) (got true)',
  );
});

test("Cross Region Restore cannot be turned off once on: the change is held back and reported (#9)", async (t) => {
  const warnings: string[] = [];
  t.mock.method(console, "warn", (msg: string) => warnings.push(String(msg)));
  let vaultOpts: pulumi.CustomResourceOptions | undefined;
  // The vault in Azure has it on; the program asks for it off.
  outputOverrides["crr-backup-vault"] = { properties: { featureSettings: { crossRegionRestoreSettings: { state: "Enabled" } } } };
  const db = await make("crr", {
    longTermRetention: { crossRegionRestore: false },
    transform: { backupVault: (_a, o) => void (vaultOpts = o) },
  });
  const vault = one("crr", T.vault, "crr-backup-vault").inputs.properties as Record<string, unknown>;
  assert.deepEqual(vault.featureSettings, { crossRegionRestoreSettings: { state: "Disabled" } });
  assert.deepEqual(vaultOpts?.ignoreChanges, ["properties.featureSettings.crossRegionRestoreSettings"]);
  await resolve(db.resources.backupVault!.properties);
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(
    warnings.some((w) => w.includes(crossRegionRestoreDriftMessage())),
    `expected the warning, got ${JSON.stringify(warnings)}`,
  );
});
