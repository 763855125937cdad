// Container mode, for the clouds that start the runner as a container (a Cloud Run job, an Azure container
// group) instead of invoking a function: the event arrives in an environment variable without passwords
// (per-run overrides and plain environment values are readable by anyone who can read the job or the
// group), and each password in its own variable filled from the cloud's secret store.
import { RunnerEventError } from "./contract";

/** The event as JSON, with no password in it. */
export const EVENT_ENV = "VISOR_RUNNER_EVENT";
/** Where each password goes in the event, and the variable it comes from. */
export const SECRET_ENV = {
  connectionPassword: "VISOR_RUNNER_PASSWORD",
  poolerPassword: "VISOR_RUNNER_POOLER_PASSWORD",
  appPassword: "VISOR_RUNNER_APP_PASSWORD",
} as const;

type Env = Readonly<Record<string, string | undefined>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether this process was started in container mode (the event is in the environment). */
export function hasContainerEvent(env: Env = process.env): boolean {
  return typeof env[EVENT_ENV] === "string" && env[EVENT_ENV] !== "";
}

/** The event from `VISOR_RUNNER_EVENT` with the passwords from their variables put in place. */
export function containerEvent(env: Env = process.env): unknown {
  let event: unknown;
  try {
    event = JSON.parse(env[EVENT_ENV] ?? "");
  } catch {
    throw new RunnerEventError(`${EVENT_ENV} is not valid JSON`);
  }
  if (!isObject(event)) throw new RunnerEventError(`${EVENT_ENV} must be a JSON object`);
  const put = (target: unknown, key: string, variable: string) => {
    const value = env[variable];
    if (value === undefined || value === "" || !isObject(target)) return;
    target[key] = value;
  };
  put(event.connection, "password", SECRET_ENV.connectionPassword);
  put(event.poolerConnection, "password", SECRET_ENV.poolerPassword);
  if (env[SECRET_ENV.appPassword]) {
    event.options = isObject(event.options) ? event.options : {};
    put(event.options, "appPassword", SECRET_ENV.appPassword);
  }
  return event;
}

/** The event for a container: the same object with every password taken out (they travel as secrets). */
export function withoutPasswords(event: unknown): unknown {
  if (!isObject(event)) return event;
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  for (const key of ["connection", "poolerConnection"]) {
    const conn = copy[key];
    if (!isObject(conn)) continue;
    delete conn.password;
    if (typeof conn.url === "string") {
      try {
        const url = new URL(conn.url);
        url.password = "";
        conn.url = url.toString();
      } catch {
        delete conn.url;
      }
    }
  }
  if (isObject(copy.options)) delete copy.options.appPassword;
  return copy;
}
