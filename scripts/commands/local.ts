// `visor-db local up|down|status`: the local environment (PostgreSQL primary + replica + PgBouncer).
import { startLocalEnvironment, type Endpoint, type LocalEndpoints } from "../local-env/environment";
import { clearState, isAlive, readState, writeState } from "../cli/state";
import { UsageError, parseFlags } from "../cli/usage";
import { redactUrl } from "../../components/visor/redact";

const SUBCOMMANDS = ["up", "down", "status"] as const;

export function describeEndpoints(e: LocalEndpoints): string[] {
  const line = (label: string, ep: Endpoint | undefined) => (ep ? [`  ${label.padEnd(8)} ${redactUrl(ep.url)}`] : []);
  return [
    `PostgreSQL ${e.postgres.major}:`,
    ...line("writer", e.postgres.writer),
    ...line("reader", e.postgres.reader),
    ...line("pooler", e.postgres.pooler),
    ...e.otherPostgres.flatMap((o) => [`PostgreSQL ${o.major} (${o.source}):`, ...line("writer", o.writer)]),
    ...(e.mariadb ? ["MariaDB:", ...line("writer", e.mariadb)] : []),
  ];
}

/** What `local up` does once the servers are up; issue-level features plug in here. */
export type AfterUp = (endpoints: LocalEndpoints, log: (line: string) => void) => Promise<void>;

async function up(argv: string[], afterUp?: AfterUp): Promise<number> {
  const { values } = parseFlags("local up", argv, {
    mariadb: { type: "boolean" },
    "no-replica": { type: "boolean" },
    "no-pgbouncer": { type: "boolean" },
    "exit-after-start": { type: "boolean" },
  });
  const existing = readState();
  if (existing && isAlive(existing.ownerPid)) {
    throw new UsageError(`visor-db local up: already running (pid ${existing.ownerPid}); run 'visor-db local down' first`);
  }
  const log = (l: string) => console.log(l);
  const started = Date.now();
  const env = await startLocalEnvironment({
    replica: !values["no-replica"],
    pgbouncer: !values["no-pgbouncer"],
    mariadb: Boolean(values.mariadb),
    log,
  });
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      console.log("\nstopping the local environment…");
      await env.stop();
      clearState();
      console.log("stopped.");
    })();
    return stopping;
  };
  try {
    const file = writeState({
      ownerPid: process.pid,
      startedAt: new Date().toISOString(),
      pids: env.pids,
      endpoints: env.endpoints,
    });
    console.log(`\nLocal environment up in ${((Date.now() - started) / 1000).toFixed(1)} s (passwords in ${file}):`);
    for (const l of describeEndpoints(env.endpoints)) console.log(l);
    if (afterUp) await afterUp(env.endpoints, log);
  } catch (err) {
    await shutdown();
    throw err;
  }
  if (values["exit-after-start"]) {
    await shutdown();
    return 0;
  }
  console.log("\nRunning. Ctrl-C (or 'visor-db local down' from another shell) stops everything.");
  await new Promise<void>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(sig, () => void shutdown().then(resolve));
  });
  return 0;
}

async function down(argv: string[]): Promise<number> {
  parseFlags("local down", argv, {});
  const state = readState();
  if (!state) {
    console.log("no local environment is running");
    return 0;
  }
  if (isAlive(state.ownerPid)) process.kill(state.ownerPid, "SIGTERM");
  const deadline = Date.now() + 20_000;
  while (isAlive(state.ownerPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // The owner cleans up after itself; if it was killed hard, its servers are stopped here.
  for (const pid of state.pids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  clearState();
  console.log("local environment stopped");
  return 0;
}

async function status(argv: string[]): Promise<number> {
  const { values } = parseFlags("local status", argv, { json: { type: "boolean" } });
  const state = readState();
  const running = state !== undefined && isAlive(state.ownerPid);
  if (values.json) {
    console.log(JSON.stringify({ running, pid: running ? state.ownerPid : undefined }));
  } else if (!running) {
    console.log("not running");
  } else {
    console.log(`running (pid ${state.ownerPid}, since ${state.startedAt})`);
    for (const l of describeEndpoints(state.endpoints)) console.log(l);
  }
  return running ? 0 : 3;
}

export async function localCommand(argv: string[], afterUp?: AfterUp): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "up":
      return up(rest, afterUp);
    case "down":
      return down(rest);
    case "status":
      return status(rest);
    default:
      throw new UsageError(
        `visor-db local: subcommand must be one of ${SUBCOMMANDS.join(", ")} (got ${JSON.stringify(sub ?? "")})`,
      );
  }
}
