// Shared by the Azure tests: Pulumi mocks that answer like Azure (names, FQDNs, virtual endpoints,
// the vault's identity), the minimal valid args, and a sanitised plan for golden snapshots.
import {
  byPrefix,
  isSecretInput,
  one,
  settleComponent as settle,
  setupMocks,
  unwrapSecret as unwrap,
  SECRET_SIG,
} from "../support/pulumi-mocks";

export { byPrefix, isSecretInput, one, settle, unwrap };

export const SUBNET = "/subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/postgres";
export const DNS_ZONE =
  "/subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/visor.postgres.database.azure.com";
export const MINIMAL = {
  resourceGroupName: "rg-visor",
  location: "westeurope",
  delegatedSubnetId: SUBNET,
  privateDnsZoneId: DNS_ZONE,
};

/** Per-test overrides of a resource's mocked outputs, by Pulumi name. */
export const outputOverrides: Record<string, Record<string, unknown>> = {};

/** The VNet the mocks answer `getVirtualNetwork` with: the server's subnet and one other. */
export const VNET = {
  addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
  subnets: [
    { name: "postgres", addressPrefix: "10.20.1.0/24" },
    { name: "apps", addressPrefix: "10.20.2.0/24" },
  ],
};

export function setupAzureMocks(): void {
  setupMocks(
    (a) => {
      const extra = outputOverrides[a.name] ?? {};
      switch (a.type) {
        case "random:index/randomPassword:RandomPassword":
          return { result: `mock-password-${a.name}`, ...extra };
        case "random:index/randomBytes:RandomBytes":
          return { base64: Buffer.alloc(16, 7).toString("base64"), ...extra };
        case "azure-native:dbforpostgresql:Server": {
          const n = (a.inputs.serverName as string | undefined) ?? a.name;
          return { name: n, fullyQualifiedDomainName: `${n}.postgres.database.azure.com`, ...extra };
        }
        case "azure-native:dbforpostgresql:VirtualEndpoint": {
          const n = (a.inputs.virtualEndpointName as string | undefined) ?? a.name;
          return {
            name: n,
            virtualEndpoints: [`${n}.reader.postgres.database.azure.com`, `${n}.writer.postgres.database.azure.com`],
            ...extra,
          };
        }
        case "azure-native:dataprotection:BackupVault":
          return { name: a.name, identity: { type: "SystemAssigned", principalId: `principal-${a.name}` }, ...extra };
        default:
          return { name: (a.inputs.name as string | undefined) ?? a.name, ...extra };
      }
    },
    (c) => (c.token === "azure-native:network:getVirtualNetwork" ? { name: c.inputs.virtualNetworkName, ...VNET } : undefined),
  );
}

/** Inputs with secrets as "[secret]", the dynamic provider's code and the smoke test's timestamp dropped. */
export function sanitise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sanitise);
  if (v && typeof v === "object") {
    if (SECRET_SIG in v) return "[secret]";
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== "__provider")
        .map(([k, x]) => [k, k === "trigger" ? "[timestamp]" : sanitise(x)]),
    );
  }
  return v;
}

/** The plan: sorted { type, name, inputs }, for matchSnapshot. */
export function plan(name: string): { type: string; name: string; inputs: unknown }[] {
  return byPrefix(name)
    .map((r) => ({ type: r.type, name: r.name, inputs: sanitise(r.inputs) }))
    .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type)));
}
