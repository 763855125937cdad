// The policy pack loads as `pulumi preview --policy-pack policy` runs it: the process serves the pack
// and prints the port the engine connects to.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const root = join(__dirname, "..", "..");

test("policy/ is a Node.js policy pack that serves its policies", async () => {
  const meta = parse(readFileSync(join(root, "policy", "PulumiPolicy.yaml"), "utf8"));
  assert.equal(meta.runtime, "nodejs");
  const child = spawn(process.execPath, ["--import", "tsx", "-e", 'require("./policy/index.ts")'], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      child.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
    });
    assert.match(firstLine.trim(), /^\d{2,5}$/, "the engine reads the pack's gRPC port from stdout");
  } finally {
    child.kill("SIGKILL");
  }
});
