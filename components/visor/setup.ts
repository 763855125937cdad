// The guide's "Initial Setup" as plain SQL on PostgreSQL, idempotent: Visor's login role with a SCRAM
// verifier, Visor's database owned by it, CONNECT/CREATE/TEMPORARY granted. What @pulumi/postgresql does
// from the deployer in `bootstrap: { via: "direct" }`, done by `visor-db setup` and by the runner.
import type { Knex } from "knex";
import { scramSha256Verifier } from "../pgbouncer/scram";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection } from "./connection";
import { query, quoteIdentifier, writerStatus } from "./dialects";
import { redactSecrets } from "./redact";
import { SMOKE_REMEDIES } from "./remedies";
import { waitForKnex, type RetryOptions } from "./retry";

export interface SetupOptions {
  /** Visor's database. Default `visor`. */
  databaseName?: string;
  /** Visor's login role. Default `visor`. */
  appUser?: string;
  /**
   * The role's password: a `SCRAM-SHA-256$…` verifier (stored as given, so PgBouncer's userlist can hold
   * the same string) or a plain password, turned into a verifier here so it never reaches the server's logs.
   */
  appPassword: string;
  /** Privileges on the database. Default CONNECT, CREATE, TEMPORARY (what the cloud components grant). */
  privileges?: string[];
  connectRetry?: RetryOptions;
}

export interface SetupResult {
  endpoint: string;
  role: { name: string; action: "created" | "updated" };
  database: { name: string; action: "created" | "owner-changed" | "unchanged"; owner: string };
  grants: string[];
}

const PRIVILEGES = ["CONNECT", "CREATE", "TEMPORARY"];
const VERIFIER = /^SCRAM-SHA-256\$\d{1,10}:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SetupError";
  }
}

function verifierOf(password: string): string {
  if (typeof password !== "string" || password.length === 0)
    throw new SetupError("setup appPassword is required (a plain password or a SCRAM-SHA-256 verifier)");
  if (password.startsWith("SCRAM-SHA-256$")) {
    if (!VERIFIER.test(password)) throw new SetupError("setup appPassword looks like a SCRAM-SHA-256 verifier but is malformed");
    return password;
  }
  return scramSha256Verifier(password);
}

function checkPrivileges(privileges: string[]): string[] {
  const allowed = [...PRIVILEGES, "ALL"];
  const bad = privileges.filter((p) => !allowed.includes(p));
  if (bad.length) throw new SetupError(`setup privileges must be among ${allowed.join(", ")} (got ${JSON.stringify(bad)})`);
  return privileges;
}

/** CREATE DATABASE … OWNER and ALTER DATABASE … OWNER need membership in the owner (managed PostgreSQL has no superuser). */
async function asMemberOf(db: Knex, role: string, quotedRole: string, work: () => Promise<void>): Promise<void> {
  const [r] = await query<{ member: boolean }>(
    db,
    "postgresql",
    "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(current_user, ?, 'MEMBER') AS member",
    [role],
  );
  if (r!.member) return work();
  await db.raw(`GRANT ${quotedRole} TO CURRENT_USER`);
  try {
    await work();
  } finally {
    await db.raw(`REVOKE ${quotedRole} FROM CURRENT_USER`);
  }
}

async function setupWith(db: Knex, options: SetupOptions, endpoint: string): Promise<SetupResult> {
  const databaseName = options.databaseName ?? "visor";
  const appUser = options.appUser ?? "visor";
  const role = quoteIdentifier("postgresql", appUser, "setup appUser");
  const database = quoteIdentifier("postgresql", databaseName, "setup databaseName");
  const privileges = checkPrivileges(options.privileges ?? PRIVILEGES);
  // The verifier's alphabet has no quote: VERIFIER (or scramSha256Verifier) guarantees it.
  const verifier = verifierOf(options.appPassword);
  const status = await writerStatus(db, "postgresql");
  if (!status.isWriter) throw new SetupError(`${endpoint} is not the writer: ${status.detail}; remedy: ${SMOKE_REMEDIES.writer}`);

  const [existing] = await query<{ n: number }>(db, "postgresql", "SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ?", [
    appUser,
  ]);
  const roleAction = existing!.n ? "updated" : "created";
  await db.raw(`${existing!.n ? "ALTER" : "CREATE"} ROLE ${role} WITH LOGIN PASSWORD '${verifier}'`);

  const [found] = await query<{ owner: string }>(
    db,
    "postgresql",
    "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ?",
    [databaseName],
  );
  let dbAction: SetupResult["database"]["action"] = "unchanged";
  if (!found) {
    // CREATE DATABASE cannot run in a transaction: knex sends it on its own.
    await asMemberOf(db, appUser, role, () => db.raw(`CREATE DATABASE ${database} OWNER ${role}`).then(() => undefined));
    dbAction = "created";
  } else if (found.owner !== appUser) {
    await asMemberOf(db, appUser, role, () => db.raw(`ALTER DATABASE ${database} OWNER TO ${role}`).then(() => undefined));
    dbAction = "owner-changed";
  }
  await db.raw(`GRANT ${privileges.join(", ")} ON DATABASE ${database} TO ${role}`);
  return {
    endpoint,
    role: { name: appUser, action: roleAction },
    database: { name: databaseName, action: dbAction, owner: appUser },
    grants: privileges.map((p) => `${p} ON DATABASE ${databaseName} TO ${appUser}`),
  };
}

/** Runs the setup as `admin` (a role with CREATEROLE and CREATEDB, e.g. RDS's master user). */
export async function setupDatabase(admin: VisorConnection, options: SetupOptions): Promise<SetupResult> {
  const conn = resolveConnection(admin);
  if (conn.driver !== "postgresql") throw new SetupError(`setup supports PostgreSQL only (got ${conn.driver})`);
  const secrets = [conn.password, options.appPassword];
  const endpoint = describeEndpoint(conn);
  const db = await openKnex(conn, { pool: { min: 0, max: 1 } });
  try {
    if (options.connectRetry) await waitForKnex(db, endpoint, options.connectRetry, secrets);
    return await setupWith(db, options, endpoint);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = redactSecrets(e.message, [...secrets, verifierOrUndefined(options.appPassword)]);
    throw e;
  } finally {
    await db.destroy();
  }
}

function verifierOrUndefined(password: string): string | undefined {
  return typeof password === "string" && password.startsWith("SCRAM-SHA-256$") ? password : undefined;
}
