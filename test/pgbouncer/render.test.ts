import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  PGBOUNCER_GUIDE_DEFAULTS,
  parseScramVerifier,
  renderPgBouncerConfig,
  scramSha256Verifier,
  type PgBouncerConfigOptions,
} from "../../components/pgbouncer";

const PASSWORD = "correct horse battery staple";
const SALT = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");

const minimal = (): PgBouncerConfigOptions => ({
  databases: [{ name: "visor", host: "db.internal" }],
  users: [{ name: "visor", password: PASSWORD, salt: SALT }],
});

const lines = (text: string) => text.split("\n");

/** The lines of one ini section, without the header and trailing blank lines. */
function section(ini: string, name: string): string[] {
  const all = lines(ini);
  const start = all.indexOf(`[${name}]`);
  assert.notEqual(start, -1, `missing [${name}]`);
  const rest = all.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith("["));
  return (end === -1 ? rest : rest.slice(0, end)).filter((l) => l !== "");
}

describe("renderPgBouncerConfig defaults", () => {
  const { ini, userlist } = renderPgBouncerConfig(minimal());

  it("writes the operations guide's PgBouncer defaults", () => {
    for (const line of [
      "pool_mode = transaction",
      "default_pool_size = 20",
      "max_client_conn = 200",
      "listen_port = 6432",
      "auth_type = scram-sha-256",
    ]) {
      assert.ok(lines(ini).includes(line), line);
    }
    assert.deepEqual(PGBOUNCER_GUIDE_DEFAULTS, {
      poolMode: "transaction",
      defaultPoolSize: 20,
      maxClientConn: 200,
      listenPort: 6432,
    });
  });

  it("writes exactly the documented defaults and nothing optional", () => {
    assert.deepEqual(section(ini, "pgbouncer"), [
      "listen_addr = 0.0.0.0",
      "listen_port = 6432",
      "auth_type = scram-sha-256",
      "auth_file = /etc/pgbouncer/userlist.txt",
      "pool_mode = transaction",
      "default_pool_size = 20",
      "min_pool_size = 0",
      "reserve_pool_size = 0",
      "max_client_conn = 200",
      "max_db_connections = 0",
      "server_reset_query = DISCARD ALL",
      "server_reset_query_always = 0",
      "ignore_startup_parameters = extra_float_digits,options",
    ]);
    assert.deepEqual(section(ini, "databases"), ["visor = host=db.internal port=5432 dbname=visor"]);
  });

  it("puts [databases] before [pgbouncer], once each", () => {
    const all = lines(ini);
    assert.equal(all.filter((l) => l === "[databases]").length, 1);
    assert.equal(all.filter((l) => l === "[pgbouncer]").length, 1);
    assert.ok(all.indexOf("[databases]") < all.indexOf("[pgbouncer]"));
  });

  it("writes the SCRAM verifier, never the password", () => {
    assert.equal(userlist, `"visor" "${scramSha256Verifier(PASSWORD, { salt: SALT })}"\n`);
    assert.ok(!ini.includes(PASSWORD) && !userlist.includes(PASSWORD));
  });
});

