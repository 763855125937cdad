// What the VisorSetup dynamic provider does: the guide's Initial Setup (role, database, grants) as the
// admin user, in the runner inside the database's network (or here without `runner`). create and update
// run `setup`, which is idempotent; delete keeps the role and the database (they hold Visor's data).
import { describeEndpoint, type VisorConnection } from "../connection";
import { redactSecrets } from "../redact";
import { setupAction, type SetupResult } from "../runner/actions";
import type { RunnerTarget } from "../runner/contract";
import { eventSecrets } from "../runner/contract";
import { invokeRunner } from "../runner/transport";
import type { ConnectRetryArgs } from "./connection-args";
import { checkConnection, checkRetry, checkRunner, stableJson, type CheckFailure } from "./inputs";

export interface SetupProviderInputs {
  /** The writer as the admin user (database `postgres`). */
  admin: VisorConnection;
  databaseName: string;
  appUser: string;
  /** The app role's password: a SCRAM verifier (or a plain password). */
  appPassword: string;
  connectRetry?: ConnectRetryArgs;
  runner?: RunnerTarget;
}

export interface SetupProviderOutputs extends SetupProviderInputs {
  role: string;
  database: string;
  grants: string[];
}

async function apply(inputs: SetupProviderInputs): Promise<SetupProviderOutputs> {
  const options = {
    databaseName: inputs.databaseName,
    appUser: inputs.appUser,
    appPassword: inputs.appPassword,
    connectRetry: inputs.connectRetry ?? {},
  };
  const secrets = eventSecrets({ connection: inputs.admin, options });
  let result: SetupResult;
  try {
    result = inputs.runner
      ? await invokeRunner(inputs.runner, { action: "setup", connection: inputs.admin, options })
      : await setupAction(inputs.admin, options);
  } catch (err) {
    throw new Error(`VisorSetup: ${redactSecrets((err as Error).message, secrets)}`);
  }
  return { ...inputs, role: result.role.name, database: result.database.name, grants: result.grants };
}

export const setupProviderLogic = {
  async check(_olds: unknown, news: SetupProviderInputs) {
    const failures: CheckFailure[] = [];
    checkConnection("admin", news.admin, failures);
    checkRetry("connectRetry", news.connectRetry, failures);
    checkRunner("runner", news.runner, failures);
    for (const key of ["databaseName", "appUser", "appPassword"] as const)
      if (typeof news[key] !== "string" || news[key] === "") failures.push({ property: key, reason: `${key} is required` });
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: SetupProviderOutputs, news: SetupProviderInputs) {
    const keys = ["admin", "databaseName", "appUser", "appPassword", "connectRetry", "runner"] as const;
    const changed = keys.filter((k) => stableJson(olds[k]) !== stableJson(news[k]));
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: SetupProviderInputs) {
    const outs = await apply(inputs);
    return { id: `${describeEndpoint({ ...inputs.admin, database: inputs.databaseName })}#${inputs.appUser}`, outs };
  },
  async update(_id: string, _olds: SetupProviderOutputs, news: SetupProviderInputs) {
    return { outs: await apply(news) };
  },
  async read(id: string, props: SetupProviderOutputs) {
    return { id, props };
  },
  async delete() {
    // The role and the database stay: dropping them would drop Visor's data.
  },
};
