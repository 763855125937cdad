// `visor-db smoke`: the HA smoke test, one ✔/✖ line per check; exit 0 only when every check passes.
import type { SmokeReport } from "../../components/visor/smoke-test";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { RUNNER_FLAGS, RUNNER_HELP, perform } from "../cli/runner-flags";
import { UsageError, intFlag, parseFlags } from "../cli/usage";

export const SMOKE_HELP = `visor-db smoke --url <writer-url> [--pooler-url <url>] [--nodes N] [--json]

Simulated Visor nodes run Visor's lock protocol against the endpoint: connect, writer, schema, row round trip,
mutual exclusion, renewal, fencing, expiry takeover, release, clock skew, heartbeat ratio (and the lock
checks again through the pooler). Only its own rows are touched, and removed. An endpoint that does not
answer fails \`connect\` (network path), one that answers read-only fails \`writer\`.
  --url        connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode   disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --pooler-url the pooler (PgBouncer, RDS Proxy) Visor connects through: the lock checks run again there
  --nodes N            simulated nodes (2-32, default 3)
  --lock-ttl-ms N      Visor's lock_ttl (default 60000)     --heartbeat-ms N  (default 15000)
  --max-clock-skew-ms N  (default min(1000, lock_ttl/10))
  --clock node|database  lock variant to prove (default node, as Visor)
  --json       machine-readable report
${RUNNER_HELP}`;

export function formatReport(report: SmokeReport, endpoint: string): string[] {
  return [
    `Visor HA smoke test on ${endpoint} (${report.via}, ${report.durationMs} ms)`,
    ...report.checks.map(
      (c) => `${c.passed ? "✔" : "✖"} ${c.name}: ${c.detail}${!c.passed && c.remedy ? `\n    remedy: ${c.remedy}` : ""}`,
    ),
    report.passed ? "PASSED" : `FAILED (${report.checks.filter((c) => !c.passed).length} check(s))`,
  ];
}

export async function smokeCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("smoke", argv, {
    ...CONNECTION_FLAGS,
    ...RUNNER_FLAGS,
    "pooler-url": { type: "string" },
    nodes: { type: "string" },
    "lock-ttl-ms": { type: "string" },
    "heartbeat-ms": { type: "string" },
    "max-clock-skew-ms": { type: "string" },
    clock: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(SMOKE_HELP);
    return 0;
  }
  const connection = connectionFrom("smoke", values);
  const poolerConnection = values["pooler-url"]
    ? connectionFrom("smoke", { url: values["pooler-url"] }, {}, "pooler-url")
    : undefined;
  if (values.clock !== undefined && values.clock !== "node" && values.clock !== "database") {
    throw new UsageError(`visor-db smoke: --clock must be one of node, database (got ${JSON.stringify(values.clock)})`);
  }
  const options = {
    nodes: intFlag("smoke", "nodes", values.nodes, 2, 32, 3),
    lockTtlMs: intFlag("smoke", "lock-ttl-ms", values["lock-ttl-ms"], 1000, 86_400_000, 60_000),
    heartbeatMs: intFlag("smoke", "heartbeat-ms", values["heartbeat-ms"], 100, 86_400_000, 15_000),
    maxClockSkewMs:
      values["max-clock-skew-ms"] === undefined
        ? undefined
        : intFlag("smoke", "max-clock-skew-ms", values["max-clock-skew-ms"], 0, 86_400_000, 1000),
    clock: values.clock as "node" | "database" | undefined,
  };
  const report = await perform("smoke", values, {
    action: "smoke",
    connection,
    ...(poolerConnection ? { poolerConnection } : {}),
    options,
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report, report.endpoint)) console.log(line);
  return report.passed ? 0 : 1;
}
