// `VisorSchema`: Visor's tables on a database, created and upgraded by `pulumi up`, kept on destroy.
import * as pulumi from "@pulumi/pulumi";
import type { VisorDriver } from "../connection";
import type { ConnectRetryArgs, RunnerTargetArgs, VisorConnectionArgs } from "./connection-args";
import { schemaProvider } from "./providers";

export interface VisorSchemaArgs {
  /** The writer endpoint. Made a secret whole: it carries the password. */
  connection: pulumi.Input<VisorConnectionArgs>;
  /** Default: from the connection. */
  driver?: pulumi.Input<VisorDriver>;
  /**
   * Default true: `pulumi destroy` keeps all tables and data. Only an explicit `false` drops Visor's
   * three tables (never anything else).
   */
  retainOnDelete?: pulumi.Input<boolean>;
  /** Grant SELECT/INSERT/UPDATE/DELETE on Visor's tables to this role (least-privilege Visor). */
  grantTo?: pulumi.Input<string>;
  /** Waiting for a fresh endpoint. Default: up to 5 minutes, exponential backoff from 1 s. */
  connectRetry?: pulumi.Input<ConnectRetryArgs>;
  /**
   * Run inside the database's network: `{ aws: { functionName, region } }` invokes the runner function
   * (see components/aws `bootstrap: { via: "runner" }`) and waits for it. Default: connect from the deployer.
   */
  runner?: pulumi.Input<RunnerTargetArgs>;
  /**
   * The guide's Initial Setup (Visor's role, its database, grants) as the admin user, before the schema;
   * with `runner`, inside the database's network. Made a secret whole: it carries the admin password.
   */
  setup?: pulumi.Input<{
    admin: pulumi.Input<VisorConnectionArgs>;
    appUser?: pulumi.Input<string>;
    databaseName?: pulumi.Input<string>;
    /** A SCRAM-SHA-256 verifier (stored as given) or a plain password. */
    appPassword: pulumi.Input<string>;
  }>;
}

export class VisorSchema extends pulumi.dynamic.Resource {
  /** This package's schema version applied. */
  declare public readonly schemaVersion: pulumi.Output<string>;
  declare public readonly driver: pulumi.Output<VisorDriver>;
  declare public readonly serverVersion: pulumi.Output<string>;
  /** Visor's tables present. */
  declare public readonly tables: pulumi.Output<string[]>;
  /** `table.index(columns)` present on Visor's tables; a dropped index disappears after `pulumi refresh`. */
  declare public readonly indexes: pulumi.Output<string[]>;
  /** Differences from Visor's schema found by the last read. */
  declare public readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: VisorSchemaArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      schemaProvider,
      name,
      {
        connection: pulumi.secret(args.connection),
        driver: args.driver,
        retainOnDelete: args.retainOnDelete ?? true,
        grantTo: args.grantTo,
        connectRetry: args.connectRetry,
        runner: args.runner,
        setup: args.setup === undefined ? undefined : pulumi.secret(args.setup),
        schemaVersion: undefined,
        serverVersion: undefined,
        tables: undefined,
        indexes: undefined,
        drift: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [
          ...(opts.additionalSecretOutputs ?? []),
          "connection",
          ...(args.setup === undefined ? [] : ["setup"]),
        ],
      },
      "visor-db-infra",
      "VisorSchema",
    );
  }
}
