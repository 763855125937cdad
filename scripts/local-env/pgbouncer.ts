// A real PgBouncer in front of a local PostgreSQL, configured by our own renderer (components/pgbouncer)
// so the tests exercise exactly the configuration the cloud components ship.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { renderPgBouncerConfig, type PgBouncerConfigOptions } from "../../components/pgbouncer";
import {
  LOOPBACK,
  chownToService,
  freePort,
  makeServiceDir,
  removeDir,
  startService,
  waitFor,
  type ManagedProcess,
} from "./processes";

export interface PgBouncerServer {
  host: string;
  port: number;
  poolMode: NonNullable<PgBouncerConfigOptions["poolMode"]>;
  process: ManagedProcess;
  ini: string;
  stop(): Promise<void>;
}

export function findPgBouncer(): string | undefined {
  return ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((p) => existsSync(p));
}

export interface StartPgBouncerOptions {
  upstreamHost: string;
  upstreamPort: number;
  databases: string[];
  /** Users with their SCRAM verifier (the same one stored in PostgreSQL, so SCRAM passes through). */
  users: { name: string; verifier: string }[];
  poolMode?: PgBouncerConfigOptions["poolMode"];
  /** Default true here: session-state bugs then fail on every transaction, not by chance. */
  serverResetQueryAlways?: boolean;
  defaultPoolSize?: number;
  /** Used only to probe readiness. */
  probe: { user: string; password: string; database: string };
}

export async function startPgBouncer(options: StartPgBouncerOptions): Promise<PgBouncerServer> {
  const binary = findPgBouncer();
  if (!binary) throw new Error("pgbouncer is not installed: apt-get install pgbouncer");
  const baseDir = makeServiceDir("pgbouncer");
  const port = await freePort();
  const poolMode = options.poolMode ?? "transaction";
  const { ini, userlist } = renderPgBouncerConfig({
    databases: options.databases.map((name) => ({ name, host: options.upstreamHost, port: options.upstreamPort })),
    users: options.users.map((u) => ({ name: u.name, verifier: u.verifier })),
    listenAddr: LOOPBACK,
    listenPort: port,
    poolMode,
    defaultPoolSize: options.defaultPoolSize ?? 20,
    serverResetQueryAlways: options.serverResetQueryAlways ?? true,
    authFile: join(baseDir, "userlist.txt"),
    unixSocketDir: "",
    adminUsers: [options.users[0]!.name],
  });
  const iniFile = join(baseDir, "pgbouncer.ini");
  writeFileSync(iniFile, ini, { mode: 0o600 });
  writeFileSync(join(baseDir, "userlist.txt"), userlist, { mode: 0o600 });
  chownToService(iniFile);
  chownToService(join(baseDir, "userlist.txt"));
  const proc = startService(`pgbouncer-${port}`, binary, [iniFile], { logFile: join(baseDir, "pgbouncer.log") });
  await waitFor(
    `PgBouncer on port ${port}`,
    async () => {
      const client = new Client({
        host: LOOPBACK,
        port,
        user: options.probe.user,
        password: options.probe.password,
        database: options.probe.database,
        connectionTimeoutMillis: 2000,
      });
      try {
        await client.connect();
        await client.query("SELECT 1");
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { process: proc },
  );
  return {
    host: LOOPBACK,
    port,
    poolMode,
    process: proc,
    ini,
    async stop() {
      await proc.stop("SIGINT", 5_000);
      removeDir(baseDir);
    },
  };
}
