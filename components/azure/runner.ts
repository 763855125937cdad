// `bootstrap: { via: "runner" }`: what the runner needs in the server's VNet. A subnet delegated to
// Microsoft.ContainerInstance/containerGroups (separate from the server's delegated subnet), an NSG whose
// outbound rules allow PostgreSQL (5432) and PgBouncer (6432) to the server's subnet and HTTPS to
// Microsoft's registry, and the `runner.azure` target the dynamic providers start one container group per
// run with. Nothing runs, and nothing is billed, between runs.
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { PGBOUNCER_PORT, POSTGRES_PORT } from "../shared/defaults";
import type { RunnerTargetArgs } from "../visor/providers/connection-args";
import { contains, formatCidr, highestFree, overlaps, parseCidr, type Cidr } from "./cidr";
import type { AzureBuild } from "./context";
import { AZURE_DNS, type ResolvedAzureRunner } from "./runner-settings";

export const RUNNER_DELEGATION = "Microsoft.ContainerInstance/containerGroups";
const SUBNET_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i;

export interface AzureRunnerResources {
  subnet: network.Subnet;
  securityGroup: network.NetworkSecurityGroup;
  target: pulumi.Output<RunnerTargetArgs>;
}

interface VnetLayout {
  subscriptionId: string;
  resourceGroupName: string;
  virtualNetworkName: string;
  runnerPrefix: string;
  serverPrefix: string;
}

function parseSubnetId(id: string): { subscriptionId: string; resourceGroupName: string; vnet: string; subnet: string } {
  const m = SUBNET_ID.exec(id);
  if (!m)
    throw new Error(
      `AzureVisorDatabase: delegatedSubnetId must be a subnet resource id to place the runner next to it (got ${JSON.stringify(id)})`,
    );
  return { subscriptionId: m[1]!, resourceGroupName: m[2]!, vnet: m[3]!, subnet: m[4]! };
}

/** The runner subnet's range, checked against the VNet: inside its address space, overlapping no other subnet. */
export function runnerPrefixIn(
  vnet: { addressPrefixes: string[]; subnets: { name: string; addressPrefix?: string }[] },
  runnerSubnetName: string,
  wanted: string | undefined,
): string {
  const ranges = vnet.addressPrefixes.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  const taken = vnet.subnets
    .filter((s) => s.name !== runnerSubnetName && s.addressPrefix)
    .map((s) => parseCidr(s.addressPrefix!))
    .filter((c): c is Cidr => c !== undefined);
  if (wanted !== undefined) {
    const cidr = parseCidr(wanted)!;
    const problem = !ranges.some((r) => contains(r, cidr))
      ? `is not inside the VNet's address space (${vnet.addressPrefixes.join(", ")})`
      : taken.some((t) => overlaps(t, cidr))
        ? "overlaps a subnet of the VNet"
        : undefined;
    if (problem)
      throw new Error(`AzureVisorDatabase: runner.subnetAddressPrefix ${wanted} ${problem}: choose a free /28 or larger range`);
    return wanted;
  }
  const free = ranges.length ? highestFree(ranges[0]!, 16, taken) : undefined;
  if (!free)
    throw new Error(
      `AzureVisorDatabase: no free /28 for the runner subnet in ${vnet.addressPrefixes[0] ?? "the VNet"}: set runner.subnetAddressPrefix (or bootstrap.via "direct")`,
    );
  return formatCidr(free);
}

