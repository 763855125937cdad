#!/usr/bin/env node
// The operator CLI. Each command lives in scripts/commands/; this file only dispatches.
import { localCommand } from "./commands/local";
import { bootstrapCommand } from "./commands/bootstrap";
import { smokeCommand } from "./commands/smoke";
import { localMainJob } from "./commands/main-job";
import { UsageError } from "./cli/usage";
import { redactSecrets } from "../components/visor/redact";

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  local: (argv) => localCommand(argv, localMainJob),
  bootstrap: bootstrapCommand,
  smoke: smokeCommand,
};

const HELP = `visor-db — Visor's scheduler database, operated

Usage: visor-db <command> [options]

Commands:
  local up|down|status   the local environment (PostgreSQL primary + replica + PgBouncer);
                         'local up' also bootstraps Visor's schema and runs the HA smoke test
  bootstrap              create Visor's schema on a database
  smoke                  the HA smoke test against a writer (and a pooler)

Run 'visor-db <command> --help' for a command's options.`;

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
