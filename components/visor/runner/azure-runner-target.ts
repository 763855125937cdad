// What `runner.azure` must hold, checked before anything is created: one clear message naming the field.
import type { AzureRunnerTarget } from "./contract";

const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const int = (v: unknown, min: number, max: number) =>
  v === undefined || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max);

export function azureRunnerTargetProblem(value: AzureRunnerTarget | undefined): string | undefined {
  const shape = "runner.azure must be an object { subscriptionId, resourceGroupName, location, subnetId, image }";
  if (typeof value !== "object" || value === null) return shape;
  const azure = value as unknown as Record<string, unknown>;
  if (typeof azure.subscriptionId !== "string" || !GUID.test(azure.subscriptionId))
    return `runner.azure.subscriptionId must be a subscription id (a GUID) (got ${JSON.stringify(azure.subscriptionId)})`;
  if (typeof azure.resourceGroupName !== "string" || !/^[-\w.()]{1,90}$/.test(azure.resourceGroupName))
    return `runner.azure.resourceGroupName must be a resource group name (1-90 characters) (got ${JSON.stringify(azure.resourceGroupName)})`;
  if (typeof azure.location !== "string" || !/^[a-z0-9]{2,40}$/.test(azure.location))
    return `runner.azure.location must be an Azure region name such as westeurope (got ${JSON.stringify(azure.location)})`;
  if (typeof azure.subnetId !== "string" || !SUBNET_ID.test(azure.subnetId))
    return `runner.azure.subnetId must be a subnet resource id (/subscriptions/…/virtualNetworks/…/subnets/…) (got ${JSON.stringify(azure.subnetId)})`;
  if (typeof azure.image !== "string" || azure.image.trim() === "" || /\s/.test(azure.image))
    return `runner.azure.image must be a container image reference such as mcr.microsoft.com/…:tag (got ${JSON.stringify(azure.image)})`;
  const dns = azure.dnsServers;
  if (dns !== undefined && (!Array.isArray(dns) || dns.length > 3 || !dns.every((d) => typeof d === "string" && IPV4.test(d))))
    return `runner.azure.dnsServers must be 1 to 3 IPv4 addresses (got ${JSON.stringify(dns)})`;
  if (azure.endpoint !== undefined && (typeof azure.endpoint !== "string" || !/^https:\/\/[^\s/]+\/?$/.test(azure.endpoint)))
    return `runner.azure.endpoint must be an https:// origin such as https://management.azure.com (got ${JSON.stringify(azure.endpoint)})`;
  if (azure.endpointCa !== undefined && (typeof azure.endpointCa !== "string" || !azure.endpointCa.includes("BEGIN CERTIFICATE")))
    return "runner.azure.endpointCa must be a PEM certificate";
  const retry = azure.retry as { attempts?: unknown; delayMs?: unknown } | undefined;
  if (retry !== undefined && (typeof retry !== "object" || !int(retry.attempts, 1, 200) || !int(retry.delayMs, 0, 60_000)))
    return "runner.azure.retry.attempts must be an integer from 1 to 200 and retry.delayMs from 0 to 60000";
  if (!int(azure.timeoutMs, 1000, 3_600_000)) return "runner.azure.timeoutMs must be an integer from 1000 to 3600000";
  if (!int(azure.pollIntervalMs, 50, 60_000)) return "runner.azure.pollIntervalMs must be an integer from 50 to 60000";
  return undefined;
}
