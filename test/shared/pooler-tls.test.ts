// TLS on both sides of the PgBouncer the AWS and GCP components run, with the real pgbouncer binary:
// the config comes from renderPooledConfig (as shipped), PgBouncer verifies PostgreSQL with verify-full,
// and clients verify PgBouncer's self-signed certificate (made like poolerTlsCertificate makes it).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { resolve, setupMocks } from "../support/pulumi-mocks";
setupMocks();
import { renderPooledConfig } from "../../components/shared/pgbouncer-files";
import { validateBase } from "../../components/shared/base-validation";
import { Validator } from "../../components/shared/validation";
import { scramSha256Verifier } from "../../components/pgbouncer";
import { waitForConnection } from "../../components/visor/retry";
import { startPostgres } from "../../scripts/local-env/postgres";
import { findPgBouncer } from "../../scripts/local-env/pgbouncer";
import { chownToService, freePort, makeServiceDir, removeDir, startService, waitFor } from "../../scripts/local-env/processes";
import { need } from "../support/servers";
import { TestCertificates } from "../support/certificates";

const certs = new TestCertificates();
after(() => certs.remove());
const dir = certs.dir;

function certificates() {
  // PostgreSQL's server certificate, signed by a CA (the cloud provider's CA in production).
  certs.ca("pg-ca");
  certs.serverCert("pg", { cn: "127.0.0.1", san: "IP:127.0.0.1,DNS:localhost", ca: "pg-ca" });
  // The pooler's certificate as poolerTlsCertificate makes it: ECDSA P-256, self-signed, CA:TRUE, SANs.
  const ext =
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:TRUE\nkeyUsage=digitalSignature,keyEncipherment,keyCertSign\nextendedKeyUsage=serverAuth\n";
  const config = join(dir, "openssl.cnf");
  writeFileSync(config, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${ext}`);
  certs.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "pooler.key");
  certs.openssl(
    "req",
    "-new",
    "-x509",
    "-key",
    "pooler.key",
    "-out",
    "pooler.crt",
    "-days",
    "2",
    "-subj",
    "/CN=visor-pgbouncer",
    "-extensions",
    "v3",
    "-config",
    config,
  );
  // Another self-signed certificate: a client trusting only this must refuse the pooler.
  certs.ca("other");
}

test("Visor → PgBouncer → PostgreSQL is TLS end to end, verify-full on both hops", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  certificates();
  const pg = await startPostgres({ tls: { certFile: join(dir, "pg.crt"), keyFile: join(dir, "pg.key") } });
  t.after(() => pg.stop());
  const password = "Visor-app-password-1";
  const verifier = scramSha256Verifier(password);
  const admin = new Client({ connectionString: pg.url() });
  await admin.connect();
  await admin.query(`CREATE ROLE visor LOGIN PASSWORD '${verifier}'`);
  await admin.query("CREATE DATABASE visor OWNER visor");
  await admin.end();

  const base = makeServiceDir("pooler-tls");
  t.after(() => removeDir(base));
  for (const f of ["pg-ca.crt", "pooler.crt", "pooler.key"]) {
    writeFileSync(join(base, f), readFileSync(join(dir, f)), { mode: 0o600 });
    chownToService(join(base, f));
  }
  const settings = validateBase(new Validator("test"), {}, { maxRetentionDays: 35 });
  const { value: files, secret } = await resolve(
    renderPooledConfig({
      writerHost: "127.0.0.1",
      writerPort: pg.port,
      verifier,
      settings,
      serverCaFile: join(base, "pg-ca.crt"),
      authFile: join(base, "userlist.txt"),
      clientTls: { keyFile: join(base, "pooler.key"), certFile: join(base, "pooler.crt") },
    }),
  );
  assert.equal(secret, true, "the rendered files are a secret");
  assert.match(files.ini, /^client_tls_sslmode = require$/m);
  assert.match(files.ini, /^server_tls_sslmode = verify-full$/m);
  // The shipped config listens on 0.0.0.0:6432; the test binds loopback on a free port instead.
  const port = await freePort();
  const ini = files.ini
    .replace(/^listen_addr = .*$/m, "listen_addr = 127.0.0.1")
    .replace(/^listen_port = .*$/m, `listen_port = ${port}\nunix_socket_dir =`);
  writeFileSync(join(base, "pgbouncer.ini"), ini, { mode: 0o600 });
  writeFileSync(join(base, "userlist.txt"), files.userlist, { mode: 0o600 });
  chownToService(join(base, "pgbouncer.ini"));
  chownToService(join(base, "userlist.txt"));
  chmodSync(base, 0o700);
  const proc = startService("pgbouncer-tls", findPgBouncer()!, [join(base, "pgbouncer.ini")], {
    logFile: join(base, "pgbouncer.log"),
  });
  t.after(() => proc.stop("SIGINT", 5000));
  const trusted = readFileSync(join(dir, "pooler.crt"), "utf8");
  const conn = (ca: string) => ({
    host: "localhost",
    port,
    database: "visor",
    user: "visor",
    password,
    ssl: { mode: "verify-full" as const, ca },
  });

  await waitFor("PgBouncer with TLS", async () => (await waitForConnection(conn(trusted), { timeoutMs: 2000 }), true), {
    process: proc,
  });
  const client = new Client({
    host: "localhost",
    port,
    database: "visor",
    user: "visor",
    password,
    ssl: { ca: trusted, rejectUnauthorized: true },
  });
  await client.connect();
  try {
    const r = await client.query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    assert.equal(r.rows[0].ssl, true, "PgBouncer reached PostgreSQL over TLS (verify-full against the server CA)");
  } finally {
    await client.end();
  }
  await assert.rejects(
    waitForConnection(conn(readFileSync(join(dir, "other.crt"), "utf8")), { timeoutMs: 2000 }),
    /TLS verification failed/,
  );
  const plain = new Client({ host: "127.0.0.1", port, database: "visor", user: "visor", password, ssl: false });
  await assert.rejects(plain.connect(), /SSL required|server does not support SSL|ssl/i, "a client without TLS is refused");
  await plain.end().catch(() => undefined);
});
