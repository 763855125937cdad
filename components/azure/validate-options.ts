// The parts of AzureVisorDatabase's validation with a shape of their own: the network (private or public
// access) and the read replicas. Rules shared with other clouds come from ../shared/rules.
import { replicaSpecs } from "../shared/rules";
import type { Validator } from "../shared/validation";
import type { AzureReplicaSpec, AzureSkuTier, AzureVisorDatabaseArgs } from "./args";
import { MAX_REPLICAS, SERVER_NAME, SKU_TIERS } from "./defaults";
import type { ResolvedAzure, ResolvedReplica } from "./resolved";
import { computeOf, type AzureCompute } from "./skus";

export const isString = (value: unknown): value is string => typeof value === "string";
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ipToInt = (ip: string) => ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);

/** Private (VNet-integrated) by default; public access only on request, and never both. */
export function resolveNetwork(
  check: Validator,
  args: AzureVisorDatabaseArgs,
): Pick<ResolvedAzure, "publicAccess" | "delegatedSubnetId" | "privateDnsZoneId"> {
  let publicAccess: ResolvedAzure["publicAccess"];
  if (args.publicAccess !== undefined) {
    check.require(
      args.delegatedSubnetId === undefined,
      "publicAccess",
      "omitted when delegatedSubnetId is set (a VNet-integrated server has no public endpoint)",
      "both",
    );
    const ranges = args.publicAccess?.allowedIpRanges;
    if (!Array.isArray(ranges) || ranges.length === 0 || ranges.length > 100)
      check.fail("publicAccess.allowedIpRanges", "1 to 100 IP ranges", ranges);
    publicAccess = ranges.map((r, i) => {
      const f = `publicAccess.allowedIpRanges[${i}]`;
      check.require(
        isString(r?.startIpAddress) && IPV4.test(r.startIpAddress),
        `${f}.startIpAddress`,
        "an IPv4 address",
        r?.startIpAddress,
      );
      check.require(
        isString(r.endIpAddress) && IPV4.test(r.endIpAddress),
        `${f}.endIpAddress`,
        "an IPv4 address",
        r.endIpAddress,
      );
      check.require(
        ipToInt(r.startIpAddress) <= ipToInt(r.endIpAddress),
        `${f}.endIpAddress`,
        `at least startIpAddress (${r.startIpAddress})`,
        r.endIpAddress,
      );
      // 0.0.0.0–0.0.0.0 means "any Azure service, any tenant": too broad for Visor's lock table.
      check.require(
        !(r.startIpAddress === "0.0.0.0" && r.endIpAddress === "0.0.0.0"),
        `${f}`,
        "a real range (0.0.0.0–0.0.0.0 admits every Azure tenant)",
        r,
      );
      check.require(
        !(r.startIpAddress === "0.0.0.0" && r.endIpAddress === "255.255.255.255"),
        `${f}`,
        "narrower than the whole internet",
        r,
      );
      const name = r.name ?? `visor-${i}`;
      check.require(/^[A-Za-z0-9_-]{1,80}$/.test(name), `${f}.name`, "1–80 characters: letters, digits, _ and -", r.name);
      return { name, startIpAddress: r.startIpAddress, endIpAddress: r.endIpAddress };
    });
  } else {
    check.require(
      args.delegatedSubnetId !== undefined && args.delegatedSubnetId !== "",
      "delegatedSubnetId",
      "a subnet id delegated to Microsoft.DBforPostgreSQL/flexibleServers (or set publicAccess to opt into public access)",
      args.delegatedSubnetId,
    );
    check.require(
      args.privateDnsZoneId !== undefined && args.privateDnsZoneId !== "",
      "privateDnsZoneId",
      "a private DNS zone id linked to the VNet",
      args.privateDnsZoneId,
    );
    if (isString(args.delegatedSubnetId))
      check.require(
        /\/subnets\/[^/]+$/i.test(args.delegatedSubnetId),
        "delegatedSubnetId",
        "a subnet resource id (…/virtualNetworks/<vnet>/subnets/<subnet>)",
        args.delegatedSubnetId,
      );
    if (isString(args.privateDnsZoneId))
      check.require(
        /\/privateDnsZones\/[^/]+\.postgres\.database\.azure\.com$/i.test(args.privateDnsZoneId),
        "privateDnsZoneId",
        "a private DNS zone id ending in .postgres.database.azure.com",
        args.privateDnsZoneId,
      );
  }

  return publicAccess
    ? { publicAccess }
    : { publicAccess, delegatedSubnetId: args.delegatedSubnetId, privateDnsZoneId: args.privateDnsZoneId };
}

