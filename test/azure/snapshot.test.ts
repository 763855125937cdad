// Golden plans: what `pulumi up` would create for the default and an all-options configuration.
// Secrets appear as "[secret]"; a test below makes sure no password ever reaches a snapshot.
import { join } from "node:path";
import { test } from "node:test";
import { assertNoLeaks } from "../support/pulumi-mocks";
import { matchSnapshot } from "../support/snapshot";
import { MINIMAL, plan, settle, setupAzureMocks } from "./helpers";
setupAzureMocks();
import { AzureVisorDatabase } from "../../components/azure";

const dir = join(__dirname, "__snapshots__");

const assertNoSecrets = (name: string) =>
  assertNoLeaks(name, { "a password": "mock-password", "a SCRAM verifier": "SCRAM-SHA-256" });

test("default plan", async () => {
  const db = new AzureVisorDatabase("visor", MINIMAL);
  await settle(db);
  const p = plan("visor");
  assertNoSecrets("visor");
  matchSnapshot(join(dir, "default.json"), p);
});

test("all-options plan", async () => {
  const db = new AzureVisorDatabase("full", {
    ...MINIMAL,
    serverName: "visor-prod",
    engineVersion: "17",
    skuTier: "MemoryOptimized",
    skuName: "Standard_E4ds_v5",
    storageSizeGb: 256,
    storageAutoGrow: true,
    highAvailability: "ZoneRedundant",
    availabilityZone: "1",
    standbyAvailabilityZone: "2",
    administratorLogin: "pgadmin",
    entraAdmin: {
      objectId: "00000000-0000-0000-0000-0000000000aa",
      principalName: "visor-dbas",
      principalType: "Group",
      tenantId: "tenant-1",
    },
    retentionDays: 14,
    geoRedundantBackup: true,
    longTermRetention: { retentionDays: 90, vaultRedundancy: "GeoRedundant", softDeleteDays: 30, crossRegionRestore: true },
    replicas: [
      {},
      {
        location: "northeurope",
        delegatedSubnetId:
          "/subscriptions/0000/resourceGroups/net-ne/providers/Microsoft.Network/virtualNetworks/vnet-ne/subnets/postgres",
      },
    ],
    virtualEndpointName: "visor-prod-writer",
    pgbouncer: true,
    pool: { defaultPoolSize: 25, minPoolSize: 2, maxClientConn: 400 },
    // With replicas max_connections is at least Azure's default for E4ds_v5 (3437).
    tuning: { sharedBuffers: "4GB", maxConnections: 4000 },
    parameters: { log_min_duration_statement: "1000" },
    alerts: {
      actionGroupId: "/subscriptions/0000/resourceGroups/ops/providers/microsoft.insights/actionGroups/oncall",
      replicationLagSeconds: 30,
      memoryPercent: 85,
    },
    keyVault: { vaultName: "visor-kv", secretName: "visor-db" },
    bootstrap: { nodes: 3, rerunOnEveryUp: true, via: "runner" },
    runner: {
      subnetAddressPrefix: "10.20.3.0/28",
      subnetName: "snet-visor-runner",
      natGatewayId: "/subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/natGateways/nat-weu",
      image: "mcr.microsoft.com/devcontainers/javascript-node:22-bookworm",
      dnsServers: ["10.20.0.4"],
      timeoutMs: 600_000,
    },
    ha: { lockTtlSeconds: 60, heartbeatIntervalSeconds: 15 },
    tags: { env: "prod" },
  });
  await settle(db);
  const p = plan("full");
  assertNoSecrets("full");
  matchSnapshot(join(dir, "all-options.json"), p);
});
