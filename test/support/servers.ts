// The real servers a test needs. Under `npm test` they were started once by scripts/dev/run-tests.ts; a test
// file run on its own starts them itself. A missing server skips the test locally and fails it in CI.
import { after, type TestContext } from "node:test";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import {
  startLocalEnvironment,
  type Endpoint,
  type LocalEndpoints,
  type PostgresEndpoints,
} from "../../scripts/local-env/environment";
import { isStrict } from "../../scripts/local-env/strict";

let shared: Promise<{ endpoints: LocalEndpoints; stop(): Promise<void> }> | undefined;

// Registered at load time so it runs when the whole file ends, not when the first test that asked ends.
after(async () => {
  if (shared) await (await shared).stop();
});

/** Strict (CI): see scripts/local-env/strict.ts. */
export const strict = (): boolean => isStrict();

export function servers(): Promise<LocalEndpoints> {
  if (process.env.VISOR_TEST_ENDPOINTS) return Promise.resolve(JSON.parse(process.env.VISOR_TEST_ENDPOINTS) as LocalEndpoints);
  shared ??= startLocalEnvironment({ mariadb: true, allMajors: true, strict: strict() });
  return shared.then((env) => env.endpoints);
}

/** Returns the endpoint, or skips the test (locally) / fails it (CI) with the reason. */
export function need<T>(t: TestContext, value: T | undefined, what: string): T | undefined {
  if (value !== undefined) return value;
  if (strict()) throw new Error(`${what} is required in CI but was not started`);
  t.skip(`${what} not available on this machine`);
  return undefined;
}

/** Every PostgreSQL major the harness started (Debian's first). */
export async function postgresMajors(): Promise<PostgresEndpoints[]> {
  const e = await servers();
  return [e.postgres, ...e.otherPostgres];
}

/**
 * A fresh database owned by `visor` on the given server, so tests never see each other's rows.
 * Dropped when the calling test (or, called outside a test, the file) ends.
 */
export async function scratchDatabase(pg: PostgresEndpoints, prefix = "t"): Promise<Endpoint> {
  const name = `visor_${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: pg.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} OWNER visor`);
  } finally {
    await admin.end();
  }
  after(async () => {
    const c = new Client({ connectionString: pg.adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  const w = pg.writer;
  return {
    ...w,
    database: name,
    url: `postgresql://${encodeURIComponent(w.user)}:${encodeURIComponent(w.password)}@${w.host}:${w.port}/${name}`,
  };
}

/** One query on its own connection (for checks from outside the code under test). */
export async function pgQuery<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}
