// Tuning sized to the SKU (issue 18 #14) and the replica rules that depend on the size (#4, #7): the
// guide's ratios on the SKU's memory, max_connections never below Azure's default when replicas exist,
// replicas of the primary's tier and at least its compute.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MINIMAL, setupAzureMocks } from "./helpers";
setupAzureMocks();
import { params, refusal } from "./rules-support";
import { serverParameters, validateAzureArgs } from "../../components/azure";
import { replicaParameters } from "../../components/azure/parameters";
import { AZURE_SKU_MEMORY_GIB, azureDefaultMaxConnections } from "../../components/azure/skus";

const GiB = 1024 ** 3;

test("the guide's ratios on the SKU's memory: 25 % shared_buffers (Azure's own default above 2 GiB), 50 % effective_cache_size", () => {
  // Azure's documented shared_buffers defaults (8 kB pages): 8 GiB 262144, 16 GiB 524288, 32 GiB 1048576.
  for (const [skuTier, skuName, pages] of [
    ["GeneralPurpose", "Standard_D2ds_v5", 262_144],
    ["GeneralPurpose", "Standard_D4ds_v4", 524_288],
    ["MemoryOptimized", "Standard_E4ds_v5", 1_048_576],
  ] as const) {
    const p = params({ skuTier, skuName });
    assert.equal(p.shared_buffers, String(pages), skuName);
    assert.equal(p.effective_cache_size, String(pages * 2), skuName);
    assert.equal(p.work_mem, "4096", "the guide's per-query values do not scale");
    assert.equal(p.max_connections, "50", "without replicas the guide's 50");
  }
  // Burstable B2s (4 GiB, no HA, no PgBouncer there).
  const b = params({ skuTier: "Burstable", skuName: "Standard_B2s", highAvailability: "Disabled", pooler: "none" });
  assert.equal(b.shared_buffers, String((1 * GiB) / 8192));
  // An explicit value is kept.
  assert.equal(params({ tuning: { sharedBuffers: "1GB" } }).shared_buffers, String(GiB / 8192));
});

test("the SKU table: every size of each tier has memory; an unknown size is refused naming the tier's sizes", () => {
  assert.equal(AZURE_SKU_MEMORY_GIB.GeneralPurpose.Standard_D2ds_v5, 8);
  assert.equal(AZURE_SKU_MEMORY_GIB.GeneralPurpose.Standard_D96ds_v5, 384);
  assert.equal(AZURE_SKU_MEMORY_GIB.MemoryOptimized.Standard_E96ds_v5, 672);
  assert.equal(AZURE_SKU_MEMORY_GIB.MemoryOptimized.Standard_E64ds_v4, 504);
  assert.equal(AZURE_SKU_MEMORY_GIB.Burstable.Standard_B1ms, 2);
  assert.match(
    refusal({ skuName: "Standard_D3ds_v5" }),
    /^AzureVisorDatabase: skuName must be a size with known memory: Standard_D2ds_v4, .*in the GeneralPurpose tier\) \(got "Standard_D3ds_v5"\)$/,
  );
  assert.match(refusal({ skuTier: "MemoryOptimized", skuName: "Standard_D2ds_v5" }), /skuName must be a size with known memory/);
});

test("Azure's default max_connections by memory, as it provisions a server", () => {
  assert.deepEqual(
    [2, 4, 8, 16, 32, 48, 64, 672].map((g) => azureDefaultMaxConnections(g * GiB)),
    [50, 429, 859, 1718, 3437, 5000, 5000, 5000],
  );
});

test("with replicas max_connections is never below Azure's default for the primary's size (#4)", () => {
  assert.equal(params({ replicas: 1 }).max_connections, "859");
  assert.equal(params({ replicas: 1, skuTier: "MemoryOptimized", skuName: "Standard_E4ds_v5" }).max_connections, "3437");
  // Higher is fine; lower is refused with the reason, whether given as tuning or as a raw parameter.
  assert.equal(params({ replicas: 1, tuning: { maxConnections: 1000 } }).max_connections, "1000");
  const why =
    "at least 859 with replicas (Azure's default for Standard_D2ds_v5: a lower value stays pending on the primary " +
    "until a restart, a replica created meanwhile inherits it, and Azure needs every replica's max_connections ≥ the primary's)";
  assert.equal(
    refusal({ replicas: 1, tuning: { maxConnections: 100 } }),
    `AzureVisorDatabase: tuning.maxConnections must be ${why} (got 100)`,
  );
  assert.equal(
    refusal({ replicas: 1, parameters: { max_connections: "200" } }),
    `AzureVisorDatabase: parameters.max_connections must be ${why} (got 200)`,
  );
  assert.equal(
    refusal({ tuning: { maxConnections: 5001 } }),
    "AzureVisorDatabase: tuning.maxConnections must be at most 5000 on Azure (got 5001)",
  );
});

test("replicas get the primary's recovery parameters, the raw ones included (#7)", () => {
  const settings = validateAzureArgs({
    ...MINIMAL,
    replicas: 1,
    parameters: { max_worker_processes: "16", log_min_duration_statement: "1000" },
  });
  assert.deepEqual(replicaParameters(serverParameters(settings)), [
    ["max_connections", "859"],
    ["max_worker_processes", "16"],
  ]);
});

test("replicas: the primary's tier, at least its compute (#7)", () => {
  assert.equal(
    refusal({ replicas: [{ skuName: "Standard_D2ds_v5" }], skuName: "Standard_D4ds_v5" }),
    "AzureVisorDatabase: replicas[0].skuName must be a size with at least the primary's 4 vCores and 16 GiB " +
      "(Standard_D4ds_v5: Azure needs a replica's compute ≥ the primary's; scale replicas up first, the primary down first) (got \"Standard_D2ds_v5\")",
  );
  assert.equal(
    refusal({ replicas: [{ skuTier: "MemoryOptimized", skuName: "Standard_E4ds_v5" }] }),
    'AzureVisorDatabase: replicas[0].skuTier must be the primary\'s tier "GeneralPurpose" (Azure promotes a replica to primary only with the same tier and storage) (got "MemoryOptimized")',
  );
  const ok = validateAzureArgs({ ...MINIMAL, replicas: [{}, { skuName: "Standard_D8ds_v5" }] });
  assert.deepEqual(
    ok.replicas.map((r) => r.skuName),
    ["Standard_D2ds_v5", "Standard_D8ds_v5"],
  );
});
