// The client programs backups are made with (pg_dump/pg_restore, mysqldump/mysql): found on PATH or in
// --bin-dir, versions checked, run with the password in their environment (PGPASSWORD / MYSQL_PWD), never
// in argv, and their failure turned into one line.
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedConnection } from "../../components/visor/connection";
import { redactSecrets } from "../../components/visor/redact";
import { OpsError } from "./errors";

export { OpsError };

export type ToolName = "pg_dump" | "pg_restore" | "mysqldump" | "mysql";

const INSTALL: Record<ToolName, string> = {
  pg_dump: "apt-get install postgresql-client",
  pg_restore: "apt-get install postgresql-client",
  mysqldump: "apt-get install mariadb-client (or mysql-client)",
  mysql: "apt-get install mariadb-client (or mysql-client)",
};

export function toolPath(name: ToolName, binDir?: string): string {
  return binDir ? join(binDir, name) : name;
}

export interface ToolVersion {
  name: ToolName;
  path: string;
  /** e.g. `15.18`. */
  version: string;
  major: number;
}

/** `<tool> --version`, parsed; a missing tool is one line that says how to install it. */
export async function toolVersion(name: ToolName, binDir?: string): Promise<ToolVersion> {
  const path = toolPath(name, binDir);
  const { code, stdout, stderr } = await run(path, ["--version"], {}).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT")
      throw new OpsError(`${name} not found ${binDir ? `in ${binDir}` : "on PATH"}: ${INSTALL[name]}, or pass --bin-dir`);
    throw err;
  });
  if (code !== 0) throw new OpsError(`${path} --version failed: ${firstLine(stderr || stdout)}`);
  // "pg_dump (PostgreSQL) 15.18 (Debian …)", "mysqldump  Ver 10.19 Distrib 10.11.19-MariaDB", "mysql  Ver 8.0.36 for Linux"
  const m = /Distrib (\d+)\.(\d+)(?:\.(\d+))?/.exec(stdout) ?? /(\d+)\.(\d+)(?:\.(\d+))?/.exec(stdout);
  if (!m) throw new OpsError(`cannot read the version of ${path} from ${JSON.stringify(firstLine(stdout))}`);
  return { name, path, version: m[3] ? `${m[1]}.${m[2]}.${m[3]}` : `${m[1]}.${m[2]}`, major: Number(m[1]) };
}

/** Environment and TLS files for a child process; call `cleanup()` when it has exited. */
export interface ChildConnection {
  env: NodeJS.ProcessEnv;
  /** Extra argv (MySQL clients; never the password). */
  args: string[];
  cleanup(): void;
}

export function childConnection(r: ResolvedConnection): ChildConnection {
  let dir: string | undefined;
  const caFile = (): string | undefined => {
    if (!r.ssl?.ca) return undefined;
    dir = mkdtempSync(join(tmpdir(), "visor-db-ca-"));
    const file = join(dir, "ca.pem");
    writeFileSync(file, r.ssl.ca, { mode: 0o600 });
    return file;
  };
  // Inherited PG*/MYSQL* settings must not redirect the child to another server.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PG|MYSQL_)/.test(k) && k !== "DATABASE_URL"),
  );
  const args: string[] = [];
  if (r.driver === "postgresql") {
    Object.assign(env, { PGHOST: r.host, PGPORT: String(r.port), PGDATABASE: r.database, PGCONNECT_TIMEOUT: "10" });
    if (r.user) env.PGUSER = r.user;
    if (r.password !== undefined) env.PGPASSWORD = r.password;
    env.PGSSLMODE = r.ssl ? r.ssl.mode : "prefer";
    const ca = caFile();
    if (ca) env.PGSSLROOTCERT = ca;
  } else {
    args.push(`--host=${r.host}`, `--port=${r.port}`, "--protocol=TCP");
    if (r.user) args.push(`--user=${r.user}`);
    if (r.password !== undefined) env.MYSQL_PWD = r.password;
    if (r.ssl) {
      args.push("--ssl");
      const ca = caFile();
      if (ca) args.push(`--ssl-ca=${ca}`);
      if (r.ssl.mode === "verify-full" || r.ssl.mode === "verify-ca") args.push("--ssl-verify-server-cert");
    }
  }
  return { env, args, cleanup: () => dir && rmSync(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let pdeathsig: boolean | undefined;

/** util-linux `setpriv --pdeathsig` works here (Linux): a child started through it dies with us. */
function canTieToParent(): boolean {
  if (pdeathsig === undefined) {
    pdeathsig =
      process.platform === "linux" &&
      spawnSync("setpriv", ["--pdeathsig", "KILL", "--", "true"], { stdio: "ignore" }).status === 0;
  }
  return pdeathsig;
}

export interface RunOptions {
  /** Streamed to the child's stdin: if we die, the child reads a truncated input and aborts. */
  stdinFile?: string;
  onStdinBytes?: (n: number) => void;
  /** Kill the child when this process dies, even by SIGKILL (Linux, via setpriv --pdeathsig). */
  dieWithParent?: boolean;
}

/** Runs a program to completion; `stdinFile` is streamed to its stdin (and `onStdinBytes` told how far). */
export function run(path: string, args: string[], env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const tied = options.dieWithParent && canTieToParent();
    const child = spawn(tied ? "setpriv" : path, tied ? ["--pdeathsig", "KILL", "--", path, ...args] : args, {
      env: Object.keys(env).length ? env : process.env,
      stdio: [options.stdinFile ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.once("error", reject);
    if (options.stdinFile) {
      let sent = 0;
      const input = createReadStream(options.stdinFile);
      input.on("data", (chunk) => {
        sent += chunk.length;
        options.onStdinBytes?.(sent);
      });
      input.once("error", (err) => {
        child.kill();
        reject(err);
      });
      // The child may exit early (a SQL error); its exit code tells, not EPIPE.
      child.stdin!.on("error", () => undefined);
      input.pipe(child.stdin!);
    }
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ""
  );
}

/** The line of a tool's stderr that says what went wrong (the first `error:` line, else the first line). */
export function toolError(stderr: string, secrets: (string | undefined)[]): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? "(no output)";
  return redactSecrets(line, secrets);
}

/** The major version from `server_version_num`: 180001 → 18, 90624 → 9. */
export function pgMajorFromVersionNum(num: number): number {
  return Math.floor(num / 10000);
}
