// Shared by the GcpVisorDatabase component tests: resource type tokens, a constructor with the minimal args, and
// readers for Cloud SQL settings. Import after setupMocks(), which must run before the component loads.
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { resolve } from "../support/pulumi-mocks";
import { GcpVisorDatabase, type GcpVisorDatabaseArgs } from "../../components/gcp";
import { NETWORK, REGION } from "./helpers";

export const T = {
  instance: "gcp:sql/databaseInstance:DatabaseInstance",
  database: "gcp:sql/database:Database",
  user: "gcp:sql/user:User",
  range: "gcp:compute/globalAddress:GlobalAddress",
  psa: "gcp:servicenetworking/connection:Connection",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  alert: "gcp:monitoring/alertPolicy:AlertPolicy",
  iamMember: "gcp:projects/iAMMember:IAMMember",
  schema: "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema",
  smoke: "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  group: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  healthCheck: "gcp:compute/regionHealthCheck:RegionHealthCheck",
  backend: "gcp:compute/regionBackendService:RegionBackendService",
  forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
  firewall: "gcp:compute/firewall:Firewall",
  serviceAccount: "gcp:serviceaccount/account:Account",
  secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
  address: "gcp:compute/address:Address",
  tlsKey: "tls:index/privateKey:PrivateKey",
  tlsCert: "tls:index/selfSignedCert:SelfSignedCert",
  backupVault: "gcp:backupdisasterrecovery/backupVault:BackupVault",
  backupPlan: "gcp:backupdisasterrecovery/backupPlan:BackupPlan",
  backupPlanAssociation: "gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation",
  dnsZone: "gcp:dns/managedZone:ManagedZone",
  dnsRecord: "gcp:dns/recordSet:RecordSet",
};
export const KEY_W1 = "projects/acme/locations/europe-west1/keyRings/visor/cryptoKeys/disk";
export const KEY_W4 = "projects/acme/locations/europe-west4/keyRings/visor/cryptoKeys/disk";

export type Obj = Record<string, unknown>;
export const settingsOf = (r: { inputs: Obj }) => r.inputs.settings as Obj;
export const flagsOf = (r: { inputs: Obj }) =>
  Object.fromEntries((settingsOf(r).databaseFlags as { name: string; value: string }[]).map((f) => [f.name, f.value]));

export function make(name: string, extra: Partial<GcpVisorDatabaseArgs> = {}): GcpVisorDatabase {
  return new GcpVisorDatabase(name, { region: REGION, network: NETWORK, ...extra });
}

/** Every child in `resources` has the component as its parent (URN type chain). */
export async function assertParented(db: GcpVisorDatabase): Promise<number> {
  const children = Object.values(db.resources)
    .flat()
    .filter((x): x is pulumi.Resource => !!x && typeof x === "object" && "urn" in x);
  for (const c of children) {
    const { value: urn } = await resolve(c.urn);
    assert.ok(urn.includes("::visor-db-infra:index:GcpVisorDatabase$"), `${urn} is not a child of the component`);
  }
  return children.length;
}