export function createRunnerNetwork(
  ctx: AzureBuild,
  runner: ResolvedAzureRunner,
  delegatedSubnetId: pulumi.Input<string>,
): AzureRunnerResources {
  const { name, settings } = ctx;
  const layout: pulumi.Output<VnetLayout> = pulumi.output(delegatedSubnetId).apply((id) => {
    const where = parseSubnetId(id);
    return network
      .getVirtualNetworkOutput({ resourceGroupName: where.resourceGroupName, virtualNetworkName: where.vnet })
      .apply((vnet) => {
        const subnets = (vnet.subnets ?? []).map((s) => ({ name: s.name ?? "", addressPrefix: s.addressPrefix }));
        const base = {
          subscriptionId: where.subscriptionId,
          resourceGroupName: where.resourceGroupName,
          virtualNetworkName: where.vnet,
        };
        // A real VNet always has an address space; none means the lookup only echoed its inputs (the
        // offline `visor-db plan`): nothing to check against, so the range must be given.
        if (!vnet.addressSpace?.addressPrefixes?.length) {
          if (!runner.subnetAddressPrefix)
            throw new Error(
              `AzureVisorDatabase: the address space of VNet ${where.vnet} could not be read: set runner.subnetAddressPrefix`,
            );
          return { ...base, runnerPrefix: runner.subnetAddressPrefix, serverPrefix: "VirtualNetwork" };
        }
        const server = subnets.find((s) => s.name.toLowerCase() === where.subnet.toLowerCase());
        if (!server?.addressPrefix)
          throw new Error(
            `AzureVisorDatabase: the server's subnet ${where.subnet} was not found in VNet ${where.vnet} (delegatedSubnetId)`,
          );
        return {
          ...base,
          runnerPrefix: runnerPrefixIn(
            { addressPrefixes: vnet.addressSpace.addressPrefixes, subnets },
            runner.subnetName,
            runner.subnetAddressPrefix,
          ),
          serverPrefix: server.addressPrefix,
        };
      });
  });

  const rule = (priority: number, ruleName: string, ports: string[], destination: string | pulumi.Output<string>) => ({
    name: ruleName,
    priority,
    direction: "Outbound",
    access: "Allow",
    protocol: "Tcp",
    sourceAddressPrefix: "*",
    sourcePortRange: "*",
    destinationAddressPrefix: destination,
    destinationPortRanges: ports,
  });
  const customDns = runner.dnsServers.filter((server) => server !== AZURE_DNS);
  const securityGroup = new network.NetworkSecurityGroup(
    `${name}-runner-nsg`,
    ...ctx.children.prepare("runnerSecurityGroup", {
      resourceGroupName: layout.resourceGroupName,
      location: settings.location,
      securityRules: [
        rule(100, "visor-db-to-server", [String(POSTGRES_PORT), String(PGBOUNCER_PORT)], layout.serverPrefix),
        // Pulling the image from Microsoft's registry (its data endpoints are behind Azure Front Door).
        rule(110, "image-pull-mcr", ["443"], "MicrosoftContainerRegistry"),
        rule(120, "image-pull-mcr-data", ["443"], "AzureFrontDoor.FirstParty"),
        // Custom name servers inside the VNet (Azure's own resolver is always reachable).
        ...customDns.map((server, i) => ({ ...rule(130 + i, `dns-${i}`, ["53"], server), protocol: "*" })),
        // Nothing else inside the VNet: the runner only talks to the database.
        { ...rule(4000, "deny-other-vnet", ["0-65535"], "VirtualNetwork"), access: "Deny", protocol: "*" },
      ],
      tags: settings.base.tags,
    }),
  );
  const subnet = new network.Subnet(
    `${name}-runner-subnet`,
    ...ctx.children.prepare("runnerSubnet", {
      resourceGroupName: layout.resourceGroupName,
      virtualNetworkName: layout.virtualNetworkName,
      subnetName: runner.subnetName,
      addressPrefix: layout.runnerPrefix,
      delegations: [{ name: "container-groups", serviceName: RUNNER_DELEGATION }],
      networkSecurityGroup: { id: securityGroup.id },
      ...(runner.natGatewayId ? { natGateway: { id: runner.natGatewayId } } : {}),
    }),
  );
  const target = pulumi
    .all([layout.subscriptionId, settings.resourceGroupName, settings.location, subnet.id])
    .apply(([subscriptionId, resourceGroupName, location, subnetId]) => ({
      azure: {
        subscriptionId,
        resourceGroupName,
        location: location.toLowerCase().replace(/\s+/g, ""),
        subnetId,
        image: runner.image,
        dnsServers: runner.dnsServers,
        timeoutMs: runner.timeoutMs,
      },
    }));
  return { subnet, securityGroup, target };
}
