// `visor-db monitor`: the guide's monitoring queries plus stale locks and stuck claims; --watch refreshes.
import { describeEndpoint, openKnex, resolveConnection } from "../../components/visor/connection";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { intFlag, parseFlags } from "../cli/usage";
import { commandError } from "../ops/errors";
import { formatSnapshot, monitorSnapshot } from "../ops/monitor";
import { humanBytes } from "../ops/progress";

export const MONITOR_HELP = `visor-db monitor --url <url> [--watch [--interval S] [--count N]] [--json]

The guide's Monitoring queries: active connections, table sizes, lock requests not granted (who blocks
them), the slowest statements from pg_stat_statements (a hint says how to enable it when it is not), and
Visor's own trouble: expired scheduler_locks rows and schedules claimed for too long. MySQL/MariaDB: the
same from information_schema / performance_schema. On PostgreSQL no reading waits behind another
session's lock (e.g. ACCESS EXCLUSIVE on schedules) for more than 1 s (lock_timeout, per reading): what
could not be read is listed as "unreadable" with the pid holding the lock, and the sessions waiting are
listed under waiting locks. pg_stat_statements is read from the schema it was created in.
  --url               connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode          disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --stuck-after-ms N  a claim older than this is stuck (default 600000 = 10 min)
  --limit N           rows listed per finding (1-1000, default 20)
  --watch             refresh every --interval seconds (1-3600, default 5) until Ctrl-C or --count refreshes
  --fail-on-findings  exit 3 when something needs a look (stale locks, stuck claims, waiting locks, unreadable)
  --json              machine-readable (with --watch: one JSON object per line)`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function monitorCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("monitor", argv, {
    ...CONNECTION_FLAGS,
    watch: { type: "boolean" },
    interval: { type: "string" },
    count: { type: "string" },
    "stuck-after-ms": { type: "string" },
    limit: { type: "string" },
    "fail-on-findings": { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(MONITOR_HELP);
    return 0;
  }
  const connection = connectionFrom("monitor", values);
  const intervalMs = intFlag("monitor", "interval", values.interval, 1, 3600, 5) * 1000;
  const count = values.watch ? intFlag("monitor", "count", values.count, 1, 1_000_000, Number.MAX_SAFE_INTEGER) : 1;
  const options = {
    stuckAfterMs: intFlag("monitor", "stuck-after-ms", values["stuck-after-ms"], 0, 31_536_000_000, 600_000),
    limit: intFlag("monitor", "limit", values.limit, 1, 1000, 20),
  };
  const { driver, password } = resolveConnection(connection);
  const endpoint = describeEndpoint(connection);
  const secrets = [connection.password, password];
  const db = await openKnex(connection, { pool: { min: 0, max: 1 } });
  let stop = false;
  const onSigint = () => (stop = true);
  process.once("SIGINT", onSigint);
  let findings = 0;
  try {
    for (let i = 0; i < count && !stop; i++) {
      if (i > 0) await sleep(intervalMs);
      if (stop) break;
      const snap = await monitorSnapshot(db, driver, options);
      findings = snap.findings.length;
      if (values.json) console.log(JSON.stringify({ endpoint, ...snap }, null, values.watch ? undefined : 2));
      else {
        if (values.watch) process.stdout.write(process.stdout.isTTY ? "\x1b[2J\x1b[H" : i > 0 ? "\n" : "");
        for (const line of formatSnapshot(snap, endpoint, humanBytes)) console.log(line);
      }
    }
  } catch (err) {
    throw commandError("monitor", err, endpoint, secrets);
  } finally {
    process.removeListener("SIGINT", onSigint);
    await db.destroy();
  }
  return values["fail-on-findings"] && findings ? 3 : 0;
}
