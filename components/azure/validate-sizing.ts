// The compute size and what depends on it: the SKU's memory (the tuning defaults are sized from it) and
// max_connections inside Azure's range — with replicas never below Azure's own default for the SKU, so a
// lowered static value cannot sit pending on the primary while Azure creates a replica from it.
import type { Validator } from "../shared/validation";
import type { AzureSkuTier, AzureVisorDatabaseArgs } from "./args";
import { DEFAULT_SKU, SKU_TIERS } from "./defaults";
import { AZURE_MAX_CONNECTIONS, azureDefaultMaxConnections, computeOf, type AzureCompute } from "./skus";

export interface AzureSku {
  skuTier: AzureSkuTier;
  skuName: string;
  compute: AzureCompute;
}

export function resolveSku(check: Validator, args: AzureVisorDatabaseArgs): AzureSku {
  const skuTier = check.oneOf("skuTier", args.skuTier, SKU_TIERS, "GeneralPurpose");
  const skuName = check.nonEmpty("skuName", args.skuName, DEFAULT_SKU[skuTier]);
  check.require(/^Standard_[A-Za-z0-9_]+$/.test(skuName), "skuName", 'an Azure compute size such as "Standard_D2ds_v5"', skuName);
  const burstableName = /^Standard_B/.test(skuName);
  check.require(
    burstableName === (skuTier === "Burstable"),
    "skuName",
    `a ${skuTier} size (Standard_B* sizes are exactly the Burstable tier)`,
    skuName,
  );
  return { skuTier, skuName, compute: computeOf(check, "skuName", skuTier, skuName) };
}

/**
 * The max_connections floor for the tuning basis (0 without replicas), after refusing an explicit value
 * (tuning.maxConnections or parameters.max_connections) outside Azure's range or below that floor.
 */
export function maxConnectionsFloor(check: Validator, args: AzureVisorDatabaseArgs, sku: AzureSku, replicaCount: number): number {
  const floor = replicaCount > 0 ? azureDefaultMaxConnections(sku.compute.memoryBytes) : 0;
  const raw = args.parameters?.max_connections;
  const explicit = args.tuning?.maxConnections ?? (raw !== undefined && /^\d+$/.test(String(raw)) ? Number(raw) : undefined);
  if (explicit === undefined || typeof explicit !== "number") return floor;
  const field = args.tuning?.maxConnections !== undefined ? "tuning.maxConnections" : "parameters.max_connections";
  check.require(
    explicit >= AZURE_MAX_CONNECTIONS.min,
    field,
    `at least ${AZURE_MAX_CONNECTIONS.min} on Azure (it reserves connections for its own agents)`,
    explicit,
  );
  check.require(explicit <= AZURE_MAX_CONNECTIONS.max, field, `at most ${AZURE_MAX_CONNECTIONS.max} on Azure`, explicit);
  check.require(
    explicit >= floor,
    field,
    `at least ${floor} with replicas (Azure's default for ${sku.skuName}: a lower value stays pending on the ` +
      `primary until a restart, a replica created meanwhile inherits it, and Azure needs every replica's ` +
      `max_connections ≥ the primary's)`,
    explicit,
  );
  return floor;
}
