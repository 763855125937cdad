// `bootstrap: { via: "runner" }` (the default) on GcpVisorDatabase: the runner job in the instance's network, and the
// initial setup VisorSchema runs first through it. No @pulumi/postgresql connection from the deployer: the built-in
// admin creates Visor's role inside the VPC, grants it on Cloud SQL's database (owned by cloudsqlsuperuser, kept so)
// and on `public`, exactly what the direct path's createAppRoleOn does.
import * as pulumi from "@pulumi/pulumi";
import type { AppCredentials } from "../shared/app-credentials";
import type { Children } from "../shared/children";
import { POSTGRES_PORT } from "../shared/defaults";
import type { VisorSchemaArgs } from "../visor/providers/visor-schema";
import type { RunnerTargetArgs } from "../visor/providers/connection-args";
import type { GcpBuild } from "./context";
import type { CloudSqlCredentials } from "./credentials";
import { gcpRunner, type GcpRunner, type GcpRunnerTransforms } from "./runner";

export interface RunnerBootstrap {
  runner: GcpRunner;
  /** What VisorSchema and VisorHaSmokeTest take as `runner`. */
  target: pulumi.Output<RunnerTargetArgs>;
  /** VisorSchema's `setup`: the Cloud SQL variant (database kept, grants on it and on `public`). */
  setup: NonNullable<VisorSchemaArgs["setup"]>;
  /** Everything that must exist before the first run. */
  ready: pulumi.Resource[];
}

export function runnerBootstrap(
  ctx: GcpBuild,
  c: {
    /** The instance's DNS name (the name its server certificate carries). */
    host: pulumi.Output<string>;
    serverCa: pulumi.Output<string>;
    sqlCreds: CloudSqlCredentials;
    app: AppCredentials;
  },
): RunnerBootstrap {
  const { settings, name } = ctx;
  const runner = gcpRunner({
    name,
    children: ctx.children as Children<GcpRunnerTransforms>,
    project: settings.project,
    region: settings.region,
    network: settings.network,
    labels: settings.base.tags,
    settings: settings.runner,
    // The job holds the passwords from Secret Manager; the events it is started with carry none.
    adminPassword: c.sqlCreds.adminSecret,
    appPassword: c.app.plain,
    // The role gets the verifier, as on the direct path: PgBouncer's userlist holds the same string.
    appVerifier: c.app.verifier,
  });
  const admin = pulumi
    .all([c.host, c.sqlCreds.adminUser.name, c.sqlCreds.adminSecret, c.serverCa])
    .apply(([host, user, password, ca]) => ({
      host,
      port: POSTGRES_PORT,
      database: "postgres",
      user,
      password,
      ssl: { mode: "verify-full" as const, ca },
    }));
  const setup = pulumi.secret({
    admin,
    appUser: settings.base.appUser,
    databaseName: c.sqlCreds.database.name,
    appPassword: c.app.verifier,
    databaseOwner: "keep" as const,
    schemaPrivileges: ["CREATE", "USAGE"],
  });
  return {
    runner,
    target: runner.target.apply((gcp) => ({ gcp })),
    setup,
    ready: [runner.job, ...runner.secretVersions],
  };
}
