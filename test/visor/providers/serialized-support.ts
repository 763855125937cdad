// The engine's way of running a dynamic provider, reproduced: each provider serialized exactly as
// `pulumi.dynamic.Resource` does it, written into a directory laid out like a Pulumi program that depends
// on this package (node_modules/visor-db-infra → this checkout), and one method called per fresh process.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const REPO = resolve(__dirname, "..", "..", "..");

// Loads the provider text as the engine does and calls one method; prints {ok, result | message, loadedFromDist}.
const RUNNER = String.raw`
"use strict";
const fs = require("node:fs");
const [, , rfsPath, providerFile, method, argsFile] = process.argv;
const requireFromString = require(rfsPath);
const provider = requireFromString(fs.readFileSync(providerFile, "utf8")).handler();
const args = JSON.parse(fs.readFileSync(argsFile, "utf8"));
Promise.resolve()
  .then(() => provider[method](...args))
  .then(
    (result) => ({ ok: true, result }),
    (err) => ({ ok: false, message: String(err && err.message) }),
  )
  .then((out) => {
    out.methods = Object.keys(provider).sort();
    out.loaded = Object.keys(require.cache).filter((k) => /[\\/]dist[\\/]components[\\/]visor[\\/]providers[\\/]engine-entry\.js$/.test(k));
    process.stdout.write("\n@@RESULT@@" + JSON.stringify(out) + "\n");
    process.exit(0);
  });
`;

let programDir = "";
let rfsPath = "";
export const texts: Record<"schema" | "smoke", string> = { schema: "", smoke: "" };

/** Call once at the top of a test file: builds the program directory before its tests, removes it after. */
export function useSerializedProviders(): void {
  before(async () => {
    // What a user's Pulumi program gets: the built package, by name.
    const pkg = require("visor-db-infra");
    for (const [key, provider] of [
      ["schema", pkg.schemaProvider],
      ["smoke", pkg.smokeTestProvider],
    ] as const) {
      const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      assert.equal(sf.containsSecrets, false);
      texts[key] = sf.text;
    }
    programDir = mkdtempSync(join(tmpdir(), "visor-provider-program-"));
    mkdirSync(join(programDir, "node_modules"));
    symlinkSync(REPO, join(programDir, "node_modules", "visor-db-infra"), "dir");
    writeFileSync(join(programDir, "runner.cjs"), RUNNER);
    writeFileSync(join(programDir, "schema-provider.js"), texts.schema);
    writeFileSync(join(programDir, "smoke-provider.js"), texts.smoke);
    rfsPath = require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] });
  });

  after(() => {
    if (programDir) rmSync(programDir, { recursive: true, force: true });
  });
}

let call = 0;
export async function runInFreshProcess(which: "schema" | "smoke", method: string, args: unknown[]) {
  const argsFile = join(programDir, `args-${++call}.json`);
  writeFileSync(argsFile, JSON.stringify(args), { mode: 0o600 });
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ["runner.cjs", rfsPath, `${which}-provider.js`, method, argsFile], {
    cwd: programDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  rmSync(argsFile);
  const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
  assert.ok(line, `no result from ${which}.${method} (exit ${code}):\n${stdout}\n${stderr}`);
  const out = JSON.parse(line.slice("@@RESULT@@".length)) as {
    ok: boolean;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    result?: any;
    message?: string;
    methods: string[];
    loaded: string[];
  };
  assert.deepEqual(out.methods, ["check", "create", "delete", "diff", "read", "update"]);
  assert.ok(
    out.loaded.some((f) => f.endsWith(join("dist", "components", "visor", "providers", "engine-entry.js"))),
    `the provider ran the built package: ${out.loaded.join(", ")}`,
  );
  return out;
}
