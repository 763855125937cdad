// A fresh clone of this repository for tests that run what CI runs: every file git tracks (and new,
// not-ignored files, so uncommitted work is tested too), nothing git ignores (no dist/, no .visor-local/).
// `npm ci` is not repeated: node_modules links to this checkout's, and the install scripts npm ci would
// run for the root package (prepare builds dist/) are run instead.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(__dirname, "..", "..");

export interface FreshClone {
  dir: string;
  /** PATH as setup-node + npm give it: Node 22 from this checkout's node_modules first. */
  path: string;
}

/** The files a fresh clone has (before npm ci), relative to the repository root. */
export function repositoryFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && existsSync(join(root, f)));
}

export function freshClone(t: { after(fn: () => void): void }): FreshClone {
  const dir = mkdtempSync(join(tmpdir(), "visor-clone-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of repositoryFiles()) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(root, f), join(dir, f));
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return { dir, path: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}` };
}

/** The root package's scripts that `npm ci` runs after installing, in npm's order. */
export function runNpmInstallScripts(clone: FreshClone): void {
  const scripts =
    (JSON.parse(readFileSync(join(clone.dir, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
  for (const name of ["preinstall", "install", "postinstall", "prepare"].filter((n) => scripts[n])) {
    const r = spawnSync("npm", ["run", name], { cwd: clone.dir, encoding: "utf8", env: { ...process.env, PATH: clone.path } });
    assert.equal(r.status, 0, `npm run ${name} in a fresh clone failed:\n${r.stdout}\n${r.stderr}`);
  }
}
