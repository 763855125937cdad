// `visor-db bootstrap`: Visor's schema on a database (idempotent, additive, safe to run concurrently).
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { RUNNER_FLAGS, RUNNER_HELP, perform } from "../cli/runner-flags";
import { parseFlags } from "../cli/usage";

export const BOOTSTRAP_HELP = `visor-db bootstrap --url <url> [--grant-to <role>] [--json] [--via-lambda <name>]

Creates Visor's tables (schedules, scheduler_locks, message_triggers) and the guide's indexes where
missing (an index on the same columns under any name counts), and adds the guide-only columns
schedules.claimed_by/claimed_at/lock_token to a schema Visor made. Never alters or drops; a column of the
wrong type is reported and nothing is changed. Safe next to a starting Visor: what it creates first is
re-inspected and kept. A replica is refused by name.
  --url        connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode   disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --grant-to   grant SELECT/INSERT/UPDATE/DELETE on Visor's tables to this role
  --json       machine-readable result
${RUNNER_HELP}`;

export async function bootstrapCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("bootstrap", argv, {
    ...CONNECTION_FLAGS,
    ...RUNNER_FLAGS,
    "grant-to": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(BOOTSTRAP_HELP);
    return 0;
  }
  const connection = connectionFrom("bootstrap", values);
  const result = await perform("bootstrap", values, {
    action: "bootstrap",
    connection,
    options: { grantTo: values["grant-to"] },
  });
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`schema ${result.version} on ${result.endpoint}`);
    console.log(result.created.length ? `created: ${result.created.join(", ")}` : "all tables already present");
    if (result.added.length) console.log(`added: ${result.added.join(", ")}`);
    if (result.raceRetries)
      console.log(
        `another creator (a starting Visor?) made objects at the same moment: re-inspected ${result.raceRetries} time(s)`,
      );
  }
  return 0;
}
