// Private Service Access: a reserved range in the VPC peered with Google's service producer network, which
// Cloud SQL's private IP lives in. The provider does not order the instance after the peering by itself (the
// instance only references the network), so whatever completes the peering is returned for an explicit dependsOn.
import type * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/gcp/compute";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import type { GcpBuild } from "./context";
import { computeName } from "./names";

export interface PrivateServiceAccess {
  range?: compute.GlobalAddress;
  connection?: servicenetworking.Connection;
  /** What the instances must depend on. */
  dependency: pulumi.Input<pulumi.Resource>;
  /** The reserved range the instances are placed in, when known. */
  allocatedIpRange?: pulumi.Input<string>;
}

export function privateServiceAccess(ctx: GcpBuild): PrivateServiceAccess {
  const { name, settings } = ctx;
  if (!settings.psa.create) return { dependency: settings.psa.connection!, allocatedIpRange: settings.psa.allocatedIpRange };
  const [rangeArgs, rangeOpts] = ctx.children.prepare("privateIpRange", {
    name: computeName(name, "psa-range"),
    project: settings.project,
    network: settings.network,
    purpose: "VPC_PEERING",
    addressType: "INTERNAL",
    prefixLength: settings.psa.prefixLength,
    labels: settings.base.tags,
    description: "Private Service Access range for Cloud SQL (visor-db-infra)",
  });
  const range = new compute.GlobalAddress(`${name}-psa-range`, rangeArgs, rangeOpts);
  const [connArgs, connOpts] = ctx.children.prepare("privateServiceAccess", {
    network: settings.network,
    service: "servicenetworking.googleapis.com",
    reservedPeeringRanges: [range.name],
    // No updateOnCreationFail: on a VPC that already has this peering it would replace the other ranges; such a
    // VPC passes its existing connection with create: false instead.
    // Deleting the peering under other services' instances breaks them; leave it when the stack goes.
    deletionPolicy: "ABANDON",
  });
  const connection = new servicenetworking.Connection(`${name}-psa`, connArgs, connOpts);
  return { range, connection, dependency: connection, allocatedIpRange: settings.psa.allocatedIpRange ?? range.name };
}
