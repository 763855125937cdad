#!/usr/bin/env node
// The operator CLI. Each command lives in scripts/commands/; this file only dispatches.
import { localCommand } from "./commands/local";
import { bootstrapCommand } from "./commands/bootstrap";
import { setupCommand } from "./commands/setup";
import { smokeCommand } from "./commands/smoke";
import { inspectCommand } from "./commands/inspect";
import { planCommand } from "./commands/plan";
import { localMainJob } from "./commands/main-job";
import { backupCommand } from "./commands/backup";
import { restoreCommand } from "./commands/restore";
import { migrateSqliteCommand } from "./commands/migrate-sqlite";
import { monitorCommand } from "./commands/monitor";
import { verifyCommand } from "./commands/verify";
import { UsageError } from "./cli/usage";
import { redactSecrets } from "../components/visor/redact";

export const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  local: (argv) => localCommand(argv, localMainJob),
  setup: setupCommand,
  bootstrap: bootstrapCommand,
  smoke: smokeCommand,
  inspect: inspectCommand,
  backup: backupCommand,
  restore: restoreCommand,
  "migrate-sqlite": migrateSqliteCommand,
  monitor: monitorCommand,
  verify: verifyCommand,
  plan: planCommand,
};

const HELP = `visor-db — Visor's scheduler database, operated

Usage: visor-db <command> [options]

Commands:
  local up|down|status   the local environment (PostgreSQL primary + replica + PgBouncer);
                         'local up' also bootstraps Visor's schema and runs the HA smoke test
  setup                  Visor's role and database as an admin user (the guide's Initial Setup), idempotent
  bootstrap              create Visor's schema on a database
  smoke                  the HA smoke test against a writer (and a pooler)
  inspect                each of Visor's tables, columns and indexes against what Visor's SQL store needs
  backup                 pg_dump -Fc / mysqldump into visor-YYYYMMDD.dump|.sql, checksummed, never overwriting
  restore                pg_restore / mysql from a backup; refuses a target with Visor data unless --force; verifies
  migrate-sqlite         copy Visor's SQLite (or legacy JSON) store into PostgreSQL/MySQL, idempotently
  monitor                connections, table sizes, waiting locks, slow statements, stale locks, stuck claims
  verify                 writer, schema, counts, checksums, JSON columns, stale locks and the smoke test
  plan --stack <name>    the offline resource plan of a stack, with the Visor policies

Run 'visor-db <command> --help' for a command's options. setup, bootstrap, smoke and inspect take
--via-lambda <name> to run inside the database's network through the runner function.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(HELP);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run)
    throw new UsageError(`visor-db: command must be one of ${Object.keys(COMMANDS).join(", ")} (got ${JSON.stringify(command)})`);
  return run(rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      console.error(`visor-db: ${redactSecrets(message, []).replace(/^visor-db:? /, "")}`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
