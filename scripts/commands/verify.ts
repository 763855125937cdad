// `visor-db verify`: the guide's recovery step 3 and more, one PASS/FAIL line per check.
import { existsSync } from "node:fs";
import { describeEndpoint, resolveConnection } from "../../components/visor/connection";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { parseFlags, UsageError } from "../cli/usage";
import { commandError } from "../ops/errors";
import { readManifest } from "../ops/manifest";
import { progressTo } from "../ops/progress";
import { formatVerify, verifyDatabase, type VerifyExpectation } from "../ops/verify";

export const VERIFY_HELP = `visor-db verify --url <url> [--manifest <backup file>] [--json]

Checks, one PASS/FAIL line each: connect, writer (not a replica), schema (what Visor's SQL store needs;
the guide-only columns are optional), counts of schedules, scheduler_locks and message_triggers,
checksums (with --manifest: every row as the backup recorded it; a table an older manifest does not
record is reported and not compared), json-columns (schedules.workflow_inputs/output_context and
message_triggers.channels/from_users/inputs/output_context parse), stale-locks (no expired
scheduler_locks rows) and smoke (the HA smoke test). Exit 0 only when every check passes.
  --url                connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode           disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --manifest FILE      a backup file (or its .manifest.json): compare counts and row digests with it
  --allow-stale-locks  expired locks pass (right after a restore they are expected)
  --skip-smoke         do not run the HA smoke test
  --json               machine-readable result`;

export async function verifyCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("verify", argv, {
    ...CONNECTION_FLAGS,
    manifest: { type: "string" },
    "allow-stale-locks": { type: "boolean" },
    "skip-smoke": { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(VERIFY_HELP);
    return 0;
  }
  const connection = connectionFrom("verify", values);
  const endpoint = describeEndpoint(connection);
  const secrets = [connection.password, resolveConnection(connection).password];
  let expected: VerifyExpectation | undefined;
  if (values.manifest) {
    const backupFile = values.manifest.replace(/\.manifest\.json$/, "");
    const m = existsSync(`${backupFile}.manifest.json`) ? readManifest(backupFile) : undefined;
    if (!m)
      throw new UsageError(
        `visor-db verify: --manifest: no ${backupFile}.manifest.json (give a file written by 'visor-db backup')`,
      );
    if (m.consistent) expected = { tables: m.tables, digests: true, from: m.file };
    else
      console.error(`visor-db verify: warning: ${m.file} changed while it was dumped; its counts and digests are not compared`);
  }
  let report;
  try {
    report = await verifyDatabase({
      connection,
      expected,
      allowStaleLocks: values["allow-stale-locks"],
      smoke: !values["skip-smoke"],
      progress: progressTo("verify", secrets),
    });
  } catch (err) {
    throw commandError("verify", err, endpoint, secrets);
  }
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else for (const line of formatVerify(report)) console.log(line);
  if (report.passed) return 0;
  const failed = report.checks.filter((c) => !c.passed);
  console.error(`visor-db: verify: FAILED ${failed.map((c) => c.name).join(", ")}: ${failed[0]!.detail}`);
  return 1;
}
