// The four things the runner does, as the functions `visor-db setup|bootstrap|smoke|inspect --json` call:
// each returns exactly the JSON the CLI prints, so the CLI, the runner and the dynamic providers (directly
// or through the runner) all produce and read the same documents.
import type { Knex } from "knex";
import { bootstrapWith, dropVisorTables } from "../bootstrap";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection, type VisorDriver } from "../connection";
import { writerStatus } from "../dialects";
import { inspectSchema } from "../inspect";
import { inspectView, schemaSummary, type InspectView } from "../inspect-view";
import { redactSecrets } from "../redact";
import { SMOKE_REMEDIES } from "../remedies";
import { waitForConnection, waitForKnex, type RetryOptions } from "../retry";
import { setupDatabase, type SetupOptions, type SetupResult } from "../setup";
import { runSmokeTest, type SmokeReport, type SmokeTestOptions } from "../smoke-test";

export type { SetupOptions, SetupResult };

export interface BootstrapActionOptions {
  grantTo?: string;
  /** Wait for a fresh endpoint first (the providers do; the CLI does not). */
  connectRetry?: RetryOptions;
}

/** `visor-db bootstrap --json`. */
export interface BootstrapJson extends ReturnType<typeof schemaSummary> {
  endpoint: string;
  created: string[];
  added: string[];
  version: string;
  valid: boolean;
  raceRetries: number;
}

export type SmokeActionOptions = Omit<SmokeTestOptions, "connection" | "poolerConnection" | "hostClock"> & {
  connectRetry?: RetryOptions;
};

/** `visor-db smoke --json`. */
export type SmokeJson = SmokeReport & { endpoint: string };

/** What the VisorSchema provider's delete with `retainOnDelete: false` does (no CLI command drops tables). */
export interface DropJson {
  endpoint: string;
  dropped: string[];
}

export class NotWriterError extends Error {
  constructor(endpoint: string, detail: string) {
    super(`${endpoint} is not the writer: ${detail}; remedy: ${SMOKE_REMEDIES.writer}`);
    this.name = "NotWriterError";
  }
}

/** A replica can hold a replicated schema and still never take Visor's writes: refuse it by name. */
async function requireWriter(db: Knex, driver: VisorDriver, endpoint: string): Promise<void> {
  const status = await writerStatus(db, driver);
  if (!status.isWriter) throw new NotWriterError(endpoint, status.detail);
}

/** Errors leave here with every password of the call redacted. */
async function redacting<T>(secrets: (string | undefined)[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = redactSecrets(e.message, secrets);
    throw e;
  }
}

export async function setupAction(admin: VisorConnection, options: SetupOptions): Promise<SetupResult> {
  return setupDatabase(admin, options);
}

export async function bootstrapAction(given: VisorConnection, options: BootstrapActionOptions = {}): Promise<BootstrapJson> {
  const secrets = [given.password];
  return redacting(secrets, async () => {
    const conn = resolveConnection(given);
    secrets.push(conn.password);
    const endpoint = describeEndpoint(conn);
    const db = await openKnex(conn, { pool: { min: 0, max: 1 } });
    try {
      if (options.connectRetry) await waitForKnex(db, endpoint, options.connectRetry, secrets);
      await requireWriter(db, conn.driver, endpoint);
      const result = await bootstrapWith(db, conn.driver, { grantTo: options.grantTo });
      return {
        endpoint,
        created: result.created,
        added: result.added,
        version: result.version,
        valid: result.report.valid,
        raceRetries: result.raceRetries,
        ...schemaSummary(inspectView(result.report, endpoint)),
      };
    } finally {
      await db.destroy();
    }
  });
}

export async function smokeAction(
  connection: VisorConnection,
  poolerConnection: VisorConnection | undefined,
  options: SmokeActionOptions = {},
): Promise<SmokeJson> {
  const secrets = [connection.password, poolerConnection?.password];
  return redacting(secrets, async () => {
    const endpoint = describeEndpoint(connection);
    const { connectRetry, ...smoke } = options;
    if (connectRetry) {
      await waitForConnection(connection, connectRetry);
      if (poolerConnection) await waitForConnection(poolerConnection, connectRetry);
    }
    const report = await runSmokeTest({ ...smoke, connection, poolerConnection });
    return { endpoint, ...report };
  });
}

export async function inspectAction(connection: VisorConnection): Promise<InspectView> {
  return redacting([connection.password], async () => inspectView(await inspectSchema(connection), describeEndpoint(connection)));
}

export async function dropAction(connection: VisorConnection): Promise<DropJson> {
  return redacting([connection.password], async () => ({
    endpoint: describeEndpoint(connection),
    dropped: await dropVisorTables(connection),
  }));
}
