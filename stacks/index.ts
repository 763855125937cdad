// The Pulumi program: `cloud: existing` points Visor's schema bootstrap and HA smoke test at a database
// you already run (on premises, or `visor-db local up`'s endpoints). The cloud targets use the
// components in visor-db-infra/aws, /gcp and /azure (see their READMEs).
import * as pulumi from "@pulumi/pulumi";
import { VisorHaSmokeTest, VisorSchema, type VisorConnectionArgs } from "../components";

const config = new pulumi.Config("visor-db-infra");
const cloud = config.get("cloud") ?? "existing";
if (cloud !== "existing") {
  throw new Error(
    `visor-db-infra:cloud ${JSON.stringify(cloud)}: this program drives "existing"; use the AwsVisorDatabase, GcpVisorDatabase or AzureVisorDatabase component in your own program (README: "Use the components")`,
  );
}
const connection = config.requireSecretObject<VisorConnectionArgs>("connection");
const pooler = config.getSecretObject<VisorConnectionArgs>("poolerConnection");
const ha = config.getObject<{ lockTtlSeconds?: number; heartbeatIntervalSeconds?: number }>("ha") ?? {};

const schema = new VisorSchema("visor-schema", { connection });
const smoke = new VisorHaSmokeTest(
  "visor-smoke-test",
  {
    connection,
    poolerConnection: pooler,
    lockTtlMs: (ha.lockTtlSeconds ?? 60) * 1000,
    heartbeatMs: (ha.heartbeatIntervalSeconds ?? 15) * 1000,
  },
  { dependsOn: [schema] },
);

export const schemaVersion = schema.schemaVersion;
export const tables = schema.tables;
export const smokeTestPassed = smoke.passed;
export const smokeTestChecks = smoke.checks;
