// `visor-db local up|status|down`: up in seconds, endpoints printed, stopped by Ctrl-C or from another
// shell, with no process left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collect, runCli, startCli, waitForOutput } from "../support/cli";
import type { LocalState } from "../../scripts/cli/state";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function stateDir(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), "visor-local-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { VISOR_LOCAL_DIR: dir, dir };
}

test("local up prints writer, reader and pooler; Ctrl-C stops every process", async (t) => {
  const { dir, ...env } = stateDir(t);
  const child = startCli(["local", "up"], env);
  const done = collect(child, 120_000);
  const out = await waitForOutput(child, /Running\./);
  for (const role of ["writer", "reader", "pooler"])
    assert.match(out, new RegExp(`${role} +postgresql://visor:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/visor`));
  const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as LocalState;
  assert.equal(state.ownerPid, child.pid);
  assert.ok(state.pids.length >= 3, `expected primary, replica and pgbouncer pids, got ${state.pids}`);
  assert.ok(state.pids.every(alive));
  assert.doesNotMatch(out, new RegExp(state.endpoints.postgres.writer.password), "the password is never printed");

  const status = await runCli(["local", "status"], env);
  assert.equal(status.code, 0);
  assert.match(status.stdout, /^running \(pid \d+/);

  child.kill("SIGINT");
  const result = await done;
  assert.equal(result.code, 0);
  assert.match(result.stdout, /stopped\./);
  assert.deepEqual(state.pids.filter(alive), [], "no server outlives Ctrl-C");
  assert.equal((await runCli(["local", "status"], env)).code, 3);
});

test("local down from another shell stops a running environment", async (t) => {
  const { dir, ...env } = stateDir(t);
  const child = startCli(["local", "up", "--no-replica"], env);
  const done = collect(child, 120_000);
  await waitForOutput(child, /Running\./);
  const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as LocalState;
  const down = await runCli(["local", "down"], env);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /local environment stopped/);
  assert.equal((await done).code, 0);
  assert.deepEqual(state.pids.filter(alive), []);
});

test("bad input to visor-db local is one line naming the field and what is allowed", async () => {
  const unknownFlag = await runCli(["local", "up", "--replicas=2"]);
  assert.equal(unknownFlag.code, 2);
  assert.equal(unknownFlag.stderr.trim().split("\n").length, 1);
  assert.match(unknownFlag.stderr, /--replicas.*allowed: --mariadb, --no-replica, --no-pgbouncer/);
  const unknownSub = await runCli(["local", "restart"]);
  assert.equal(unknownSub.code, 2);
  assert.match(unknownSub.stderr.trim(), /^visor-db: local: subcommand must be one of up, down, status \(got "restart"\)$/);
});
