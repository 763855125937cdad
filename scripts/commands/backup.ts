// `visor-db backup`: the guide's logical backup (pg_dump -Fc / mysqldump --single-transaction), named as in
// the guide, checksummed, never over an existing file.
import { describeEndpoint, resolveConnection } from "../../components/visor/connection";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { parseFlags } from "../cli/usage";
import { backupDatabase } from "../ops/backup";
import { commandError } from "../ops/errors";
import { progressTo } from "../ops/progress";

export const BACKUP_HELP = `visor-db backup --url <url> [--out visor-YYYYMMDD.dump] [--json]

The guide's logical backup: pg_dump -Fc (MySQL/MariaDB: mysqldump --single-transaction) of Visor's
tables only (schedules, scheduler_locks, message_triggers; no other table of the database) into --out
(default visor-YYYYMMDD.dump, or .sql for MySQL, UTC date, current directory).
Refuses to overwrite a file. Beside it: <file>.sha256 (sha256sum -c) and <file>.manifest.json (row count
and per-row digest of each Visor table, read in the dump's own snapshot on PostgreSQL), which
'visor-db restore' checks. PostgreSQL dumps in the database's own encoding, so a SQL_ASCII database's
bytes are kept exactly. The password reaches pg_dump/mysqldump in PGPASSWORD/MYSQL_PWD, never argv.
  --url        connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode   disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --out FILE   the backup file (must not exist)
  --bin-dir D  directory holding pg_dump/mysqldump (default: PATH); pg_dump must be at least the server's major
  --json       machine-readable result on stdout (progress goes to stderr)`;

export async function backupCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("backup", argv, {
    ...CONNECTION_FLAGS,
    out: { type: "string" },
    "bin-dir": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(BACKUP_HELP);
    return 0;
  }
  const connection = connectionFrom("backup", values);
  const endpoint = describeEndpoint(connection);
  const secrets = [connection.password, resolveConnection(connection).password];
  try {
    const result = await backupDatabase({
      connection,
      out: values.out,
      binDir: values["bin-dir"],
      progress: progressTo("backup", secrets),
    });
    const m = result.manifest;
    if (values.json) {
      console.log(JSON.stringify({ ...result, endpoint }, null, 2));
    } else {
      console.log(`backup of ${endpoint}: ${result.file}`);
      console.log(`sha256 ${m.sha256} (${m.bytes} bytes), ${m.tool.name} ${m.tool.version}, ${m.driver} ${m.serverVersion}`);
      for (const [t, d] of Object.entries(m.tables)) console.log(`${t}: ${d.rows} row(s), digest ${d.digest.slice(0, 16)}…`);
      console.log(
        `manifest ${result.manifestFile}${m.consistent ? "" : " (tables changed during the dump: stop Visor and back up again for exact digests)"}`,
      );
    }
    return 0;
  } catch (err) {
    throw commandError("backup", err, endpoint, secrets);
  }
}
