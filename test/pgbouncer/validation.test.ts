import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  PgBouncerConfigError,
  renderPgBouncerConfig,
  scramSha256Verifier,
  type PgBouncerConfigOptions,
} from "../../components/pgbouncer";

const SECRET = "s3cret-Passw0rd";
const VERIFIER = scramSha256Verifier(SECRET, { salt: Buffer.alloc(16, 1) });
const MD5_VERIFIER = "md5" + "ab".repeat(16);

const base = (): PgBouncerConfigOptions => ({
  databases: [{ name: "visor", host: "db.internal" }],
  users: [
    { name: "visor", password: SECRET },
    { name: "app", verifier: VERIFIER },
  ],
});

type Mutate = (o: PgBouncerConfigOptions & Record<string, unknown>) => void;
// `as never` lets the table feed values TypeScript would refuse, as JS/YAML callers can.
const cases: { what: string; mutate: Mutate; field: string; allowed: RegExp }[] = [
  {
    what: "pool size 0",
    mutate: (o) => (o.defaultPoolSize = 0),
    field: "pgbouncer.defaultPoolSize",
    allowed: /^an integer from 1 to 10000$/,
  },
  {
    what: "fractional pool size",
    mutate: (o) => (o.defaultPoolSize = 2.5),
    field: "pgbouncer.defaultPoolSize",
    allowed: /from 1 to 10000/,
  },
  {
    what: "listen port too high",
    mutate: (o) => (o.listenPort = 70000),
    field: "pgbouncer.listenPort",
    allowed: /from 1 to 65535/,
  },
  { what: "listen port 0", mutate: (o) => (o.listenPort = 0), field: "pgbouncer.listenPort", allowed: /from 1 to 65535/ },
  {
    what: "database port",
    mutate: (o) => (o.databases[0].port = 0),
    field: "pgbouncer.databases[0].port",
    allowed: /from 1 to 65535/,
  },
  {
    what: "database pool size",
    mutate: (o) => (o.databases[0].poolSize = 0),
    field: "pgbouncer.databases[0].poolSize",
    allowed: /from 1 to 10000/,
  },
  {
    what: "min above default",
    mutate: (o) => (o.minPoolSize = 21),
    field: "pgbouncer.minPoolSize",
    allowed: /from 0 to 20, i\.e\. at most defaultPoolSize/,
  },
  {
    what: "max client below default",
    mutate: (o) => (o.maxClientConn = 19),
    field: "pgbouncer.maxClientConn",
    allowed: /from 20 to \d+, i\.e\. at least defaultPoolSize/,
  },
  {
    what: "negative reserve",
    mutate: (o) => (o.reservePoolSize = -1),
    field: "pgbouncer.reservePoolSize",
    allowed: /from 0 to 10000/,
  },
  {
    what: "negative max db connections",
    mutate: (o) => (o.maxDbConnections = -1),
    field: "pgbouncer.maxDbConnections",
    allowed: /from 0 to/,
  },
  {
    what: "negative prepared statements",
    mutate: (o) => (o.maxPreparedStatements = -1),
    field: "pgbouncer.maxPreparedStatements",
    allowed: /from 0 to/,
  },
  { what: "no databases", mutate: (o) => (o.databases = []), field: "pgbouncer.databases", allowed: /non-empty array/ },
  { what: "no users", mutate: (o) => (o.users = []), field: "pgbouncer.users", allowed: /non-empty array/ },
  {
    what: "empty database name",
    mutate: (o) => (o.databases[0].name = ""),
    field: "pgbouncer.databases[0].name",
    allowed: /non-empty name/,
  },
  {
    what: "newline in database name",
    mutate: (o) => (o.databases[0].name = "a\nb"),
    field: "pgbouncer.databases[0].name",
    allowed: /control characters/,
  },
  {
    what: "space in database name",
    mutate: (o) => (o.databases[0].name = "my db"),
    field: "pgbouncer.databases[0].name",
    allowed: /letters, digits/,
  },
  {
    what: "reserved database name",
    mutate: (o) => (o.databases[0].name = "pgbouncer"),
    field: "pgbouncer.databases[0].name",
    allowed: /admin console/,
  },
  {
    what: "NUL in user name",
    mutate: (o) => (o.users[0].name = "vi\0sor"),
    field: "pgbouncer.users[0].name",
    allowed: /control characters/,
  },
  {
    what: "user name over 63 bytes",
    mutate: (o) => (o.users[0].name = "é".repeat(32)),
    field: "pgbouncer.users[0].name",
    allowed: /at most 63 bytes/,
  },
  {
    what: "empty host",
    mutate: (o) => (o.databases[0].host = ""),
    field: "pgbouncer.databases[0].host",
    allowed: /non-empty string/,
  },
  {
    what: "unknown pool mode",
    mutate: (o) => (o.poolMode = "bogus" as never),
    field: "pgbouncer.poolMode",
    allowed: /^one of "transaction", "session", "statement"$/,
  },
  {
    what: "unknown auth type",
    mutate: (o) => (o.authType = "trust" as never),
    field: "pgbouncer.authType",
    allowed: /^one of "scram-sha-256", "md5"$/,
  },
  {
    what: "unknown server sslmode",
    mutate: (o) => (o.serverTls = { sslmode: "strict" as never }),
    field: "pgbouncer.serverTls.sslmode",
    allowed: /"disable", "allow", "prefer", "require", "verify-ca", "verify-full"/,
  },
  {
    what: "unknown client sslmode",
    mutate: (o) => (o.clientTls = { sslmode: "on" as never, keyFile: "k", certFile: "c" }),
    field: "pgbouncer.clientTls.sslmode",
    allowed: /"verify-full"/,
  },
  {
    what: "client TLS without key",
    mutate: (o) => (o.clientTls = { sslmode: "require", certFile: "c" } as never),
    field: "pgbouncer.clientTls.keyFile",
    allowed: /non-empty string/,
  },
  {
    what: "duplicate database",
    mutate: (o) => o.databases.push({ name: "visor", host: "other" }),
    field: "pgbouncer.databases[1].name",
    allowed: /unique within pgbouncer\.databases/,
  },
  {
    what: "duplicate user",
    mutate: (o) => o.users.push({ name: "visor", password: SECRET }),
    field: "pgbouncer.users[2].name",
    allowed: /unique within pgbouncer\.users/,
  },
  {
    what: "password and verifier",
    mutate: (o) => (o.users[0] = { name: "visor", password: SECRET, verifier: VERIFIER } as never),
    field: "pgbouncer.users[0]",
    allowed: /exactly one of password or verifier/,
  },
  {
    what: "password not a string",
    mutate: (o) => (o.users[0] = { name: "visor", password: 12345 } as never),
    field: "pgbouncer.users[0].password",
    allowed: /non-empty string/,
  },
  {
    what: "garbage verifier",
    mutate: (o) => (o.users[1] = { name: "app", verifier: SECRET }),
    field: "pgbouncer.users[1].verifier",
    allowed: /SCRAM-SHA-256/,
  },
  {
    what: "md5 verifier with SCRAM auth",
    mutate: (o) => (o.users[1] = { name: "app", verifier: MD5_VERIFIER }),
    field: "pgbouncer.users[1].verifier",
    allowed: /authType "md5"/,
  },
  {
    what: "salt with md5 auth",
    mutate: (o) => {
      o.authType = "md5";
      o.users[0] = { name: "visor", password: SECRET, salt: Buffer.alloc(16) };
    },
    field: "pgbouncer.users[0].salt",
    allowed: /only apply to SCRAM/,
  },
  {
    what: "salt with verifier",
    mutate: (o) => (o.users[1] = { name: "app", verifier: VERIFIER, salt: Buffer.alloc(16) } as never),
    field: "pgbouncer.users[1].salt",
    allowed: /absent with verifier/,
  },
  {
    what: "empty salt",
    mutate: (o) => (o.users[0] = { name: "visor", password: SECRET, salt: Buffer.alloc(0) }),
    field: "pgbouncer.users[0].salt",
    allowed: /non-empty Buffer/,
  },
  {
    what: "comma in admin user",
    mutate: (o) => (o.adminUsers = ["a,b"]),
    field: "pgbouncer.adminUsers[0]",
    allowed: /without commas/,
  },
  {
    what: "bad startup parameter",
    mutate: (o) => (o.ignoreStartupParameters = ["bad name"]),
    field: "pgbouncer.ignoreStartupParameters[0]",
    allowed: /parameter name/,
  },
  {
    what: "empty listen address",
    mutate: (o) => (o.listenAddr = ""),
    field: "pgbouncer.listenAddr",
    allowed: /non-empty string/,
  },
  {
    what: "newline in reset query",
    mutate: (o) => (o.serverResetQuery = "DISCARD ALL\nlisten_port = 1"),
    field: "pgbouncer.serverResetQuery",
    allowed: /control characters/,
  },
  {
    what: "uppercase extra key",
    mutate: (o) => (o.extra = { Bad_Key: 1 }),
    field: 'pgbouncer.extra["Bad_Key"]',
    allowed: /lowercase identifier/,
  },
  {
    what: "extra key a typed option owns",
    mutate: (o) => (o.extra = { pool_mode: "session" }),
    field: "pgbouncer.extra.pool_mode",
    allowed: /controlled by pgbouncer\.poolMode/,
  },
  {
    what: "newline in extra value",
    mutate: (o) => (o.extra = { server_idle_timeout: `60\nauth_type = trust` }),
    field: "pgbouncer.extra.server_idle_timeout",
    allowed: /single-line string/,
  },
  {
    what: "misspelt option",
    mutate: (o) => (o.defaultPoolsize = 5),
    field: "pgbouncer.defaultPoolsize",
    allowed: /not an option/,
  },
];

