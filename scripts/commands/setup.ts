// `visor-db setup`: the guide's Initial Setup as an admin user (RDS's master user, a superuser):
// Visor's login role, its database owned by it, CONNECT/CREATE/TEMPORARY granted. Idempotent: an existing
// role gets the given password, an existing database the right owner.
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { RUNNER_FLAGS, RUNNER_HELP, perform } from "../cli/runner-flags";
import { UsageError, parseFlags } from "../cli/usage";

export const SETUP_HELP = `visor-db setup --url <admin-url> [--database visor] [--app-user visor] [--app-password-env VAR] [--json]

Creates (or brings up to date) Visor's login role and database as an admin user with CREATEROLE and
CREATEDB: the role with the password from the environment variable (a plain password, stored as a
SCRAM-SHA-256 verifier computed here, or a ready SCRAM-SHA-256 verifier), the database owned by the role,
and CONNECT, CREATE, TEMPORARY on it. Safe to run again. A replica is refused by name.
  --url        the admin connection URL, usually to database postgres (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode   disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --database   Visor's database (default visor)     --app-user  Visor's role (default visor)
  --app-password-env VAR  the variable holding the role's password or verifier (default VISOR_APP_PASSWORD)
  --json       machine-readable result
${RUNNER_HELP}`;

export async function setupCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("setup", argv, {
    ...CONNECTION_FLAGS,
    ...RUNNER_FLAGS,
    database: { type: "string" },
    "app-user": { type: "string" },
    "app-password-env": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(SETUP_HELP);
    return 0;
  }
  const connection = connectionFrom("setup", values);
  const variable = values["app-password-env"] ?? "VISOR_APP_PASSWORD";
  const appPassword = process.env[variable];
  // The password is never a flag: argv is visible to every user of the machine.
  if (!appPassword) throw new UsageError(`visor-db setup: environment variable ${variable} must hold Visor's role password`);
  const result = await perform("setup", values, {
    action: "setup",
    connection,
    options: { databaseName: values.database, appUser: values["app-user"], appPassword },
  });
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`Visor's initial setup on ${result.endpoint}`);
    console.log(`role ${result.role.name}: ${result.role.action}`);
    console.log(`database ${result.database.name}: ${result.database.action} (owner ${result.database.owner})`);
    console.log(`granted: ${result.grants.join("; ")}`);
  }
  return 0;
}
