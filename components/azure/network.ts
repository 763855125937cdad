// Private by default: the server lives in a delegated subnet, resolves through the private DNS zone and
// has public network access Disabled. Firewall rules exist only when the user opts into public access.
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as pulumi from "@pulumi/pulumi";
import type { ServerOperationChain } from "./chain";
import type { AzureBuild } from "./context";
import type { ResolvedAzure } from "./resolved";

export function serverNetwork(
  settings: Pick<ResolvedAzure, "publicAccess">,
  delegatedSubnetId: pulumi.Input<string> | undefined,
  privateDnsZoneId: pulumi.Input<string> | undefined,
): dbforpostgresql.ServerArgs["network"] {
  if (settings.publicAccess) return { publicNetworkAccess: "Enabled" };
  return {
    delegatedSubnetResourceId: delegatedSubnetId,
    privateDnsZoneArmResourceId: privateDnsZoneId,
    publicNetworkAccess: "Disabled",
  };
}

export function createFirewallRules(
  ctx: AzureBuild,
  server: dbforpostgresql.Server,
  chain: ServerOperationChain,
): dbforpostgresql.FirewallRule[] {
  const { name, settings } = ctx;
  const resourceGroupName = settings.resourceGroupName;
  return (settings.publicAccess ?? []).map((range) =>
    chain.add((dependsOn) => {
      const [a, o] = ctx.children.prepare(
        "firewallRule",
        {
          resourceGroupName,
          serverName: server.name,
          firewallRuleName: range.name,
          startIpAddress: range.startIpAddress,
          endIpAddress: range.endIpAddress,
        },
        { dependsOn },
      );
      return new dbforpostgresql.FirewallRule(`${name}-fw-${range.name}`, a, o);
    }),
  );
}
