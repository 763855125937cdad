// The guide's Initial Setup (role, database, grants) on Azure, where it runs: from the deployer through
// @pulumi/postgresql (`bootstrap.via: "direct"`), or in the runner inside the VNet (VisorSetup, action
// "setup"), so the deployer needs no path to the server.
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import { createAppRole, type AppRole } from "../shared/app-role";
import { POSTGRES_PORT } from "../shared/defaults";
import type { RunnerTargetArgs } from "../visor/providers/connection-args";
import { VisorSetup } from "../visor/providers/visor-setup";
import { AZURE_POSTGRES_CA_PEM } from "./ca";
import type { AzureBuild } from "./context";

export interface AzureInitialSetup {
  appRole?: AppRole;
  setup?: VisorSetup;
  /** What the bootstrap waits for. */
  ready: pulumi.Resource[];
}

export function createInitialSetup(
  ctx: AzureBuild,
  args: {
    server: dbforpostgresql.Server;
    adminSecret: pulumi.Output<string>;
    verifier: pulumi.Input<string>;
    dependsOn: pulumi.Resource[];
    runner?: pulumi.Output<RunnerTargetArgs>;
  },
): AzureInitialSetup {
  const { name, settings } = ctx;
  if (!args.runner) {
    const appRole = createAppRole(ctx.children, {
      admin: {
        host: args.server.fullyQualifiedDomainName,
        port: POSTGRES_PORT,
        username: settings.administratorLogin,
        password: args.adminSecret,
        sslmode: "verify-full",
        sslrootcert: settings.adminSslRootCert,
      },
      databaseName: settings.base.databaseName,
      appUser: settings.base.appUser,
      passwordVerifier: args.verifier,
      dependsOn: args.dependsOn,
    });
    return { appRole, ready: [appRole.role, appRole.database, appRole.grant] };
  }
  const admin = pulumi.all([args.server.fullyQualifiedDomainName, args.adminSecret]).apply(([host, password]) => ({
    host,
    port: POSTGRES_PORT,
    database: "postgres",
    user: settings.administratorLogin,
    password,
    ssl: { mode: "verify-full" as const, ca: AZURE_POSTGRES_CA_PEM },
  }));
  const setup = new VisorSetup(
    `${name}-setup`,
    ...ctx.children.prepare(
      "runnerSetup",
      {
        admin: pulumi.secret(admin),
        databaseName: settings.base.databaseName,
        appUser: settings.base.appUser,
        appPassword: args.verifier,
        connectRetry: { timeoutMs: settings.base.bootstrap ? settings.base.bootstrap.connectTimeoutMs : 300_000 },
        runner: args.runner,
      },
      { dependsOn: args.dependsOn },
    ),
  );
  return { setup, ready: [setup] };
}
