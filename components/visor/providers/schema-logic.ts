// What the VisorSchema dynamic provider does: create = bootstrap, update = bootstrap to this package's
// schema version, read = the schema actually present (so `pulumi refresh` shows drift), delete = keep
// everything unless retainOnDelete is explicitly false.
import { resolveConnection, type VisorConnection, type VisorDriver } from "../connection";
import { redactSecrets } from "../redact";
import { bootstrapAction, dropAction, inspectAction, setupAction, type BootstrapJson } from "../runner/actions";
import type { RunnerTarget } from "../runner/contract";
import { invokeRunner } from "../runner/transport";
import { schemaSummary } from "../inspect-view";
import { SCHEMA_VERSION } from "../schema-definition";
import type { ConnectRetryArgs } from "./connection-args";
import {
  UNKNOWN,
  checkBool,
  checkConnection,
  checkRetry,
  checkRunner,
  endpointKey,
  stableJson,
  type CheckFailure,
} from "./inputs";

export interface SchemaProviderInputs {
  connection: VisorConnection;
  driver?: VisorDriver;
  /** Default true: deleting the resource keeps every table and row. */
  retainOnDelete?: boolean;
  grantTo?: string;
  connectRetry?: ConnectRetryArgs;
  /** Run inside the database's network through this runner instead of connecting from the deployer. */
  runner?: RunnerTarget;
  /** The guide's Initial Setup (role, database, grants) as the admin user, run first on create and update. */
  setup?: SchemaSetupInputs;
}

export interface SchemaSetupInputs {
  /** The writer as the admin (master) user, usually on database `postgres`. */
  admin: VisorConnection;
  appUser?: string;
  databaseName?: string;
  /** The app role's SCRAM-SHA-256 verifier (or a plain password). */
  appPassword: string;
}

export interface SchemaProviderOutputs extends SchemaProviderInputs {
  schemaVersion: string;
  driver: VisorDriver;
  serverVersion: string;
  tables: string[];
  /** `table.index(columns)` for every index present on Visor's tables. */
  indexes: string[];
  /** Differences found by the last read (empty after a bootstrap). */
  drift: string[];
}

function withDriver(inputs: SchemaProviderInputs): VisorConnection {
  return inputs.driver ? { ...inputs.connection, driver: inputs.driver } : inputs.connection;
}

/** Driver errors can quote a whole statement; keep deployment errors readable. */
function shorten(message: string): string {
  return message.length > 600 ? `${message.slice(0, 300)} … ${message.slice(-200)}` : message;
}

/** One operation (wait, writer check, bootstrap), here or in the runner: the same function either way. */
async function apply(inputs: SchemaProviderInputs): Promise<SchemaProviderOutputs> {
  const connection = withDriver(inputs);
  const options = { grantTo: inputs.grantTo, connectRetry: inputs.connectRetry ?? {} };
  const secrets = [connection.password, inputs.setup?.admin.password, inputs.setup?.appPassword];
  try {
    if (inputs.setup) {
      const { admin, ...setup } = inputs.setup;
      const event = { action: "setup" as const, connection: admin, options: { ...setup, connectRetry: options.connectRetry } };
      if (inputs.runner) await invokeRunner(inputs.runner, event);
      else await setupAction(admin, event.options);
    }
    const result: BootstrapJson = inputs.runner
      ? await invokeRunner(inputs.runner, { action: "bootstrap", connection, options })
      : await bootstrapAction(connection, options);
    const { driver, serverVersion, tables, indexes, drift } = result;
    return { ...inputs, driver, serverVersion, tables, indexes, drift, schemaVersion: result.version };
  } catch (err) {
    throw new Error(`VisorSchema: ${shorten(redactSecrets((err as Error).message, secrets))}`);
  }
}

export const schemaProviderLogic = {
  async check(_olds: SchemaProviderInputs, news: SchemaProviderInputs) {
    const failures: CheckFailure[] = [];
    checkConnection("connection", news.connection, failures);
    checkBool("retainOnDelete", news.retainOnDelete, failures);
    checkRetry("connectRetry", news.connectRetry, failures);
    checkRunner("runner", news.runner, failures);
    if (news.setup !== undefined) checkConnection("setup.admin", news.setup.admin, failures);
    if (
      news.driver !== undefined &&
      (news.driver as string) !== UNKNOWN &&
      !["postgresql", "mysql", "mssql"].includes(news.driver)
    ) {
      failures.push({
        property: "driver",
        reason: `driver must be one of postgresql, mysql, mssql (got ${JSON.stringify(news.driver)})`,
      });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: SchemaProviderOutputs, news: SchemaProviderInputs) {
    const changed = (["connection", "driver", "retainOnDelete", "grantTo", "connectRetry", "runner", "setup"] as const).filter(
      (k) => stableJson(olds[k]) !== stableJson(news[k]),
    );
    // A new package version with a newer schema upgrades the database in place.
    if (olds.schemaVersion !== SCHEMA_VERSION) changed.push("schemaVersion" as never);
    const moved = endpointKey(olds.connection) !== endpointKey(news.connection);
    return {
      changes: changed.length > 0,
      // Never a replace: a replace would run delete on the old endpoint. Pointing at another database is an update.
      replaces: [],
      stables: moved ? [] : ["driver"],
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: SchemaProviderInputs) {
    const outs = await apply(inputs);
    const r = resolveConnection(withDriver(inputs));
    return { id: `${r.driver}://${r.host}:${r.port}/${r.database}`, outs };
  },

  async update(_id: string, _olds: SchemaProviderOutputs, news: SchemaProviderInputs) {
    return { outs: await apply(news) };
  },

  async read(id: string, props: SchemaProviderOutputs) {
    const connection = withDriver(props);
    try {
      const view = props.runner
        ? await invokeRunner(props.runner, { action: "inspect", connection })
        : await inspectAction(connection);
      return { id, props: { ...props, ...schemaSummary(view) } };
    } catch (err) {
      throw new Error(`VisorSchema read: ${redactSecrets((err as Error).message, [connection.password])}`);
    }
  },

  async delete(_id: string, props: SchemaProviderOutputs) {
    // Only an explicit `false` drops anything, and then only Visor's three tables.
    if (props.retainOnDelete !== false) return;
    const connection = withDriver(props);
    if (props.runner) await invokeRunner(props.runner, { action: "drop", connection, options: { retainOnDelete: false } });
    else await dropAction(connection);
  },
};
