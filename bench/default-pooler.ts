// The local environment's PgBouncer runs with server_reset_query_always = 1 (so session-state bugs fail
// in tests every time), which sends DISCARD ALL after every transaction. The shipped component default
// is 0. `--pooler-defaults` starts a second PgBouncer, identical but for that setting, in front of the
// same PostgreSQL, so the bench can show what the pooler costs as deployed.
import { Client } from "pg";
import type { VisorConnection } from "../components/visor/connection";
import type { PostgresEndpoints } from "../scripts/local-env/environment";
import { startPgBouncer } from "../scripts/local-env/pgbouncer";

export interface DefaultPooler {
  connection: VisorConnection;
  stop(): Promise<void>;
}

export async function startDefaultPooler(pg: PostgresEndpoints): Promise<DefaultPooler> {
  // PgBouncer must hold the very SCRAM verifier PostgreSQL stored for `visor`; read it as superuser.
  const admin = new Client({ connectionString: pg.adminUrl });
  await admin.connect();
  let verifier: string;
  try {
    const { rows } = await admin.query<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = 'visor'");
    verifier = rows[0]!.rolpassword;
  } finally {
    await admin.end();
  }
  const w = pg.writer;
  const bouncer = await startPgBouncer({
    upstreamHost: w.host,
    upstreamPort: w.port,
    databases: [w.database],
    users: [{ name: w.user, verifier }],
    serverResetQueryAlways: false,
    probe: { user: w.user, password: w.password, database: w.database },
  });
  const url = `postgresql://${encodeURIComponent(w.user)}:${encodeURIComponent(w.password)}@${bouncer.host}:${bouncer.port}/${encodeURIComponent(w.database)}`;
  return { connection: { url }, stop: () => bouncer.stop() };
}
