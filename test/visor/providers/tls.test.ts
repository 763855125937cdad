// TLS against real PostgreSQL servers started with certificates from a throw-away CA (made with openssl):
// verify-full passes with the right CA and host name and fails clearly (classified "tls", not retried)
// for a wrong CA or host name; verify-ca checks the chain only; require encrypts without a CA; disable
// connects in clear text. The providers carry ssl through to every connection they open.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  ConnectError,
  bootstrapSchema,
  openKnex,
  waitForConnection,
  type SslMode,
  type VisorConnection,
} from "../../../components";
import { schemaProviderLogic } from "../../../components/visor/providers/schema-logic";
import { smokeTestProviderLogic } from "../../../components/visor/providers/smoke-logic";
import { startPostgres, type PostgresServer } from "../../../scripts/local-env/postgres";
import { TestCertificates } from "../../support/certificates";

const certs = new TestCertificates();
let ca = "";
let otherCa = "";
/** Certificate for DNS:localhost, IP:127.0.0.1, signed by `ca`. */
let good: PostgresServer | undefined;
/** Certificate for DNS:wrong.example only, signed by `ca`. */
let wrongHost: PostgresServer | undefined;

before(async () => {
  ca = certs.ca("ca").pem;
  otherCa = certs.ca("other-ca").pem;
  good = await startPostgres({
    tls: certs.serverCert("server", { cn: "localhost", san: "DNS:localhost,IP:127.0.0.1", ca: "ca" }),
  });
  wrongHost = await startPostgres({
    tls: certs.serverCert("wrong", { cn: "wrong.example", san: "DNS:wrong.example", ca: "ca" }),
  });
});

after(async () => {
  await good?.stop().catch(() => undefined);
  await wrongHost?.stop().catch(() => undefined);
  certs.remove();
});

function conn(
  server: PostgresServer | undefined,
  mode: SslMode | undefined,
  caPem?: string,
  host = "localhost",
): VisorConnection {
  assert.ok(server, "the TLS server did not start");
  return {
    host,
    port: server.port,
    user: "postgres",
    password: server.superuserPassword,
    database: "postgres",
    ssl: mode === undefined ? { ca: caPem } : { mode, ...(caPem ? { ca: caPem } : {}) },
  };
}

/** Whether the server sees this connection as TLS. */
async function usesTls(c: VisorConnection): Promise<boolean> {
  const db = await openKnex(c, { pool: { min: 0, max: 1 } });
  try {
    const r = (await db.raw("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) as { rows: { ssl: boolean }[] };
    return r.rows[0]!.ssl;
  } finally {
    await db.destroy();
  }
}

/** Fails at once (well inside a 60 s budget), classified "tls", with `pattern` and without the password. */
async function assertTlsFailure(c: VisorConnection, pattern: RegExp): Promise<void> {
  const started = Date.now();
  await assert.rejects(waitForConnection(c, { timeoutMs: 60_000, initialDelayMs: 1000 }), (err: unknown) => {
    assert.ok(err instanceof ConnectError, String(err));
    assert.equal(err.failure, "tls");
    assert.match(
      err.message,
      /TLS verification failed: check ssl\.mode, the CA bundle and that the host name matches the server certificate \(not retried\)/,
    );
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes(c.password!), "the password is in the message");
    return true;
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 20_000, `a TLS failure was retried (${elapsed} ms)`);
}

test("verify-full with the right CA and host name connects over TLS and bootstraps", async () => {
  const c = conn(good, "verify-full", ca);
  await waitForConnection(c, { timeoutMs: 10_000 });
  assert.equal(await usesTls(c), true);
  const result = await bootstrapSchema(c);
  assert.equal(result.report.complete, true);
  assert.deepEqual([...result.report.tables.map((t) => t.name)].sort(), ["message_triggers", "scheduler_locks", "schedules"]);
});

test("verify-full to an IP address does not set an IP as TLS server name (Node's DEP0123; runs first: Node warns once per process)", async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }) => warnings.push(`${w.code}: ${w.message}`);
  process.on("warning", onWarning);
  try {
    await waitForConnection(conn(good, "verify-full", ca, "127.0.0.1"), { timeoutMs: 10_000 });
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(
    warnings.filter((w) => w.startsWith("DEP0123")),
    [],
  );
});

test("verify-full to 127.0.0.1 (in the certificate's SAN as an IP) connects", async () => {
  const c = conn(good, "verify-full", ca, "127.0.0.1");
  await waitForConnection(c, { timeoutMs: 10_000 });
  assert.equal(await usesTls(c), true);
});

test("verify-full with a different CA fails at once with a clear TLS message", async () => {
  await assertTlsFailure(
    conn(good, "verify-full", otherCa),
    /self-signed certificate in certificate chain|unable to verify|unable to get local issuer/i,
  );
});

test("verify-full without any CA bundle rejects the private CA", async () => {
  await assertTlsFailure(conn(good, "verify-full"), /unable to verify|self-signed|local issuer/i);
});

test("verify-full against a certificate for another host name fails naming the host name", async () => {
  await assertTlsFailure(
    conn(wrongHost, "verify-full", ca),
    /Hostname\/IP does not match certificate's altnames: Host: localhost\. is not in the cert's altnames: DNS:wrong\.example/,
  );
  // A CA given without a mode means verify-full.
  await assertTlsFailure(conn(wrongHost, undefined, ca), /does not match certificate's altnames/);
  await waitForConnection(conn(good, undefined, ca), { timeoutMs: 10_000 });
});

test("verify-ca checks the chain but not the host name", async () => {
  const c = conn(wrongHost, "verify-ca", ca);
  await waitForConnection(c, { timeoutMs: 10_000 });
  assert.equal(await usesTls(c), true);
  await assertTlsFailure(
    conn(wrongHost, "verify-ca", otherCa),
    /self-signed certificate in certificate chain|unable to verify|local issuer/i,
  );
});

test("require encrypts without a CA (and without checking the certificate)", async () => {
  for (const server of [good, wrongHost]) {
    const c = conn(server, "require");
    await waitForConnection(c, { timeoutMs: 10_000 });
    assert.equal(await usesTls(c), true);
  }
});

test("disable connects without TLS (pg_hba allows host connections without SSL)", async () => {
  const c = conn(good, "disable");
  await waitForConnection(c, { timeoutMs: 10_000 });
  assert.equal(await usesTls(c), false);
});

test("the providers carry verify-full through: VisorSchema and VisorHaSmokeTest pass; a wrong CA fails VisorSchema", async () => {
  const c = conn(good, "verify-full", ca);
  const { outs } = await schemaProviderLogic.create({ connection: c, connectRetry: { timeoutMs: 10_000 } });
  assert.deepEqual([...outs.tables].sort(), ["message_triggers", "scheduler_locks", "schedules"]);
  const smoke = await smokeTestProviderLogic.create({ connection: c, connectRetry: { timeoutMs: 10_000 } });
  assert.equal(smoke.outs.passed, true);
  assert.equal(smoke.outs.checks["mutual-exclusion"]!.passed, true);

  const bad = conn(good, "verify-full", otherCa);
  await assert.rejects(schemaProviderLogic.create({ connection: bad, connectRetry: { timeoutMs: 60_000 } }), (err: Error) => {
    assert.match(err.message, /^VisorSchema: postgresql:\/\/postgres@localhost:\d+\/postgres: TLS verification failed/);
    assert.ok(!err.message.includes(bad.password!));
    return true;
  });
});
