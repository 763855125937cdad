// `VisorHaSmokeTest`: `pulumi up` proves the writer (and the pooler) safe for Visor's HA locks, and
// fails the deployment naming the check and its remedy when it is not.
import * as pulumi from "@pulumi/pulumi";
import type { ConnectRetryArgs, RunnerTargetArgs, VisorConnectionArgs } from "./connection-args";
import { smokeTestProvider } from "./providers";

export interface VisorHaSmokeTestArgs {
  /** The writer endpoint. Made a secret whole: it carries the password. */
  connection: pulumi.Input<VisorConnectionArgs>;
  /** When given, the lock checks run again through it (PgBouncer, RDS Proxy, Azure's built-in PgBouncer). */
  poolerConnection?: pulumi.Input<VisorConnectionArgs>;
  /** Simulated Visor nodes. Default 3 (2–32). */
  nodes?: pulumi.Input<number>;
  /** Visor's lock_ttl in ms. Default 60000. */
  lockTtlMs?: pulumi.Input<number>;
  /** Visor's heartbeat_interval in ms; must be < lockTtlMs / 3. Default 15000. */
  heartbeatMs?: pulumi.Input<number>;
  /** Largest tolerated database-vs-deployer clock skew. Default min(1000, lockTtlMs / 10). */
  maxClockSkewMs?: pulumi.Input<number>;
  /**
   * Default true: every `pulumi up` runs the test again, so a later misconfiguration (pooler switched to
   * session mode, endpoint moved to a replica) fails the next deployment.
   */
  rerunOnEveryUp?: boolean;
  /** Waiting for a fresh endpoint. Default: up to 5 minutes, exponential backoff from 1 s. */
  connectRetry?: pulumi.Input<ConnectRetryArgs>;
  /**
   * Run inside the database's network: `{ aws: { functionName, region } }` invokes the runner function
   * (see components/aws `bootstrap: { via: "runner" }`) and waits for it. Default: connect from the deployer.
   */
  runner?: pulumi.Input<RunnerTargetArgs>;
}

export class VisorHaSmokeTest extends pulumi.dynamic.Resource {
  declare public readonly passed: pulumi.Output<boolean>;
  /** Check name → result. */
  declare public readonly checks: pulumi.Output<Record<string, { passed: boolean; detail: string; remedy?: string }>>;
  declare public readonly durationMs: pulumi.Output<number>;
  /** `direct` or `direct+pooler`. */
  declare public readonly via: pulumi.Output<string>;
  declare public readonly isWriter: pulumi.Output<boolean>;
  declare public readonly clockSkewMs: pulumi.Output<number | undefined>;
  declare public readonly testedAt: pulumi.Output<string>;

  constructor(name: string, args: VisorHaSmokeTestArgs, opts: pulumi.CustomResourceOptions = {}) {
    const rerun = args.rerunOnEveryUp ?? true;
    super(
      smokeTestProvider,
      name,
      {
        connection: pulumi.secret(args.connection),
        poolerConnection: args.poolerConnection === undefined ? undefined : pulumi.secret(args.poolerConnection),
        nodes: args.nodes,
        lockTtlMs: args.lockTtlMs,
        heartbeatMs: args.heartbeatMs,
        maxClockSkewMs: args.maxClockSkewMs,
        rerunOnEveryUp: rerun,
        // A value that differs on every run makes the engine call update, which re-runs the test.
        trigger: rerun ? new Date().toISOString() : "once",
        connectRetry: args.connectRetry,
        runner: args.runner,
        passed: undefined,
        checks: undefined,
        durationMs: undefined,
        via: undefined,
        isWriter: undefined,
        clockSkewMs: undefined,
        testedAt: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "connection", "poolerConnection"] },
      "visor-db-infra",
      "VisorHaSmokeTest",
    );
  }
}
