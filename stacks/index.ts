// The Pulumi program. Stack config picks the target:
//   visor-db-infra:cloud = aws | gcp | azure   → that cloud's component, args from visor-db-infra:database
//   visor-db-infra:cloud = existing (default)  → schema bootstrap + HA smoke test on visor-db-infra:connection
// Only the chosen cloud's SDK is loaded.
import * as pulumi from "@pulumi/pulumi";
import { VisorHaSmokeTest, VisorSchema, type Endpoint, type VisorConnectionArgs, type VisorDatabaseOutputs } from "../components";
import { Validator } from "../components/shared/validation";

import { checkStackConfig } from "./config-check";

const CLOUDS = ["aws", "gcp", "azure", "existing"] as const;
type Cloud = (typeof CLOUDS)[number];

// Typos, unknown keys and misplaced secure values are refused before anything is read (config-check.ts).
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
checkStackConfig(pulumi.runtime.allConfig(), isConfigSecret);

const config = new pulumi.Config("visor-db-infra");
const v = new Validator("stack config visor-db-infra");
const cloud = v.oneOf<Cloud>("cloud", config.get("cloud") as Cloud | undefined, CLOUDS, "existing");

type HaConfig = { lockTtlSeconds?: number; heartbeatIntervalSeconds?: number };
const database = cloud === "existing" ? undefined : config.requireObject<Record<string, unknown> & { ha?: HaConfig }>("database");
/** Visor's HA settings (visor-db-infra:ha, or database.ha), validated as the guide requires: heartbeat < lock_ttl / 3. */
// Pulumi.yaml declares every object with the default {}, which means "not set".
const given = <T extends object>(o: T | undefined): T | undefined => (o && Object.keys(o).length > 0 ? o : undefined);
const ha = given(config.getObject<HaConfig>("ha")) ?? database?.ha ?? {};
const lockTtlSeconds = v.int("ha.lockTtlSeconds", ha.lockTtlSeconds, 1, 86_400, 60);
const heartbeat = v.number("ha.heartbeatIntervalSeconds", ha.heartbeatIntervalSeconds, 0.1, 86_400, 15);
v.require(
  heartbeat < lockTtlSeconds / 3,
  "ha.heartbeatIntervalSeconds",
  `below ha.lockTtlSeconds / 3 (${(lockTtlSeconds / 3).toFixed(1)})`,
  heartbeat,
);

function cloudDatabase(): VisorDatabaseOutputs & pulumi.Resource {
  // The component's own args, with the validated HA settings applied.
  const args = {
    ...config.requireObject<Record<string, unknown>>("database"),
    ha: { lockTtlSeconds, heartbeatIntervalSeconds: heartbeat },
  };
  switch (cloud) {
    case "aws": {
      const { AwsVisorDatabase } = require("../components/aws") as typeof import("../components/aws");
      return new AwsVisorDatabase("visor", args as unknown as ConstructorParameters<typeof AwsVisorDatabase>[1]);
    }
    case "gcp": {
      const { GcpVisorDatabase } = require("../components/gcp") as typeof import("../components/gcp");
      return new GcpVisorDatabase("visor", args as unknown as ConstructorParameters<typeof GcpVisorDatabase>[1]);
    }
    default: {
      const { AzureVisorDatabase } = require("../components/azure") as typeof import("../components/azure");
      return new AzureVisorDatabase("visor", args as unknown as ConstructorParameters<typeof AzureVisorDatabase>[1]);
    }
  }
}

function existingDatabase() {
  const plain = config.getObject<Record<string, unknown>>("connection");
  v.require(!!given(plain), "connection", "set for cloud: existing (host, port, database, user, password, or url)", plain);
  const connection = config.requireSecretObject<VisorConnectionArgs>("connection");
  const poolerConnection = given(config.getObject<object>("poolerConnection"))
    ? config.getSecretObject<VisorConnectionArgs>("poolerConnection")
    : undefined;
  const schema = new VisorSchema("visor-schema", { connection });
  const smokeTest = new VisorHaSmokeTest(
    "visor-smoke-test",
    { connection, poolerConnection, lockTtlMs: lockTtlSeconds * 1000, heartbeatMs: Math.round(heartbeat * 1000) },
    { dependsOn: [schema] },
  );
  const endpoint = (c: pulumi.Output<VisorConnectionArgs> | undefined) =>
    c
      ? pulumi.unsecret(c.apply((x) => ({ host: String(x.host ?? ""), port: Number(x.port ?? 5432) }) as Endpoint))
      : pulumi.output(undefined);
  return {
    writerEndpoint: endpoint(connection),
    poolerEndpoint: endpoint(poolerConnection),
    readerEndpoints: pulumi.output([] as Endpoint[]),
    databaseName: pulumi.unsecret(connection.apply((c) => String(c.database ?? "visor"))),
    schemaVersion: schema.schemaVersion,
    smokeTestPassed: smokeTest.passed,
  };
}

const outputs = cloud === "existing" ? existingDatabase() : cloudDatabase();

export const target = cloud;
export const writerEndpoint = outputs.writerEndpoint;
export const readerEndpoints = outputs.readerEndpoints;
export const poolerEndpoint = outputs.poolerEndpoint;
export const databaseName = outputs.databaseName;