/**
 * Read replicas: General Purpose or Memory Optimized, the primary's tier and at least its compute (Azure
 * creates and promotes nothing smaller), each cross-region one on a subnet of its own region.
 */
export function resolveReplicas(
  check: Validator,
  args: AzureVisorDatabaseArgs,
  primary: { skuTier: AzureSkuTier; skuName: string; compute: AzureCompute; publicAccess: ResolvedAzure["publicAccess"] },
): Pick<ResolvedAzure, "replicas" | "virtualEndpointName"> {
  const { skuTier, skuName, compute, publicAccess } = primary;
  const specs = replicaSpecs<AzureReplicaSpec>(check, args.replicas, MAX_REPLICAS);
  const count = specs.length;
  const replicas: ResolvedReplica[] = [];
  for (const [i, s] of specs.entries()) {
    const f = `replicas[${i}]`;
    const tier = check.oneOf(`${f}.skuTier`, s.skuTier, SKU_TIERS, skuTier);
    check.require(
      tier !== "Burstable",
      `${f}.skuTier`,
      '"GeneralPurpose" or "MemoryOptimized" (Azure has no read replicas on Burstable)',
      tier,
    );
    check.require(
      tier === skuTier,
      `${f}.skuTier`,
      `the primary's tier "${skuTier}" (Azure promotes a replica to primary only with the same tier and storage)`,
      tier,
    );
    const name = check.nonEmpty(`${f}.skuName`, s.skuName, skuName);
    check.require(
      /^Standard_[A-Za-z0-9_]+$/.test(name) && !/^Standard_B/.test(name),
      `${f}.skuName`,
      `a ${tier} compute size such as "Standard_D2ds_v5"`,
      name,
    );
    const replicaCompute = computeOf(check, `${f}.skuName`, tier, name);
    check.require(
      replicaCompute.vCores >= compute.vCores && replicaCompute.memoryBytes >= compute.memoryBytes,
      `${f}.skuName`,
      `a size with at least the primary's ${compute.vCores} vCores and ${compute.memoryBytes / 1024 ** 3} GiB ` +
        `(${skuName}: Azure needs a replica's compute ≥ the primary's; scale replicas up first, the primary down first)`,
      name,
    );
    if (s.serverName !== undefined)
      check.require(
        isString(s.serverName) && SERVER_NAME.test(s.serverName),
        `${f}.serverName`,
        "3–63 characters: a-z, 0-9 and -, not starting or ending with -",
        s.serverName,
      );
    const location = s.location ?? args.location;
    const crossRegion =
      s.location !== undefined &&
      isString(s.location) &&
      isString(args.location) &&
      s.location.toLowerCase() !== args.location.toLowerCase();
    if (crossRegion && !publicAccess) {
      // The primary's subnet lives in the primary's region; Azure refuses it for another region.
      check.require(
        s.delegatedSubnetId !== undefined && s.delegatedSubnetId !== args.delegatedSubnetId,
        `${f}.delegatedSubnetId`,
        `a delegated subnet in ${String(s.location)} (a cross-region replica cannot use the primary's subnet)`,
        s.delegatedSubnetId,
      );
    }
    check.require(
      !(publicAccess && s.delegatedSubnetId !== undefined),
      `${f}.delegatedSubnetId`,
      "omitted when publicAccess is set (replicas follow the primary's network mode)",
      s.delegatedSubnetId,
    );
    replicas.push({
      index: i,
      location,
      crossRegion,
      skuName: name,
      skuTier: tier,
      availabilityZone: s.availabilityZone,
      delegatedSubnetId: publicAccess ? undefined : (s.delegatedSubnetId ?? args.delegatedSubnetId),
      privateDnsZoneId: publicAccess ? undefined : (s.privateDnsZoneId ?? args.privateDnsZoneId),
      serverName: s.serverName,
    });
  }
  const replicaNames = replicas.map((r) => r.serverName).filter(isString);
  check.require(
    new Set(replicaNames).size === replicaNames.length && !replicaNames.includes(args.serverName ?? ""),
    "replicas",
    "distinct server names, none equal to serverName",
    replicaNames,
  );
  if (args.virtualEndpointName !== undefined) {
    check.require(
      count > 0,
      "virtualEndpointName",
      "set only with replicas (Azure virtual endpoints need a replica)",
      args.virtualEndpointName,
    );
    check.require(
      isString(args.virtualEndpointName) && SERVER_NAME.test(args.virtualEndpointName),
      "virtualEndpointName",
      "3–63 characters: a-z, 0-9 and -",
      args.virtualEndpointName,
    );
  }

  const virtualEndpointName = args.virtualEndpointName ?? (count > 0 && args.serverName ? `${args.serverName}-ve` : undefined);
  return { replicas, virtualEndpointName };
}
