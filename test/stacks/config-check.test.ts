// Stack config the program would misread is refused, naming the typo and the closest known key: unknown
// keys at every level with a known shape, misspelt namespaces, secure values read as plain text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { checkStackConfig, closest } from "../../stacks/config-check";

type Config = Record<string, unknown>;
/** As Pulumi hands config to a program: objects JSON-encoded, scalars as strings. */
const asPulumi = (c: Config) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]));
const check = (c: Config, secret: string[] = []) => checkStackConfig(asPulumi(c), (k) => secret.includes(k));
const stack = (name: string) =>
  (parse(readFileSync(join(__dirname, "..", "..", "stacks", `Pulumi.${name}.yaml`), "utf8")) as { config: Config }).config;
const withDatabase = (name: string, edit: (db: Config) => void): Config => {
  const c = structuredClone(stack(name));
  edit(c["visor-db-infra:database"] as Config);
  return c;
};

test("every example stack passes", () => {
  for (const name of ["aws-prod", "gcp-prod", "azure-prod"]) check(stack(name));
  check(stack("local"), ["visor-db-infra:connection"]);
});

test("15: unknown keys are refused with the closest known key, at every known level", () => {
  const cases: [Config, RegExp][] = [
    [
      withDatabase("aws-prod", (db) => (db.multiAZ = true)),
      /visor-db-infra:database\.multiAZ is not a known key; did you mean "multiAz"\?/,
    ],
    [withDatabase("aws-prod", (db) => (db.retentionDay = 7)), /database\.retentionDay .*did you mean "retentionDays"/],
    [
      withDatabase("aws-prod", (db) => (db.deletionProtecton = false)),
      /database\.deletionProtecton .*did you mean "deletionProtection"/,
    ],
    [
      { ...stack("aws-prod"), "visor-db-infra:ha": { lockTTLSeconds: 30 } },
      /visor-db-infra:ha\.lockTTLSeconds .*did you mean "lockTtlSeconds"/,
    ],
    [
      withDatabase("aws-prod", (db) => ((db.awsBackup as Config).offsiteRegoin = "us-west-2")),
      /database\.awsBackup\.offsiteRegoin .*"offsiteRegion"/,
    ],
    [
      withDatabase("aws-prod", (db) => (db.replicas = [{ instanceClas: "db.m7g.large" }])),
      /database\.replicas\[0\]\.instanceClas .*"instanceClass"/,
    ],
    [withDatabase("aws-prod", (db) => (db.tuning = { sharedBufers: "1GB" })), /database\.tuning\.sharedBufers .*"sharedBuffers"/],
    [
      withDatabase("azure-prod", (db) => ((db.ha as Config).heartbeatIntervalSecond = 10)),
      /database\.ha\.heartbeatIntervalSecond .*"heartbeatIntervalSeconds"/,
    ],
    [withDatabase("azure-prod", (db) => (db.highAvailabilty = "Disabled")), /database\.highAvailabilty .*"highAvailability"/],
    [
      withDatabase("gcp-prod", (db) => ((db.maintenanceWindow as Config).hours = 3)),
      /database\.maintenanceWindow\.hours .*"hour"/,
    ],
    [withDatabase("gcp-prod", (db) => (db.multiAz = true)), /database\.multiAz is not a known key/],
    [{ ...stack("local"), "visor-db-infra:connection": { host: "h", pasword: "x" } }, /connection\.pasword .*"password"/],
    [{ ...stack("local"), "visor-db-infra:connection": { host: "h", ssl: { mod: "require" } } }, /connection\.ssl\.mod .*"mode"/],
    [
      { ...stack("aws-prod"), "visor-db-infra:databse": {} },
      /visor-db-infra:databse is not a known key; did you mean "database"\?/,
    ],
    [withDatabase("aws-prod", (db) => (db.xyzzy = 1)), /database\.xyzzy is not a known key \(known: .*vpcId/],
    [withDatabase("aws-prod", (db) => (db.transform = {})), /database\.transform takes functions/],
  ];
  for (const [config, expected] of cases) assert.throws(() => check(config), expected);
  // Free-form maps stay free-form.
  check(withDatabase("aws-prod", (db) => (db.tags = { anything: "goes", "[secret]": "x" })));
  check(withDatabase("aws-prod", (db) => (db.parameters = { log_min_duration_statement: "500" })));
});

test("16: a secure value in database or ha is refused; in connection it is expected", () => {
  assert.throws(
    () => check(stack("aws-prod"), ["visor-db-infra:database"]),
    /visor-db-infra:database holds a secure value, but its values are plain arguments and would be used as plain text/,
  );
  assert.throws(() => check(stack("aws-prod"), ["visor-db-infra:ha"]), /visor-db-infra:ha holds a secure value/);
  check(stack("local"), ["visor-db-infra:connection"]);
});

test("18: a misspelt namespace points at the typo, not at a missing key", () => {
  const renamed = (from: string, to: string): Config => {
    const c = { ...stack("aws-prod") };
    c[to] = c[from];
    delete c[from];
    return c;
  };
  assert.throws(
    () => check(renamed("visor-db-infra:cloud", "visor-db:cloud")),
    /visor-db:cloud is in namespace "visor-db"; did you mean "visor-db-infra:cloud"\?/,
  );
  assert.throws(
    () => check(renamed("visor-db-infra:database", "visordb-infra:database")),
    /did you mean "visor-db-infra:database"/,
  );
  assert.throws(() => check(renamed("visor-db-infra:ha", "visor-db-infa:ha")), /did you mean "visor-db-infra:ha"/);
  // Other packages' namespaces are theirs.
  check({ ...stack("aws-prod"), "aws:profile": "prod", "random:seed": "1" });
});

test("objects for the wrong target and bad values are refused", () => {
  assert.throws(
    () => check({ ...stack("aws-prod"), "visor-db-infra:connection": { host: "h" } }),
    /connection is read only with cloud: existing/,
  );
  assert.throws(
    () => check({ ...stack("local"), "visor-db-infra:database": { vpcId: "v" } }),
    /database is read only with cloud: aws, gcp or azure/,
  );
  assert.throws(
    () => check({ ...stack("aws-prod"), "visor-db-infra:database": "vpc-1" }),
    /visor-db-infra:database must be an object/,
  );
  assert.throws(
    () => check({ ...stack("aws-prod"), "visor-db-infra:requireHa": "yes" }),
    /visor-db-infra:requireHa must be true or false/,
  );
  // Pulumi.yaml's defaults ({}) are no objection.
  check({ ...stack("aws-prod"), "visor-db-infra:connection": {}, "visor-db-infra:poolerConnection": {} });
});

test("closest picks a near key only", () => {
  assert.equal(closest("multiAZ", ["multiAz", "engine"]), "multiAz");
  assert.equal(closest("zzz", ["multiAz", "engine"]), undefined);
});
