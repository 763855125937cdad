// What the VisorHaSmokeTest dynamic provider does: run the HA smoke test against the writer (and the
// pooler) and fail the deployment, naming the failed check and its remedy, when Visor would not be safe.
import { describeEndpoint, type VisorConnection } from "../connection";
import { redactSecrets } from "../redact";
import { smokeAction } from "../runner/actions";
import type { RunnerTarget } from "../runner/contract";
import { invokeRunner } from "../runner/transport";
import type { SmokeReport } from "../smoke-test";
import type { ConnectRetryArgs } from "./connection-args";
import {
  UNKNOWN,
  checkBool,
  checkConnection,
  checkInt,
  checkRetry,
  checkRunner,
  endpointKey,
  stableJson,
  type CheckFailure,
} from "./inputs";

export interface SmokeProviderInputs {
  connection: VisorConnection;
  poolerConnection?: VisorConnection;
  nodes?: number;
  lockTtlMs?: number;
  heartbeatMs?: number;
  maxClockSkewMs?: number;
  /** Default true. */
  rerunOnEveryUp?: boolean;
  /** Changes on every `up` when rerunOnEveryUp is true, so the test runs again. */
  trigger?: string;
  connectRetry?: ConnectRetryArgs;
  /** Run inside the database's network through this runner instead of connecting from the deployer. */
  runner?: RunnerTarget;
}

export interface SmokeProviderOutputs extends SmokeProviderInputs {
  passed: boolean;
  checks: Record<string, { passed: boolean; detail: string; remedy?: string }>;
  durationMs: number;
  via: SmokeReport["via"];
  isWriter: boolean;
  clockSkewMs?: number;
  testedAt: string;
}

/** The deployment error: every failed check with its remedy, and never a password. */
export function smokeFailureMessage(endpoint: string, report: SmokeReport): string {
  const failed = report.checks.filter((c) => !c.passed);
  return [
    `Visor HA smoke test failed against ${endpoint}: ${failed.length} of ${report.checks.length} checks failed — this database is not fit for Visor's scheduler.`,
    ...failed.map((c) => `  ✖ ${c.name}: ${c.detail}${c.remedy ? `\n    remedy: ${c.remedy}` : ""}`),
  ].join("\n");
}

async function run(inputs: SmokeProviderInputs): Promise<SmokeProviderOutputs> {
  const secrets = [inputs.connection.password, inputs.poolerConnection?.password];
  const endpoint = describeEndpoint(inputs.connection);
  const options = {
    nodes: inputs.nodes,
    lockTtlMs: inputs.lockTtlMs,
    heartbeatMs: inputs.heartbeatMs,
    maxClockSkewMs: inputs.maxClockSkewMs,
    connectRetry: inputs.connectRetry ?? {},
  };
  let report: SmokeReport;
  try {
    // The same smoke test, here or in the runner inside the database's network.
    report = inputs.runner
      ? await invokeRunner(inputs.runner, {
          action: "smoke",
          connection: inputs.connection,
          ...(inputs.poolerConnection ? { poolerConnection: inputs.poolerConnection } : {}),
          options,
        })
      : await smokeAction(inputs.connection, inputs.poolerConnection, options);
  } catch (err) {
    throw new Error(`VisorHaSmokeTest: ${redactSecrets((err as Error).message, secrets)}`);
  }
  if (!report.passed) throw new Error(redactSecrets(smokeFailureMessage(endpoint, report), secrets));
  return {
    ...inputs,
    passed: report.passed,
    checks: Object.fromEntries(
      report.checks.map((c) => [c.name, { passed: c.passed, detail: c.detail, ...(c.remedy ? { remedy: c.remedy } : {}) }]),
    ),
    durationMs: report.durationMs,
    via: report.via,
    isWriter: report.isWriter,
    ...(report.clockSkewMs !== undefined ? { clockSkewMs: report.clockSkewMs } : {}),
    testedAt: new Date().toISOString(),
  };
}

export const smokeTestProviderLogic = {
  async check(_olds: SmokeProviderInputs, news: SmokeProviderInputs) {
    const failures: CheckFailure[] = [];
    checkConnection("connection", news.connection, failures);
    if (news.poolerConnection !== undefined) checkConnection("poolerConnection", news.poolerConnection, failures);
    checkInt("nodes", news.nodes, 2, 32, failures);
    checkInt("lockTtlMs", news.lockTtlMs, 1000, 86_400_000, failures);
    checkInt("heartbeatMs", news.heartbeatMs, 100, 86_400_000, failures);
    checkInt("maxClockSkewMs", news.maxClockSkewMs, 0, 86_400_000, failures);
    checkBool("rerunOnEveryUp", news.rerunOnEveryUp, failures);
    checkRetry("connectRetry", news.connectRetry, failures);
    checkRunner("runner", news.runner, failures);
    const ttl = news.lockTtlMs ?? 60_000;
    const hb = news.heartbeatMs ?? 15_000;
    if (
      typeof ttl === "number" &&
      typeof hb === "number" &&
      (ttl as unknown) !== UNKNOWN &&
      (hb as unknown) !== UNKNOWN &&
      !(hb < ttl / 3)
    ) {
      failures.push({
        property: "heartbeatMs",
        reason: `heartbeatMs must be below lockTtlMs / 3 = ${Math.floor(ttl / 3)} (got ${hb}), as the guide requires`,
      });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: SmokeProviderOutputs, news: SmokeProviderInputs) {
    const keys = [
      "connection",
      "poolerConnection",
      "nodes",
      "lockTtlMs",
      "heartbeatMs",
      "maxClockSkewMs",
      "rerunOnEveryUp",
      "trigger",
      "connectRetry",
      "runner",
    ] as const;
    const changed = keys.filter((k) => stableJson(olds[k]) !== stableJson(news[k]));
    // Another database (or pooler) is another test: replace. Anything else re-runs it in place.
    const replaces: string[] = [];
    if (endpointKey(olds.connection) !== endpointKey(news.connection)) replaces.push("connection");
    if (endpointKey(olds.poolerConnection) !== endpointKey(news.poolerConnection)) replaces.push("poolerConnection");
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: SmokeProviderInputs) {
    const outs = await run(inputs);
    return { id: `smoke:${endpointKey(inputs.connection)}`, outs };
  },

  async update(_id: string, _olds: SmokeProviderOutputs, news: SmokeProviderInputs) {
    return { outs: await run(news) };
  },

  async read(id: string, props: SmokeProviderOutputs) {
    return { id, props };
  },

  async delete() {
    // The smoke test leaves nothing behind; there is nothing to delete.
  },
};