describe("renderPgBouncerConfig options", () => {
  const verifier = scramSha256Verifier("other password", { salt: Buffer.alloc(16, 3) });
  const full: PgBouncerConfigOptions = {
    databases: [
      { name: "visor", host: "10.0.0.5", port: 6543, dbname: "visor_prod", poolSize: 15 },
      { name: "reports", host: "/var/run/my sockets", dbname: "it's db" },
      { name: "*", host: "10.0.0.6" },
    ],
    users: [
      { name: "visor", password: PASSWORD, salt: SALT, iterations: 8192 },
      { name: 'we"ird', verifier },
    ],
    listenAddr: "127.0.0.1",
    listenPort: 7432,
    poolMode: "session",
    defaultPoolSize: 10,
    minPoolSize: 2,
    reservePoolSize: 3,
    maxClientConn: 500,
    maxDbConnections: 40,
    authFile: "/run/pgbouncer/users.txt",
    serverResetQueryAlways: true,
    serverResetQuery: "DEALLOCATE ALL",
    ignoreStartupParameters: ["extra_float_digits"],
    serverTls: { sslmode: "verify-full", caFile: "/etc/ssl/rds.pem" },
    clientTls: { sslmode: "require", keyFile: "/tls/key.pem", certFile: "/tls/cert.pem", caFile: "/tls/ca.pem" },
    logFile: "/var/log/pgbouncer.log",
    pidFile: "/run/pgbouncer.pid",
    unixSocketDir: "",
    adminUsers: ["visor", "ops"],
    statsUsers: ["metrics"],
    maxPreparedStatements: 200,
    extra: { server_idle_timeout: 60, application_name_add_host: "1" },
  };
  const { ini, userlist } = renderPgBouncerConfig(full);

  it("writes every option, extra last and in order", () => {
    assert.deepEqual(section(ini, "pgbouncer"), [
      "listen_addr = 127.0.0.1",
      "listen_port = 7432",
      "unix_socket_dir =",
      "auth_type = scram-sha-256",
      "auth_file = /run/pgbouncer/users.txt",
      "admin_users = visor,ops",
      "stats_users = metrics",
      "pool_mode = session",
      "default_pool_size = 10",
      "min_pool_size = 2",
      "reserve_pool_size = 3",
      "max_client_conn = 500",
      "max_db_connections = 40",
      "max_prepared_statements = 200",
      "server_reset_query = DEALLOCATE ALL",
      "server_reset_query_always = 1",
      "ignore_startup_parameters = extra_float_digits",
      "server_tls_sslmode = verify-full",
      "server_tls_ca_file = /etc/ssl/rds.pem",
      "client_tls_sslmode = require",
      "client_tls_key_file = /tls/key.pem",
      "client_tls_cert_file = /tls/cert.pem",
      "client_tls_ca_file = /tls/ca.pem",
      "logfile = /var/log/pgbouncer.log",
      "pidfile = /run/pgbouncer.pid",
      "server_idle_timeout = 60",
      "application_name_add_host = 1",
    ]);
  });

  it("writes connection strings with pgbouncer's single-quote rules", () => {
    assert.deepEqual(section(ini, "databases"), [
      "visor = host=10.0.0.5 port=6543 dbname=visor_prod pool_size=15",
      "reports = host='/var/run/my sockets' port=5432 dbname='it''s db'",
      // The fallback keeps the client's database name, so no dbname.
      "* = host=10.0.0.6 port=5432",
    ]);
  });

  it('doubles " in userlist names and uses given verifiers verbatim', () => {
    assert.equal(
      userlist,
      `"visor" "${scramSha256Verifier(PASSWORD, { salt: SALT, iterations: 8192 })}"\n` + `"we""ird" "${verifier}"\n`,
    );
    assert.equal(parseScramVerifier(verifier).iterations, 4096);
    assert.ok(!ini.includes(PASSWORD) && !userlist.includes(PASSWORD));
  });

  it("writes md5 verifiers with authType md5", () => {
    const out = renderPgBouncerConfig({
      databases: [{ name: "visor", host: "db" }],
      users: [
        { name: "admin", password: "1234" },
        { name: 'q"uote', verifier: "md5" + "0".repeat(32) },
      ],
      authType: "md5",
    });
    assert.ok(lines(out.ini).includes("auth_type = md5"));
    assert.equal(out.userlist, `"admin" "md545f2603610af569b6155c45067268c6b"\n"q""uote" "md5${"0".repeat(32)}"\n`);
  });

  it("leaves out ignore_startup_parameters when the list is empty", () => {
    const out = renderPgBouncerConfig({ ...minimal(), ignoreStartupParameters: [] });
    assert.ok(!out.ini.includes("ignore_startup_parameters"));
  });
});

describe("renderPgBouncerConfig determinism", () => {
  it("renders identical text for identical input with a salt or verifier", () => {
    const verifier = scramSha256Verifier("x", { salt: Buffer.alloc(16, 9) });
    const make = (): PgBouncerConfigOptions => ({
      databases: [
        { name: "visor", host: "db" },
        { name: "b", host: "db2", poolSize: 4 },
      ],
      users: [
        { name: "visor", password: PASSWORD, salt: Buffer.from(SALT) },
        { name: "v2", verifier },
      ],
      extra: { server_idle_timeout: 60 },
    });
    assert.deepEqual(renderPgBouncerConfig(make()), renderPgBouncerConfig(make()));
  });

  it("draws a fresh salt when none is given", () => {
    const options: PgBouncerConfigOptions = {
      databases: [{ name: "visor", host: "db" }],
      users: [{ name: "visor", password: PASSWORD }],
    };
    const a = renderPgBouncerConfig(options);
    const b = renderPgBouncerConfig(options);
    assert.equal(a.ini, b.ini);
    assert.notEqual(a.userlist, b.userlist);
  });

  it("does not modify its input", () => {
    const options = minimal();
    const before = JSON.stringify(options); // Buffers serialise byte by byte
    renderPgBouncerConfig(options);
    assert.equal(JSON.stringify(options), before);
  });
});
