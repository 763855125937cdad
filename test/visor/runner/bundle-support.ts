// The built runner as a deployment gets it: dist/runner/visor-db-runner.cjs copied alone into an empty
// folder (no node_modules there or above), run in a fresh Node process.
import { after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Endpoint } from "../../../scripts/local-env/environment";

/** An endpoint as the runner's event carries it: fields, no URL. */
export const connectionOf = (ep: Pick<Endpoint, "host" | "port" | "database" | "user" | "password">) => ({
  host: ep.host,
  port: ep.port,
  database: ep.database,
  user: ep.user,
  password: ep.password,
});

export const BUILT_BUNDLE = resolve(__dirname, "..", "..", "..", "dist", "runner", "visor-db-runner.cjs");

let folder: string | undefined;
// Registered at load time: an `after` called inside a test would run when that test ends.
after(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** An empty temporary folder holding only the bundle; no node_modules on its resolution path. */
export function isolatedBundle(): string {
  if (folder) return join(folder, "visor-db-runner.cjs");
  assert.ok(existsSync(BUILT_BUNDLE), `${BUILT_BUNDLE} is missing: run npm run build`);
  folder = mkdtempSync(join(tmpdir(), "visor-runner-"));
  for (let dir = folder; ; dir = dirname(dir)) {
    assert.ok(!existsSync(join(dir, "node_modules")), `${dir}/node_modules would let the bundle resolve packages`);
    if (dirname(dir) === dir) break;
  }
  copyFileSync(BUILT_BUNDLE, join(folder, "visor-db-runner.cjs"));
  return join(folder, "visor-db-runner.cjs");
}

export interface BundleRun {
  code: number | null;
  /** The one JSON line printed. */
  json: Record<string, unknown>;
  stdout: string;
  stderr: string;
}

/** A Node environment without this repository's module paths or loaders. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_PATH;
  return env;
}

function spawnCollect(
  args: string[],
  stdin: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd, env: cleanEnv(), stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `node visor-db-runner.cjs < event.json` in the empty folder. */
export async function runBundle(event: unknown): Promise<BundleRun> {
  const bundle = isolatedBundle();
  const out = await spawnCollect([bundle], typeof event === "string" ? event : JSON.stringify(event), dirname(bundle));
  const lines = out.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `one line on stdout:\n${out.stdout}\n${out.stderr}`);
  return { ...out, json: JSON.parse(lines[0]!) as Record<string, unknown> };
}

/** `require("./visor-db-runner.cjs").handler(event)` in a fresh process, as Lambda's runtime calls it. */
export async function callHandler(event: unknown): Promise<{ ok: boolean; value: Record<string, unknown> }> {
  const bundle = isolatedBundle();
  const script = `
    let input = "";
    process.stdin.on("data", (d) => (input += d)).on("end", () =>
      require("./visor-db-runner.cjs").handler(JSON.parse(input)).then(
        (value) => process.stdout.write(JSON.stringify({ ok: true, value }) + "\\n"),
        (err) => process.stdout.write(JSON.stringify({ ok: false, value: { errorType: err.name, errorMessage: err.message, stack: err.stack } }) + "\\n"),
      ));`;
  const out = await spawnCollect(["-e", script], JSON.stringify(event), dirname(bundle));
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout.trim()) as { ok: boolean; value: Record<string, unknown> };
}

export function assertNoSecret(text: string, ...secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `a secret appears in: ${text.slice(0, 400)}`);
}
