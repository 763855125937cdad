// Private by default: the server lives in a delegated subnet, resolves through the private DNS zone and
// has public network access Disabled. Firewall rules exist only when the user opts into public access.
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as pulumi from "@pulumi/pulumi";
import type { AzureVisorDatabaseTransforms } from "./args";
import type { ServerOperationChain } from "./chain";
import { applyTransform } from "./transform";
import type { ResolvedAzure } from "./validate";

export function serverNetwork(
  r: Pick<ResolvedAzure, "publicAccess">,
  delegatedSubnetId: pulumi.Input<string> | undefined,
  privateDnsZoneId: pulumi.Input<string> | undefined,
): dbforpostgresql.ServerArgs["network"] {
  if (r.publicAccess) return { publicNetworkAccess: "Enabled" };
  return {
    delegatedSubnetResourceId: delegatedSubnetId,
    privateDnsZoneArmResourceId: privateDnsZoneId,
    publicNetworkAccess: "Disabled",
  };
}

export function createFirewallRules(
  name: string,
  parent: pulumi.Resource,
  server: dbforpostgresql.Server,
  resourceGroupName: pulumi.Input<string>,
  r: Pick<ResolvedAzure, "publicAccess">,
  chain: ServerOperationChain,
  transforms: AzureVisorDatabaseTransforms | undefined,
): dbforpostgresql.FirewallRule[] {
  return (r.publicAccess ?? []).map((range) =>
    chain.add((dependsOn) => {
      const [a, o] = applyTransform(
        transforms,
        "firewallRule",
        {
          resourceGroupName,
          serverName: server.name,
          firewallRuleName: range.name,
          startIpAddress: range.startIpAddress,
          endIpAddress: range.endIpAddress,
        },
        { parent, dependsOn },
      );
      return new dbforpostgresql.FirewallRule(`${name}-fw-${range.name}`, a, o);
    }),
  );
}
