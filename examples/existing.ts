// A platform repo's Pulumi program: Visor's schema and HA smoke test on a database you already run.
import * as pulumi from "@pulumi/pulumi";
import { VisorHaSmokeTest, VisorSchema } from "visor-db-infra";

const cfg = new pulumi.Config();
const connection = {
  host: cfg.require("dbHost"),
  port: 5432,
  database: "visor",
  user: "visor",
  password: cfg.requireSecret("dbPassword"),
  ssl: { mode: "verify-full" as const, ca: cfg.get("dbCaPem") },
};
const schema = new VisorSchema("visor-schema", { connection });
const smoke = new VisorHaSmokeTest("visor-smoke-test", { connection }, { dependsOn: [schema] });

export const smokeTestPassed = smoke.passed;
