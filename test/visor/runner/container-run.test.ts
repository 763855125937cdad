// Container mode of the built bundle: the connect retry Direct VPC egress needs (the network path comes up
// a while after the container starts), one clear error for a bad retry setting, and a results bucket set
// without Cloud Run's execution name failing the run instead of losing the result silently.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapSchema } from "../../../components";
import { EVENT_ENV, SECRET_ENV } from "../../../components/visor/runner/container-event";
import { CONNECT_RETRY_ENV, RESULTS_BUCKET_ENV } from "../../../components/visor/runner/container-run";
import { servers } from "../../support/servers";
import { BUILT_BUNDLE } from "./fake-cloud-run";

const folder = mkdtempSync(join(tmpdir(), "visor-container-run-"));
after(() => rmSync(folder, { recursive: true, force: true }));

async function runContainer(
  env: Record<string, string>,
): Promise<{ code: number | null; json: Record<string, string>; stderr: string }> {
  assert.ok(existsSync(BUILT_BUNDLE), `${BUILT_BUNDLE} is missing: run npm run build`);
  const bundle = join(folder, "visor-db-runner.cjs");
  if (!existsSync(bundle)) copyFileSync(BUILT_BUNDLE, bundle);
  const child = spawn(process.execPath, [bundle], {
    cwd: folder,
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, 1, `one line on stdout:\n${stdout}\n${stderr}`);
  return { code, json: JSON.parse(lines[0]!) as Record<string, string>, stderr };
}

/** A free loopback port; after `openAfterMs` it forwards to `target` (the network path coming up late). */
async function lateForwarder(
  target: { host: string; port: number },
  openAfterMs: number,
): Promise<{ port: number; close(): void }> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  let server: Server | undefined;
  const timer = setTimeout(() => {
    server = createServer((socket) => {
      const upstream = connect(target.port, target.host);
      socket.pipe(upstream).pipe(socket);
      socket.on("error", () => upstream.destroy());
      upstream.on("error", () => socket.destroy());
    });
    server.listen(port, "127.0.0.1");
  }, openAfterMs);
  return {
    port,
    close: () => {
      clearTimeout(timer);
      server?.close();
    },
  };
}

test("with VISOR_RUNNER_CONNECT_RETRY_MS the runner waits for a network path that comes up late; without it, it fails at once", async () => {
  const { postgres } = await servers();
  const w = postgres.writer;
  // Visor's schema on the harness's `visor` database (idempotent, additive), so inspect passes (exit 0).
  await bootstrapSchema({ host: w.host, port: w.port, database: w.database, user: w.user, password: w.password });
  const late = await lateForwarder(w, 3000);
  try {
    const event = JSON.stringify({
      action: "inspect",
      connection: { host: "127.0.0.1", port: late.port, database: w.database, user: w.user },
    });
    const hurried = await runContainer({ [EVENT_ENV]: event, [SECRET_ENV.connectionPassword]: w.password });
    assert.equal(hurried.code, 2);
    assert.match(hurried.json.errorMessage!, /ECONNREFUSED|connect/);

    const started = Date.now();
    const patient = await runContainer({
      [EVENT_ENV]: event,
      [SECRET_ENV.connectionPassword]: w.password,
      [CONNECT_RETRY_ENV]: "30000",
    });
    assert.equal(patient.code, 0, JSON.stringify(patient.json));
    assert.equal(patient.json.usableByVisor, true);
    assert.equal(patient.json.endpoint, `postgresql://${w.user}@127.0.0.1:${late.port}/${w.database}`);
    assert.ok(Date.now() - started >= 1000, "it did wait for the path");
  } finally {
    late.close();
  }
});

test("bad container settings are one clear error line (exit 2); a results bucket without the execution name fails the run", async () => {
  const { postgres } = await servers();
  const w = postgres.writer;
  const event = JSON.stringify({
    action: "inspect",
    connection: { host: w.host, port: w.port, database: w.database, user: w.user },
  });
  const bad = await runContainer({
    [EVENT_ENV]: event,
    [SECRET_ENV.connectionPassword]: w.password,
    [CONNECT_RETRY_ENV]: "soon",
  });
  assert.equal(bad.code, 2);
  assert.deepEqual(bad.json, {
    errorType: "RunnerEventError",
    errorMessage: 'VISOR_RUNNER_CONNECT_RETRY_MS must be an integer from 0 to 900000 ms (got "soon")',
  });

  const noExecution = await runContainer({
    [EVENT_ENV]: event,
    [SECRET_ENV.connectionPassword]: w.password,
    [RESULTS_BUCKET_ENV]: "visor-results",
  });
  assert.equal(noExecution.code, 2, "the run fails so the caller does not wait for a result that never comes");
  assert.equal(typeof noExecution.json.usableByVisor, "boolean", "the result is still in the logs");
  assert.match(noExecution.stderr, /VISOR_RUNNER_RESULTS_BUCKET is set but CLOUD_RUN_EXECUTION is not/);
  assert.ok(!noExecution.stderr.includes(w.password) && !JSON.stringify(noExecution.json).includes(w.password));
});
