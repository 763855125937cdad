// The guide's Initial Setup (role, database, grants) on Azure, where it runs: from the deployer through
// @pulumi/postgresql (`bootstrap.via: "direct"`), or first inside VisorSchema in the runner in the VNet
// (its `setup` input, as on AWS), so the deployer needs no path to the server.
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import { createAppRole, type AppRole } from "../shared/app-role";
import { POSTGRES_PORT } from "../shared/defaults";
import type { VisorSchemaArgs } from "../visor/providers/visor-schema";
import { AZURE_POSTGRES_CA_PEM } from "./ca";
import type { AzureBuild } from "./context";

export interface AzureInitialSetup {
  /** `via: "direct"`: the role, database and grants from the deployer. */
  appRole?: AppRole;
  /** `via: "runner"`: VisorSchema's `setup` input, run in the runner before the schema. */
  schemaSetup?: VisorSchemaArgs["setup"];
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
    viaRunner: boolean;
  },
): AzureInitialSetup {
  const { settings } = ctx;
  if (args.viaRunner) {
    // The admin's password only ever travels as a secure value of the run's container group.
    const admin = pulumi.all([args.server.fullyQualifiedDomainName, args.adminSecret]).apply(([host, password]) => ({
      host,
      port: POSTGRES_PORT,
      database: "postgres",
      user: settings.administratorLogin,
      password,
      ssl: { mode: "verify-full" as const, ca: AZURE_POSTGRES_CA_PEM },
    }));
    const schemaSetup = pulumi.secret({
      admin,
      appUser: settings.base.appUser,
      databaseName: settings.base.databaseName,
      appPassword: args.verifier,
    });
    return { schemaSetup, ready: args.dependsOn };
  }
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
