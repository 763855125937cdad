// Process plumbing shared by every local server: run as a non-root user, pick free loopback ports,
// wait for readiness and always tear down.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, openSync, closeSync, rmSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Loopback only: tests and the local environment never listen elsewhere. */
export const LOOPBACK = "127.0.0.1";

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL, PgBouncer and MariaDB refuse to run as root, so as root we drop to the `postgres`
 * account that Debian's PostgreSQL package creates. As any other user we run as ourselves.
 */
export function serviceUser(): ServiceUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const line = passwd.find((l) => l.startsWith(`${name}:`));
    if (!line) continue;
    const [, , uid, gid] = line.split(":");
    return { name, uid: Number(uid), gid: Number(gid) };
  }
  throw new Error("running as root but neither a 'postgres' nor a 'nobody' account exists to run servers");
}

export function currentUserName(): string {
  return serviceUser()?.name ?? userInfo().username;
}

/** A private temp dir that the service user owns. */
export function makeServiceDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `visor-db-${prefix}-`));
  const user = serviceUser();
  if (user) chownSync(dir, user.uid, user.gid);
  return dir;
}

export function chownToService(path: string): void {
  const user = serviceUser();
  if (user) chownSync(path, user.uid, user.gid);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion as the service user; the error carries its output. */
export async function runAsService(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const user = serviceUser();
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? tmpdir(),
      timeout: options.timeoutMs ?? 120_000,
      uid: user?.uid,
      gid: user?.gid,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`.trim());
  }
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves once the process has exited (after a graceful signal, then SIGKILL). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  exited(): boolean;
}

const running = new Set<ManagedProcess>();

/** Starts a long-running server as the service user with output to a log file. */
export function startService(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string },
): ManagedProcess {
  const user = serviceUser();
  const fd = openSync(options.logFile, "a");
  chownToService(options.logFile);
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? tmpdir(),
      uid: user?.uid,
      gid: user?.gid,
      stdio: ["ignore", fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let hasExited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      hasExited = true;
      resolve();
    });
    child.once("error", () => {
      hasExited = true;
      resolve();
    });
  });
  const managed: ManagedProcess = {
    name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    exited: () => hasExited,
    async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000) {
      running.delete(managed);
      if (hasExited) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  running.add(managed);
  return managed;
}

/** Last resort on abrupt exit: no server outlives the process that started it. */
function killAllSync(): void {
  for (const p of running) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  running.clear();
}
process.once("exit", killAllSync);

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Polls `probe` until it resolves truthy; fails with what it was waiting for and the server log. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; process?: ManagedProcess } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    if (options.process?.exited()) {
      throw new Error(`${what}: the process exited early. Log:\n${tail(options.process.logFile)}`);
    }
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      const log = options.process ? `\nLog:\n${tail(options.process.logFile)}` : "";
      throw new Error(`timed out waiting for ${what}${detail}${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