describe("renderPgBouncerConfig validation", () => {
  it("accepts the base options", () => {
    assert.doesNotThrow(() => renderPgBouncerConfig(base()));
  });

  for (const c of cases) {
    it(`refuses ${c.what} naming ${c.field}`, () => {
      const options = base() as PgBouncerConfigOptions & Record<string, unknown>;
      c.mutate(options);
      assert.throws(
        () => renderPgBouncerConfig(options),
        (err: unknown) => {
          assert.ok(err instanceof PgBouncerConfigError, String(err));
          assert.equal(err.name, "PgBouncerConfigError");
          assert.equal(err.field, c.field);
          assert.match(err.allowed, c.allowed);
          assert.ok(err.message.startsWith(`${c.field} must be ${err.allowed}`), err.message);
          for (const secret of [SECRET, VERIFIER, MD5_VERIFIER]) {
            assert.ok(!err.message.includes(secret), `secret leaked: ${err.message}`);
          }
          return true;
        },
      );
    });
  }

  it("formats the message as field, allowed range and rejected value", () => {
    assert.throws(() => renderPgBouncerConfig({ ...base(), defaultPoolSize: 0 }), {
      message: "pgbouncer.defaultPoolSize must be an integer from 1 to 10000 (got 0)",
    });
  });

  it("refuses, through extra, every key a typed option renders", () => {
    const { ini } = renderPgBouncerConfig({
      ...base(),
      serverTls: { sslmode: "require", caFile: "/ca" },
      clientTls: { sslmode: "require", keyFile: "/k", certFile: "/c", caFile: "/ca" },
      logFile: "/l",
      pidFile: "/p",
      unixSocketDir: "/s",
      adminUsers: ["a"],
      statsUsers: ["s"],
      maxPreparedStatements: 10,
    });
    const keys = ini
      .split("\n[pgbouncer]\n")[1]
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" =")[0]);
    assert.equal(keys.length, 25);
    for (const key of keys) {
      assert.throws(() => renderPgBouncerConfig({ ...base(), extra: { [key]: 1 } }), {
        name: "PgBouncerConfigError",
        message: new RegExp(`^pgbouncer\\.extra\\.${key} must be absent: it is controlled by pgbouncer\\.`),
      });
    }
  });
});
