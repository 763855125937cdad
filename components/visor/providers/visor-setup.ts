// `VisorSetup`: the guide's Initial Setup (Visor's role with a SCRAM verifier, its database, the grants)
// run by `pulumi up` through the runner inside the database's network, so the deployer needs no path to
// the database. The components use it in `bootstrap: { via: "runner" }`; "direct" uses @pulumi/postgresql.
import * as pulumi from "@pulumi/pulumi";
import type { ConnectRetryArgs, RunnerTargetArgs, VisorConnectionArgs } from "./connection-args";
import { setupProvider } from "./providers";

export interface VisorSetupArgs {
  /** The writer as the admin user, database `postgres`. Made a secret whole. */
  admin: pulumi.Input<VisorConnectionArgs>;
  databaseName: pulumi.Input<string>;
  appUser: pulumi.Input<string>;
  /** The app role's password as a SCRAM verifier (secret). */
  appPassword: pulumi.Input<string>;
  connectRetry?: pulumi.Input<ConnectRetryArgs>;
  /** Where the runner is; without it the setup connects from the deployer. */
  runner?: pulumi.Input<RunnerTargetArgs>;
}

export class VisorSetup extends pulumi.dynamic.Resource {
  declare public readonly role: pulumi.Output<string>;
  declare public readonly database: pulumi.Output<string>;
  declare public readonly grants: pulumi.Output<string[]>;

  constructor(name: string, args: VisorSetupArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      setupProvider,
      name,
      {
        admin: pulumi.secret(args.admin),
        databaseName: args.databaseName,
        appUser: args.appUser,
        appPassword: pulumi.secret(args.appPassword),
        connectRetry: args.connectRetry,
        runner: args.runner,
        role: undefined,
        database: undefined,
        grants: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "admin", "appPassword"] },
      "visor-db-infra",
      "VisorSetup",
    );
  }
}
