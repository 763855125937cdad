// `npm run build` (after tsc): the runner bundle dist/runner/visor-db-runner.cjs, one self-contained file
// with no node_modules at run time. PostgreSQL only: knex's other dialect drivers are left out.
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(__dirname, "..", "..");
export const RUNNER_BUNDLE = join(ROOT, "dist", "runner", "visor-db-runner.cjs");

/** Drivers knex can load that the runner never uses; `require` of them fails only if a dialect asks. */
const NOT_BUNDLED = [
  "mysql",
  "mariadb",
  "mariadb/callback",
  "mysql2",
  "tedious",
  "mssql",
  "sqlite3",
  "better-sqlite3",
  "oracledb",
  "pg-native",
  "pg-query-stream",
  "@aws-sdk/*",
];

export async function buildRunner(): Promise<number> {
  await build({
    entryPoints: [join(ROOT, "components", "visor", "runner", "entry.ts")],
    outfile: RUNNER_BUNDLE,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "eof",
    external: NOT_BUNDLED,
    logLevel: "warning",
  });
  return statSync(RUNNER_BUNDLE).size;
}

if (require.main === module) {
  buildRunner().then(
    (size) => console.log(`runner: ${RUNNER_BUNDLE} (${(size / 1024).toFixed(0)} KiB)`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
