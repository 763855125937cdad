// One job definition, two roles: a Cloud Run job's environment is fixed when it is deployed (per-run
// overrides carry no secrets), yet `setup` connects as the admin while everything else connects as Visor's
// role. The job holds both passwords from Secret Manager; the runner picks by the event's action.
import { EVENT_ENV, SECRET_ENV } from "./container-event";

/** The admin's password (setup connects with it). */
export const ADMIN_PASSWORD_ENV = "VISOR_RUNNER_ADMIN_PASSWORD";
/** What setup gives Visor's role: its password or its SCRAM verifier (as PgBouncer's userlist holds it). */
export const APP_PASSWORD_ENV = SECRET_ENV.appPassword;
/** Visor's role's plain password, to connect with. Default: VISOR_RUNNER_APP_PASSWORD. */
export const APP_LOGIN_PASSWORD_ENV = "VISOR_RUNNER_APP_LOGIN_PASSWORD";

type Env = Readonly<Record<string, string | undefined>>;

function actionOf(env: Env): unknown {
  try {
    return (JSON.parse(env[EVENT_ENV] ?? "") as { action?: unknown }).action;
  } catch {
    return undefined; // containerEvent reports the bad JSON
  }
}

/**
 * The environment container-event reads, with the connection passwords chosen for the action when the
 * job holds role passwords (VISOR_RUNNER_ADMIN_PASSWORD). Explicit VISOR_RUNNER_PASSWORD values win.
 */
export function passwordsForAction(env: Env): Env {
  if (!env[ADMIN_PASSWORD_ENV]) return env;
  const setup = actionOf(env) === "setup";
  const out: Record<string, string | undefined> = { ...env };
  const login = env[APP_LOGIN_PASSWORD_ENV] ?? env[APP_PASSWORD_ENV];
  out[SECRET_ENV.connectionPassword] ??= setup ? env[ADMIN_PASSWORD_ENV] : login;
  out[SECRET_ENV.poolerPassword] ??= login;
  delete out[APP_LOGIN_PASSWORD_ENV];
  // Only setup takes the app password as an option; other actions just connect with it.
  if (!setup) delete out[APP_PASSWORD_ENV];
  return out;
}
