// The reason the GCP PgBouncer userlist holds the plain password, checked on a real PgBouncer and PostgreSQL:
// a role whose password the *server* hashed (with its own salt, as Cloud SQL does for gcp.sql.User) can log in
// through PgBouncer with a plain-password userlist, and cannot with a verifier computed elsewhere.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { Client } from "pg";
import { plainPasswordUserlist } from "../../components/gcp/pooler";
import { renderPgBouncerConfig, scramSha256Verifier } from "../../components/pgbouncer";
import { findPgBouncer } from "../../scripts/local-env/pgbouncer";
import {
  chownToService,
  freePort,
  LOOPBACK,
  makeServiceDir,
  removeDir,
  startService,
  waitFor,
} from "../../scripts/local-env/processes";
import { need, scratchDatabase, servers } from "../support/servers";

async function pgbouncerWith(
  t: TestContext,
  upstream: { host: string; port: number; database: string },
  userlist: string,
): Promise<number> {
  const dir = makeServiceDir("gcp-pgbouncer");
  const port = await freePort();
  // The component's settings (transaction mode, SCRAM), on loopback without TLS for the local server.
  const { ini } = renderPgBouncerConfig({
    databases: [{ name: upstream.database, host: upstream.host, port: upstream.port }],
    users: [{ name: "placeholder", password: "unused" }],
    listenAddr: LOOPBACK,
    listenPort: port,
    poolMode: "transaction",
    authType: "scram-sha-256",
    authFile: join(dir, "userlist.txt"),
    unixSocketDir: "",
  });
  writeFileSync(join(dir, "pgbouncer.ini"), ini, { mode: 0o600 });
  writeFileSync(join(dir, "userlist.txt"), userlist, { mode: 0o600 });
  chownToService(join(dir, "pgbouncer.ini"));
  chownToService(join(dir, "userlist.txt"));
  const proc = startService(`pgbouncer-gcp-${port}`, findPgBouncer()!, [join(dir, "pgbouncer.ini")], {
    logFile: join(dir, "pgbouncer.log"),
  });
  t.after(async () => {
    await proc.stop("SIGINT", 5_000);
    removeDir(dir);
  });
  await waitFor(
    `PgBouncer on ${port}`,
    async () =>
      new Promise<boolean>((resolve) => {
        const s = require("node:net").connect(port, LOOPBACK);
        s.once("connect", () => (s.destroy(), resolve(true)));
        s.once("error", () => resolve(false));
      }),
    { process: proc },
  );
  return port;
}

async function query(port: number, user: string, password: string, database: string): Promise<string> {
  const c = new Client({ host: LOOPBACK, port, user, password, database, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return (await c.query<{ u: string }>("SELECT current_user AS u")).rows[0]!.u;
  } finally {
    await c.end();
  }
}

test("a server-hashed role logs in through PgBouncer with the plain-password userlist, not with a foreign verifier", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  const pg = (await servers()).postgres;
  const db = await scratchDatabase(pg, "gcpauth");
  const role = `gcp_app_${randomBytes(3).toString("hex")}`;
  const password = randomBytes(16).toString("hex");
  const admin = new Client({ connectionString: pg.adminUrl });
  await admin.connect();
  let serverVerifier: string;
  try {
    // As Cloud SQL does for gcp.sql.User: the server hashes the plain password with its own salt.
    await admin.query("SET password_encryption = 'scram-sha-256'");
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.query(`GRANT CONNECT ON DATABASE ${db.database} TO ${role}`);
    // Only for the control below: Cloud SQL never shows this to anyone.
    serverVerifier = (await admin.query<{ v: string }>("SELECT rolpassword AS v FROM pg_authid WHERE rolname = $1", [role]))
      .rows[0]!.v;
  } finally {
    await admin.end();
  }
  t.after(async () => {
    const c = new Client({ connectionString: pg.adminUrl });
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await c.end();
  });
  const upstream = { host: db.host, port: db.port, database: db.database };

  const plain = await pgbouncerWith(t, upstream, plainPasswordUserlist(role, password));
  assert.equal(
    await query(plain, role, password, db.database),
    role,
    "plain-password userlist: SCRAM to the client and to the server",
  );
  await assert.rejects(
    query(plain, role, "wrong-password", db.database),
    /password authentication failed|SASL/,
    "PgBouncer still checks the client's password",
  );

  // The AWS/Azure approach works only with the server's very verifier (control) ...
  assert.match(serverVerifier, /^SCRAM-SHA-256\$4096:/);
  const same = await pgbouncerWith(t, upstream, `"${role}" "${serverVerifier}"\n`);
  assert.equal(await query(same, role, password, db.database), role, "control: identical verifier passes SCRAM through");
  // ... and a verifier with our own salt, valid for the same password, cannot log in to the server.
  const foreign = scramSha256Verifier(password, { salt: randomBytes(16) });
  const verifierOnly = await pgbouncerWith(t, upstream, `"${role}" "${foreign}"\n`);
  await assert.rejects(query(verifierOnly, role, password, db.database), /password authentication failed/);
});
