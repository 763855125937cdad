// `npm run bench:install`: the install budgets of issue 14, measured on this machine in one run:
//   - `npm ci` of the repository in a fresh clone of HEAD,
//   - an AWS-only consumer (the packed package + @pulumi/aws): `npm ci` time and node_modules size,
//     and which SQL drivers / native builds it got,
//   - `require("visor-db-infra/aws")` against `require("@pulumi/aws/rds")` in that consumer.
// npm uses its usual cache (~/.npm) with --prefer-offline: the times are warm-cache installs.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const root = join(__dirname, "..");
const log = (line: string) => process.stderr.write(`[bench:install] ${line}\n`);
const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
const REQUIRE_RUNS = 7;

function npm(cwd: string, args: string[]): void {
  // Node 22 from this repository's node_modules first on PATH, as `npm run` would have it.
  const PATH = `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}`;
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, PATH }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} (in ${cwd}) failed:\n${r.stdout}\n${r.stderr}`);
}

function timed(what: string, fn: () => void): number {
  log(`${what}…`);
  const start = performance.now();
  fn();
  const seconds = (performance.now() - start) / 1000;
  log(`${what}: ${seconds.toFixed(1)} s`);
  return seconds;
}

/** Apparent size in bytes (what `du -sb` reports), following no symlinks. */
function sizeOf(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** Top-level packages (scopes expanded) of a node_modules, largest first. */
function packageSizes(nodeModules: string): [string, number][] {
  const names = readdirSync(nodeModules)
    .filter((n) => !n.startsWith("."))
    .flatMap((n) => (n.startsWith("@") ? readdirSync(join(nodeModules, n)).map((s) => `${n}/${s}`) : [n]));
  return names.map((n): [string, number] => [n, sizeOf(join(nodeModules, n))]).sort((a, b) => b[1] - a[1]);
}

/** Packages that build native code at install (a binding.gyp, as node-gyp would use). */
function nativeBuilds(nodeModules: string): string[] {
  return packageSizes(nodeModules)
    .map(([n]) => n)
    .filter((n) => existsSync(join(nodeModules, n, "binding.gyp")));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Each require in its own fresh process, alternating, so both see the same machine load. */
function requireTimes(cwd: string): Record<string, number> {
  const modules = ["visor-db-infra/aws", "@pulumi/aws/rds"];
  const samples: Record<string, number[]> = Object.fromEntries(modules.map((m) => [m, []]));
  for (let run = 0; run < REQUIRE_RUNS; run++) {
    for (const m of modules) {
      const code = `const t=performance.now();require(${JSON.stringify(m)});console.log(performance.now()-t)`;
      const out = execFileSync(process.execPath, ["-e", code], { cwd, encoding: "utf8" });
      samples[m]!.push(Number(out.trim().split("\n").pop()));
    }
  }
  return Object.fromEntries(modules.map((m) => [m, median(samples[m]!)]));
}

function repositoryNpmCi(): number {
  const dir = mkdtempSync(join(tmpdir(), "visor-bench-clone-"));
  try {
    execFileSync("git", ["clone", "--quiet", "--no-hardlinks", root, dir]);
    return timed("npm ci of a fresh clone", () => npm(dir, ["ci", ...NPM_FLAGS]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function consumer() {
  const dir = mkdtempSync(join(tmpdir(), "visor-bench-consumer-"));
  try {
    npm(root, ["pack", "--pack-destination", dir, "--loglevel=error"]);
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
    const awsVersion = (
      JSON.parse(readFileSync(join(root, "node_modules", "@pulumi", "aws", "package.json"), "utf8")) as { version: string }
    ).version;
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-consumer", private: true }));
    npm(dir, ["install", ...NPM_FLAGS, `./${tarball}`, `@pulumi/aws@${awsVersion}`]);
    rmSync(join(dir, "node_modules"), { recursive: true, force: true });
    const ciSeconds = timed("npm ci of the AWS-only consumer", () => npm(dir, ["ci", ...NPM_FLAGS]));
    const nodeModules = join(dir, "node_modules");
    const packages = packageSizes(nodeModules);
    const drivers = ["pg", "mysql2", "tedious", "better-sqlite3"].filter((p) => existsSync(join(nodeModules, p)));
    return {
      ciSeconds,
      bytes: sizeOf(nodeModules),
      packageCount: packages.length,
      largest: packages.slice(0, 8),
      drivers,
      nativeBuilds: nativeBuilds(nodeModules),
      requireMs: requireTimes(dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log("Usage: tsx bench/install.ts [--skip-repo]   (npm run bench:install)");
    return;
  }
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const repoCiSeconds = args.includes("--skip-repo") ? undefined : repositoryNpmCi();
  const c = consumer();
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  console.log(`commit ${commit}, Node ${process.version}, ${new Date().toISOString()}`);
  if (repoCiSeconds !== undefined) console.log(`repository npm ci (fresh clone):  ${repoCiSeconds.toFixed(1)} s`);
  console.log(`AWS-only consumer npm ci:         ${c.ciSeconds.toFixed(1)} s`);
  console.log(`AWS-only consumer node_modules:   ${mb(c.bytes)} (${c.packageCount} top-level packages)`);
  console.log(`  largest: ${c.largest.map(([n, b]) => `${n} ${mb(b)}`).join(", ")}`);
  console.log(
    `  SQL drivers installed: ${c.drivers.join(", ") || "none"}; native builds: ${c.nativeBuilds.join(", ") || "none"}`,
  );
  for (const [m, ms] of Object.entries(c.requireMs))
    console.log(`require("${m}"): ${ms.toFixed(0)} ms (median of ${REQUIRE_RUNS})`);
}

main();
