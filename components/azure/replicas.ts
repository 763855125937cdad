// The guide's "Cloud-Managed Replicas": Azure read replicas (`createMode: "Replica"`), optionally in
// other regions, each given the primary's recovery parameters (Azure copies parameters only when it
// creates a replica), plus a ReadWrite virtual endpoint: Azure refuses to promote a replica to primary
// without one, and its writer name follows a promotion.
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import type { ServerOperationChain } from "./chain";
import type { AzureBuild } from "./context";
import { SETTLE_SECONDS } from "./defaults";
import { serverNetwork } from "./network";
import { createConfigurations } from "./parameters";
import { AzureSettleWait } from "./settle";

export interface ReplicaResources {
  replicas: dbforpostgresql.Server[];
  /** Each replica's recovery parameters, in replica order then chain order. */
  replicaConfigurations: dbforpostgresql.Configuration[];
  /** The bounded wait after each replica is created. */
  replicaSettles: AzureSettleWait[];
  virtualEndpoint?: dbforpostgresql.VirtualEndpoint;
}

/** A bounded wait after a server (or replica) is created, before its first configuration. */
export function settleAfterCreate(
  ctx: AzureBuild,
  childName: string,
  server: dbforpostgresql.Server,
  chain: ServerOperationChain,
): AzureSettleWait {
  return chain.add(
    (dependsOn) =>
      new AzureSettleWait(
        childName,
        { seconds: SETTLE_SECONDS.server, reason: "Azure answers ServerIsBusy right after a create", after: [server.id] },
        { parent: ctx.children.parent, dependsOn },
      ),
  );
}

export function createReplicas(
  ctx: AzureBuild,
  primary: dbforpostgresql.Server,
  recoveryParameters: [string, string][],
  chain: ServerOperationChain,
): ReplicaResources {
  const { name, settings } = ctx;
  const { resourceGroupName, base } = settings;
  const tags = base.tags;
  const replicaConfigurations: dbforpostgresql.Configuration[] = [];
  const replicaSettles: AzureSettleWait[] = [];
  const replicas = settings.replicas.map((spec) => {
    // Replica creation snapshots the primary: one at a time, after the parameters are in place.
    const replica = chain.add((dependsOn) => {
      const [a, o] = ctx.children.prepare(
        "replica",
        {
          resourceGroupName,
          serverName: spec.serverName,
          location: spec.location,
          createMode: "Replica",
          sourceServerResourceId: primary.id,
          version: settings.version,
          sku: { name: spec.skuName, tier: spec.skuTier },
          // The primary's storage: promotion to primary needs equal storage (and tier).
          storage: { storageSizeGB: settings.storageSizeGb, autoGrow: settings.storageAutoGrow ? "Enabled" : "Disabled" },
          availabilityZone: spec.availabilityZone,
          network: serverNetwork(settings, spec.delegatedSubnetId, spec.privateDnsZoneId),
          tags: { ...tags, "visor-role": "replica" },
        },
        { dependsOn },
      );
      return new dbforpostgresql.Server(`${name}-replica-${spec.index}`, a, o);
    });
    // The primary is "updating" while a replica is made, and the replica answers ServerIsBusy at first.
    replicaSettles.push(settleAfterCreate(ctx, `${name}-replica-${spec.index}-settle`, replica, chain));
    replicaConfigurations.push(...createConfigurations(ctx, replica, recoveryParameters, chain, `${name}-replica-${spec.index}`));
    return replica;
  });
  if (replicas.length === 0) return { replicas, replicaConfigurations, replicaSettles };
  const virtualEndpoint = chain.add((dependsOn) => {
    const [a, o] = ctx.children.prepare(
      "virtualEndpoint",
      {
        resourceGroupName,
        serverName: primary.name,
        virtualEndpointName: settings.virtualEndpointName,
        endpointType: "ReadWrite",
        // The pair's reader side targets the first replica; the writer side always follows the primary.
        members: [replicas[0]!.name],
      },
      { dependsOn },
    );
    return new dbforpostgresql.VirtualEndpoint(`${name}-ve`, a, o);
  });
  return { replicas, replicaConfigurations, replicaSettles, virtualEndpoint };
}

/** The writer virtual endpoint's host (`<name>.writer.postgres.database.azure.com`). */
export function writerHostOf(ve: dbforpostgresql.VirtualEndpoint): pulumi.Output<string> {
  return pulumi.all([ve.virtualEndpoints, ve.name]).apply(([hosts, veName]) => {
    const writer = (hosts ?? []).find((h) => h.includes(".writer."));
    return writer ?? `${veName}.writer.postgres.database.azure.com`;
  });
}
