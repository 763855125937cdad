// `visor-db restore`: the guide's restore (pg_restore --clean --if-exists / mysql <) of Visor's tables only,
// checked before and verified after.
import { describeEndpoint, resolveConnection } from "../../components/visor/connection";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { parseFlags, UsageError } from "../cli/usage";
import { commandError } from "../ops/errors";
import { progressTo } from "../ops/progress";
import { restoreDatabase } from "../ops/restore";
import { formatVerify } from "../ops/verify";

export const RESTORE_HELP = `visor-db restore --url <url> --in <file> [--force] [--json]

Restores a 'visor-db backup' file into the database of --url, which must exist (the guide's Initial Setup).
Restore touches only Visor's tables (schedules, scheduler_locks, message_triggers): it drops and replaces
those and nothing else; any other table in the target, or in an older backup that holds the whole
database, is left alone. PostgreSQL: pg_restore --clean --if-exists --single-transaction --no-owner
--no-privileges of just those tables, fed on stdin (killing restore aborts it and changes nothing); the
tables belong to the restoring user and the backup's grants are re-applied only to roles that exist here
(the others are listed). MySQL/MariaDB: mysql < file, refused if the file writes any other table.
First the file is checked against its .manifest.json / .sha256; a target that already holds Visor rows is
refused unless --force. Afterwards it verifies: counts and per-row digests against the manifest, schema,
JSON columns, and the HA smoke test (expired locks restored from the backup are allowed). Stop every
Visor instance first.
  --url        connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode   disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --in FILE    the backup file
  --force      replace the Visor data the target holds (never anything else)
  --skip-smoke do not run the HA smoke test afterwards
  --bin-dir D  directory holding pg_restore/mysql (default: PATH)
  --json       machine-readable result on stdout (progress goes to stderr)`;

export async function restoreCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("restore", argv, {
    ...CONNECTION_FLAGS,
    in: { type: "string" },
    force: { type: "boolean" },
    "skip-smoke": { type: "boolean" },
    "bin-dir": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(RESTORE_HELP);
    return 0;
  }
  if (!values.in) throw new UsageError("visor-db restore: --in <backup file> is required");
  const connection = connectionFrom("restore", values);
  const endpoint = describeEndpoint(connection);
  const secrets = [connection.password, resolveConnection(connection).password];
  let result;
  try {
    result = await restoreDatabase({
      connection,
      file: values.in,
      force: values.force,
      smoke: !values["skip-smoke"],
      binDir: values["bin-dir"],
      progress: progressTo("restore", secrets),
    });
  } catch (err) {
    throw commandError("restore", err, endpoint, secrets);
  }
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(
      `restored ${result.file} into ${endpoint}${result.checksumVerified ? " (checksum verified)" : " (no checksum to verify)"}`,
    );
    console.log(`tables restored: ${result.tables.join(", ")} (no other table was touched)`);
    if (result.leftOut.length) console.log(`left alone (in the backup, not Visor's): ${result.leftOut.join(", ")}`);
    if (result.grants) {
      for (const g of result.grants.applied) console.log(`grant re-applied: ${g}`);
      for (const g of result.grants.skipped) console.log(`grant not applied: ${g}`);
    }
    for (const line of formatVerify(result.verification)) console.log(line);
  }
  if (!result.verification.passed) {
    const failed = result.verification.checks.filter((c) => !c.passed).map((c) => c.name);
    console.error(`visor-db: restore: restored, but verification failed: ${failed.join(", ")}`);
    return 1;
  }
  return 0;
}
