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
  /**
   * `role` (default): the database is created owned by Visor's role, or handed to it. `keep`: the database must
   * exist and keeps its owner (Cloud SQL's, owned by cloudsqlsuperuser); the role is only granted on it.
   */
  databaseOwner?: "role" | "keep";
  /** Privileges on the database's `public` schema, e.g. CREATE, USAGE when the role does not own the database. Default none. */
  schemaPrivileges?: string[];
  connectRetry?: RetryOptions;
}

export interface SetupResult {
  endpoint: string;
  role: { name: string; action: "created" | "updated" };
  database: { name: string; action: "created" | "owner-changed" | "unchanged"; owner: string };
  grants: string[];
}

const PRIVILEGES = ["CONNECT", "CREATE", "TEMPORARY"];
const SCHEMA_PRIVILEGES = ["CREATE", "USAGE"];
const OWNERS = ["role", "keep"];
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

function checkPrivileges(field: string, privileges: unknown, known: string[]): string[] {
  const allowed = [...known, "ALL"];
  const list = Array.isArray(privileges) ? (privileges as unknown[]) : [privileges];
  const bad = list.filter((p) => typeof p !== "string" || !allowed.includes(p));
  if (bad.length || !Array.isArray(privileges))
    throw new SetupError(
      `setup ${field} must be a list among ${allowed.join(", ")} (got ${JSON.stringify(bad.length ? bad : privileges)})`,
    );
  return privileges as string[];
}

function checkOwner(owner: unknown): "role" | "keep" {
  if (owner === undefined) return "role";
  if (!OWNERS.includes(owner as string))
    throw new SetupError(`setup databaseOwner must be one of ${OWNERS.join(", ")} (got ${JSON.stringify(owner)})`);
  return owner as "role" | "keep";
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

/** GRANT … ON SCHEMA public, connected to the database itself (schemas belong to one database). */
async function grantOnPublic(admin: VisorConnection, databaseName: string, role: string, privileges: string[]): Promise<void> {
  const db = await openKnex({ ...admin, database: databaseName }, { pool: { min: 0, max: 1 } });
  try {
    await db.raw(`GRANT ${privileges.join(", ")} ON SCHEMA public TO ${role}`);
  } finally {
    await db.destroy();
  }
}

async function setupWith(db: Knex, admin: VisorConnection, options: SetupOptions, endpoint: string): Promise<SetupResult> {
  const databaseName = options.databaseName ?? "visor";
  const appUser = options.appUser ?? "visor";
  const role = quoteIdentifier("postgresql", appUser, "setup appUser");
  const database = quoteIdentifier("postgresql", databaseName, "setup databaseName");
  const privileges = checkPrivileges("privileges", options.privileges ?? PRIVILEGES, PRIVILEGES);
  const schemaPrivileges = checkPrivileges("schemaPrivileges", options.schemaPrivileges ?? [], SCHEMA_PRIVILEGES);
  const databaseOwner = checkOwner(options.databaseOwner);
  // The verifier's alphabet has no quote: VERIFIER (or scramSha256Verifier) guarantees it.
  const verifier = verifierOf(options.appPassword);
  const status = await writerStatus(db, "postgresql");
  if (!status.isWriter) throw new SetupError(`${endpoint} is not the writer: ${status.detail}; remedy: ${SMOKE_REMEDIES.writer}`);

  const [found] = await query<{ owner: string }>(
    db,
    "postgresql",
    "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ?",
    [databaseName],
  );
  // Made by the cloud's API, which owns it: "keep" never creates it nor changes its owner (checked before any change).
  if (databaseOwner === "keep" && !found)
    throw new SetupError(`setup databaseOwner "keep" needs database ${databaseName} to exist on ${endpoint} (create it first)`);
  const [existing] = await query<{ n: number }>(db, "postgresql", "SELECT count(*)::int AS n FROM pg_roles WHERE rolname = ?", [
    appUser,
  ]);
  const roleAction = existing!.n ? "updated" : "created";
  await db.raw(`${existing!.n ? "ALTER" : "CREATE"} ROLE ${role} WITH LOGIN PASSWORD '${verifier}'`);

  let dbAction: SetupResult["database"]["action"] = "unchanged";
  if (databaseOwner === "keep") {
    // Granted on below, owner untouched.
  } else if (!found) {
    // CREATE DATABASE cannot run in a transaction: knex sends it on its own.
    await asMemberOf(db, appUser, role, () => db.raw(`CREATE DATABASE ${database} OWNER ${role}`).then(() => undefined));
    dbAction = "created";
  } else if (found.owner !== appUser) {
    await asMemberOf(db, appUser, role, () => db.raw(`ALTER DATABASE ${database} OWNER TO ${role}`).then(() => undefined));
    dbAction = "owner-changed";
  }
  await db.raw(`GRANT ${privileges.join(", ")} ON DATABASE ${database} TO ${role}`);
  if (schemaPrivileges.length) await grantOnPublic(admin, databaseName, role, schemaPrivileges);
  return {
    endpoint,
    role: { name: appUser, action: roleAction },
    database: { name: databaseName, action: dbAction, owner: databaseOwner === "keep" ? found!.owner : appUser },
    grants: [
      ...privileges.map((p) => `${p} ON DATABASE ${databaseName} TO ${appUser}`),
      ...schemaPrivileges.map((p) => `${p} ON SCHEMA public IN ${databaseName} TO ${appUser}`),
    ],
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
    return await setupWith(db, admin, options, endpoint);
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
