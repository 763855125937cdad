// What the VisorSchema dynamic provider does: create = bootstrap, update = bootstrap to this package's
// schema version, read = the schema actually present (so `pulumi refresh` shows drift), delete = keep
// everything unless retainOnDelete is explicitly false.
import type { Knex } from "knex";
import { bootstrapWith, dropVisorTables } from "../bootstrap";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection, type VisorDriver } from "../connection";
import { writerStatus } from "../dialects";
import { inspectSchema, type SchemaReport } from "../inspect";
import { redactSecrets } from "../redact";
import { waitForKnex } from "../retry";
import { SCHEMA_VERSION } from "../schema-definition";
import { SMOKE_REMEDIES } from "../remedies";
import type { ConnectRetryArgs } from "./connection-args";
import { UNKNOWN, checkBool, checkConnection, checkRetry, endpointKey, stableJson, type CheckFailure } from "./inputs";

export interface SchemaProviderInputs {
  connection: VisorConnection;
  driver?: VisorDriver;
  /** Default true: deleting the resource keeps every table and row. */
  retainOnDelete?: boolean;
  grantTo?: string;
  connectRetry?: ConnectRetryArgs;
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

function describeReport(report: SchemaReport) {
  return {
    driver: report.driver,
    serverVersion: report.serverVersion,
    tables: report.tables.filter((t) => t.exists).map((t) => t.name),
    indexes: report.tables
      .flatMap((t) => t.indexes.filter((i) => !i.primary).map((i) => `${t.name}.${i.name}(${i.columns.join(",")})`))
      .sort(),
    drift: report.differences.map((d) => d.detail),
  };
}

/** A replica can hold a replicated schema and still never take Visor's writes: refuse it by name. */
async function requireWriter(db: Knex, driver: VisorDriver, endpoint: string): Promise<void> {
  const status = await writerStatus(db, driver);
  if (!status.isWriter) throw new Error(`${endpoint} is not the writer: ${status.detail}; remedy: ${SMOKE_REMEDIES.writer}`);
}

/** Driver errors can quote a whole statement; keep deployment errors readable. */
function shorten(message: string): string {
  return message.length > 600 ? `${message.slice(0, 300)} … ${message.slice(-200)}` : message;
}

/** One operation: the connection resolved once, one pool for the wait, the writer check and the bootstrap. */
async function apply(inputs: SchemaProviderInputs): Promise<SchemaProviderOutputs> {
  const given = withDriver(inputs);
  const secrets = [given.password];
  try {
    const conn = resolveConnection(given);
    secrets.push(conn.password);
    const endpoint = describeEndpoint(conn);
    const db = await openKnex(conn, { pool: { min: 0, max: 1 } });
    try {
      await waitForKnex(db, endpoint, inputs.connectRetry, secrets);
      await requireWriter(db, conn.driver, endpoint);
      const result = await bootstrapWith(db, conn.driver, { grantTo: inputs.grantTo });
      return { ...inputs, ...describeReport(result.report), schemaVersion: result.version };
    } finally {
      await db.destroy();
    }
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
    const changed = (["connection", "driver", "retainOnDelete", "grantTo", "connectRetry"] as const).filter(
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
    const conn = withDriver(props);
    try {
      const report = await inspectSchema(conn);
      return { id, props: { ...props, ...describeReport(report) } };
    } catch (err) {
      throw new Error(`VisorSchema read: ${redactSecrets((err as Error).message, [conn.password])}`);
    }
  },

  async delete(_id: string, props: SchemaProviderOutputs) {
    // Only an explicit `false` drops anything, and then only Visor's three tables.
    if (props.retainOnDelete !== false) return;
    await dropVisorTables(withDriver(props));
  },
};
