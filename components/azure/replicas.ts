// The guide's "Cloud-Managed Replicas": Azure read replicas (`createMode: "Replica"`), optionally in
// other regions, plus a ReadWrite virtual endpoint so Visor's writer address follows a promotion
// ("Visor's scheduler should always connect to the primary/writer endpoint").
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import type { ServerOperationChain } from "./chain";
import { serverNetwork } from "./network";
import type { AzureBuild } from "./context";

export interface ReplicaResources {
  replicas: dbforpostgresql.Server[];
  virtualEndpoint?: dbforpostgresql.VirtualEndpoint;
}

export function createReplicas(ctx: AzureBuild, primary: dbforpostgresql.Server, chain: ServerOperationChain): ReplicaResources {
  const { name, settings } = ctx;
  const { resourceGroupName, base } = settings;
  const tags = base.tags;
  const replicas = settings.replicas.map((spec) =>
    // Replica creation snapshots the primary: one at a time, after the parameters are in place.
    chain.add((dependsOn) => {
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
          // Azure requires the replica's storage to match the primary's.
          storage: { storageSizeGB: settings.storageSizeGb, autoGrow: settings.storageAutoGrow ? "Enabled" : "Disabled" },
          availabilityZone: spec.availabilityZone,
          network: serverNetwork(settings, spec.delegatedSubnetId, spec.privateDnsZoneId),
          tags: { ...tags, "visor-role": "replica" },
        },
        { dependsOn },
      );
      return new dbforpostgresql.Server(`${name}-replica-${spec.index}`, a, o);
    }),
  );
  if (replicas.length === 0) return { replicas };
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
  return { replicas, virtualEndpoint };
}

/** The writer virtual endpoint's host (`<name>.writer.postgres.database.azure.com`). */
export function writerHostOf(ve: dbforpostgresql.VirtualEndpoint): pulumi.Output<string> {
  return pulumi.all([ve.virtualEndpoints, ve.name]).apply(([hosts, veName]) => {
    const writer = (hosts ?? []).find((h) => h.includes(".writer."));
    return writer ?? `${veName}.writer.postgres.database.azure.com`;
  });
}
