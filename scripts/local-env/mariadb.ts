// A real MariaDB server for the MySQL dialect (Debian's mariadb-server), on loopback, as the service user.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  LOOPBACK,
  currentUserName,
  freePort,
  makeServiceDir,
  removeDir,
  runAsService,
  startService,
  waitFor,
  type ManagedProcess,
} from "./processes";

export interface MariaDbServer {
  host: string;
  port: number;
  /** Database `visor`, owned by user `visor`. */
  database: string;
  user: string;
  password: string;
  /** Admin (root) connection over the unix socket. */
  socketPath: string;
  process: ManagedProcess;
  url(): string;
  stop(): Promise<void>;
}

export function findMariaDb(): { server: string; installDb: string } | undefined {
  for (const server of ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"]) {
    for (const installDb of ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"]) {
      if (existsSync(server) && existsSync(installDb)) return { server, installDb };
    }
  }
  return undefined;
}

export async function startMariaDb(): Promise<MariaDbServer> {
  const bins = findMariaDb();
  if (!bins) throw new Error("MariaDB is not installed: apt-get install --no-install-recommends mariadb-server");
  const baseDir = makeServiceDir("mariadb");
  const dataDir = join(baseDir, "data");
  const socketPath = join(baseDir, "mysqld.sock");
  const port = await freePort();
  const user = currentUserName();
  await runAsService(bins.installDb, [
    "--no-defaults",
    `--datadir=${dataDir}`,
    `--user=${user}`,
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
  ]);
  const proc = startService(
    `mariadb-${port}`,
    bins.server,
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      `--socket=${socketPath}`,
      `--port=${port}`,
      `--bind-address=${LOOPBACK}`,
      `--pid-file=${join(baseDir, "mysqld.pid")}`,
      "--skip-name-resolve",
      "--skip-log-bin",
      // Test server: durability is not what we test here.
      "--innodb-flush-log-at-trx-commit=0",
      "--innodb-buffer-pool-size=64M",
    ],
    { logFile: join(baseDir, "mariadb.log") },
  );
  const password = randomBytes(18).toString("base64url");
  await waitFor(
    `MariaDB on port ${port}`,
    async () => {
      // mysql2 is an optional peer dependency: loaded only when a MariaDB is started.
      const { createConnection } = await import("mysql2/promise");
      const admin = await createConnection({ socketPath, user: "root" });
      try {
        // The guide's MySQL "Initial Setup".
        await admin.query("CREATE DATABASE IF NOT EXISTS visor CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        await admin.query("CREATE USER IF NOT EXISTS 'visor'@'%' IDENTIFIED BY ?", [password]);
        await admin.query("GRANT ALL PRIVILEGES ON visor.* TO 'visor'@'%'");
        // The tests create scratch databases (visor_*) of their own.
        await admin.query("GRANT ALL PRIVILEGES ON `visor\\_%`.* TO 'visor'@'%'");
        await admin.query("FLUSH PRIVILEGES");
        return true;
      } finally {
        await admin.end();
      }
    },
    { process: proc, timeoutMs: 60_000 },
  );
  return {
    host: LOOPBACK,
    port,
    database: "visor",
    user: "visor",
    password,
    socketPath,
    process: proc,
    url: () => `mysql://visor:${encodeURIComponent(password)}@${LOOPBACK}:${port}/visor`,
    async stop() {
      await proc.stop("SIGTERM", 15_000);
      removeDir(baseDir);
    },
  };
}
