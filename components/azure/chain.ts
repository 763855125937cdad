// Azure runs one management operation at a time per flexible server: a second write while the first is
// in flight fails with `ServerIsBusy`. Every write aimed at the primary therefore waits for the previous
// one — parameters, firewall rules, the Entra admin, replicas and the virtual endpoint.
import type * as pulumi from "@pulumi/pulumi";

export class ServerOperationChain {
  private last: pulumi.Resource;

  constructor(first: pulumi.Resource) {
    this.last = first;
  }

  /** The resource the next write must wait for. */
  get tail(): pulumi.Resource {
    return this.last;
  }

  /** Registers a write after the current tail and makes it the new tail. */
  add<R extends pulumi.Resource>(create: (dependsOn: pulumi.Resource[]) => R): R {
    const r = create([this.last]);
    this.last = r;
    return r;
  }
}
