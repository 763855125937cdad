// `AzureSettleWait`: a bounded pause in the operation chain, where Azure is known to refuse the next write
// for a while although the previous operation has finished — a new server or replica answers its first
// configuration with `ServerIsBusy`, and a backup instance made right after its role assignments fails
// while RBAC propagates. The wait happens once, when the resource is created (again only if what it waits
// for is replaced); later `pulumi up`s do not pause. It is a bound, not a guarantee: if Azure is still
// busy, the step fails and re-running `pulumi up` continues from there.
import * as pulumi from "@pulumi/pulumi";

export interface SettleInputs {
  /** Seconds to wait when created. */
  seconds: number;
  /** Why, for the plan and the state. */
  reason: string;
  /** Ids of what it waits after: a change (a replaced server, new role assignments) waits again. */
  after: string[];
}

/**
 * Self-contained (no import, no captured variable): serialized into the state as it is, and the engine
 * runs it without loading this package.
 */
export const settleProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds: SettleInputs, news: SettleInputs) => {
    const failures: { property: string; reason: string }[] = [];
    if (typeof news.seconds !== "number" || !(news.seconds >= 0) || news.seconds > 3600)
      failures.push({ property: "seconds", reason: "seconds must be a number from 0 to 3600" });
    return { inputs: news, failures };
  },
  diff: async (_id: string, olds: SettleInputs, news: SettleInputs) => {
    const same = JSON.stringify([...(olds.after ?? [])].sort()) === JSON.stringify([...(news.after ?? [])].sort());
    if (same) return { changes: olds.seconds !== news.seconds || olds.reason !== news.reason };
    return { changes: true, replaces: ["after"], deleteBeforeReplace: true };
  },
  create: async (inputs: SettleInputs) => {
    await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
    const settledAt = new Date().toISOString();
    return { id: `settled-${settledAt}`, outs: { ...inputs, settledAt } };
  },
  // Only seconds or reason changed: nothing to wait for again.
  update: async (_id: string, olds: SettleInputs & { settledAt?: string }, news: SettleInputs) => ({
    outs: { ...news, settledAt: olds.settledAt },
  }),
};

export interface AzureSettleWaitArgs {
  seconds: number;
  reason: string;
  after: pulumi.Input<string>[];
}

export class AzureSettleWait extends pulumi.dynamic.Resource {
  declare public readonly settledAt: pulumi.Output<string>;

  constructor(name: string, args: AzureSettleWaitArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      settleProvider,
      name,
      { seconds: args.seconds, reason: args.reason, after: args.after, settledAt: undefined },
      opts,
      "visor-db-infra",
      "AzureSettleWait",
    );
  }
}
