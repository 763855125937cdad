// `bootstrap: { via }` and `runner` of AzureVisorDatabase, checked with the other arguments: the runner
// needs the private network (a public server is reachable from the deployer, so "direct" is its default).
import type * as pulumi from "@pulumi/pulumi";
import type { Validator } from "../shared/validation";
import type { AzureVisorDatabaseArgs } from "./args";
import { parseCidr } from "./cidr";

/** Node.js 22 from Microsoft's registry (no Docker Hub pull limits). Pin a digest with `runner.image`. */
export const DEFAULT_RUNNER_IMAGE = "mcr.microsoft.com/devcontainers/javascript-node:22-bookworm";
/** Azure's own resolver: it answers for the private DNS zones linked to the VNet. */
export const AZURE_DNS = "168.63.129.16";

export interface ResolvedAzureRunner {
  /** Default: the highest free /28 of the VNet's first address range. */
  subnetAddressPrefix?: string;
  subnetName: string;
  natGatewayId?: pulumi.Input<string>;
  image: string;
  dnsServers: string[];
  timeoutMs: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function resolveRunner(
  check: Validator,
  args: AzureVisorDatabaseArgs,
  privateNetwork: boolean,
): ResolvedAzureRunner | undefined {
  const bootstrap = typeof args.bootstrap === "object" && args.bootstrap !== null ? args.bootstrap : undefined;
  const via = check.oneOf("bootstrap.via", bootstrap?.via, ["runner", "direct"] as const, privateNetwork ? "runner" : "direct");
  check.require(
    via === "direct" || privateNetwork,
    "bootstrap.via",
    '"direct" with publicAccess (the runner runs in the server\'s VNet)',
    bootstrap?.via,
  );
  const r = args.runner ?? {};
  if (via !== "runner" || args.bootstrap === false) {
    check.require(args.runner === undefined, "runner", 'omitted unless bootstrap.via is "runner"', "given");
    return undefined;
  }
  const cidr = r.subnetAddressPrefix === undefined ? undefined : parseCidr(r.subnetAddressPrefix);
  check.require(
    r.subnetAddressPrefix === undefined || (cidr !== undefined && cidr.size >= 16 && cidr.size <= 4096),
    "runner.subnetAddressPrefix",
    "an IPv4 range from /20 to /28 such as 10.0.255.240/28, on its network address, inside the server's VNet",
    r.subnetAddressPrefix,
  );
  const subnetName = r.subnetName ?? "visor-db-runner";
  check.require(
    /^[\w][\w.-]{0,78}[\w]$/.test(subnetName),
    "runner.subnetName",
    "2–80 characters: letters, digits, _ . -",
    r.subnetName,
  );
  const image = r.image ?? DEFAULT_RUNNER_IMAGE;
  check.require(image.trim() !== "" && !/\s/.test(image), "runner.image", "a container image reference", r.image);
  const dnsServers = r.dnsServers ?? [AZURE_DNS];
  check.require(
    Array.isArray(dnsServers) && dnsServers.length >= 1 && dnsServers.length <= 3 && dnsServers.every((d) => IPV4.test(d)),
    "runner.dnsServers",
    "1 to 3 IPv4 addresses",
    r.dnsServers,
  );
  const timeoutMs = check.int("runner.timeoutMs", r.timeoutMs, 60_000, 3_600_000, 300_000);
  return { subnetAddressPrefix: r.subnetAddressPrefix, subnetName, natGatewayId: r.natGatewayId, image, dnsServers, timeoutMs };
}
