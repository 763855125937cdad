// `npm test`: starts the real servers once (PostgreSQL primary + replica + PgBouncer, MariaDB, every
// other PostgreSQL major), runs every test file against them with node:test, and always tears down.
import { execFileSync, spawn } from "node:child_process";
import { globSync } from "node:fs";
import { startLocalEnvironment } from "../local-env/environment";
import { isStrict } from "../local-env/strict";
import { buildRunner } from "./build-runner";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const filters = args.filter((a) => !a.startsWith("--"));
  const files = globSync("test/**/*.test.ts")
    .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
    .sort();
  if (files.length === 0) {
    console.error(`no test files match ${filters.join(" ")}`);
    return 1;
  }
  // The dynamic providers load this package by name (exports → dist/), as the Pulumi engine does: build first.
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { stdio: "inherit" });
  // The runner bundle (dist/runner), which the runner and transport tests run in fresh processes.
  await buildRunner();
  const strict = isStrict();
  const started = Date.now();
  const env = await startLocalEnvironment({
    mariadb: true,
    allMajors: true,
    strict,
    log: (l) => console.log(`[servers] ${l}`),
  });
  console.log(`[servers] up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let stopping = false;
  const teardown = async () => {
    if (stopping) return;
    stopping = true;
    await env.stop();
  };
  try {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=300000", ...files],
      {
        stdio: "inherit",
        env: { ...process.env, VISOR_TEST_ENDPOINTS: JSON.stringify(env.endpoints), VISOR_TEST_STRICT: strict ? "1" : "" },
      },
    );
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => child.kill(sig));
    return await new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
