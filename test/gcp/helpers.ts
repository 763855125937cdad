// Shared fixtures for the GcpVisorDatabase tests: provider-like mock outputs, the minimal args, and a plan view
// (type, name, inputs) with secrets redacted for golden snapshots.
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import type { GcpVisorDatabaseArgs } from "../../components/gcp";
import { assertNoLeaks, isSecretInput, registered, unwrapSecret as reveal, type Registered } from "../support/pulumi-mocks";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { isSecretInput, reveal };

export const REGION = "europe-west1";
export const NETWORK = "projects/acme/global/networks/visor-vpc";
export const SUBNET = "projects/acme/regions/europe-west1/subnetworks/visor-subnet";
export const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB-test-ca\n-----END CERTIFICATE-----";
/** The PgBouncer load balancer's reserved internal IP. */
export const POOLER_IP = "10.20.0.100";
/** What the mocked @pulumi/tls key and certificate resolve to: the key must never appear in a snapshot. */
export const POOLER_KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nMHc-fake-pooler-key\n-----END EC PRIVATE KEY-----\n";
export const POOLER_CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIB-fake-pooler-cert\n-----END CERTIFICATE-----\n";

/**
 * The tests' base: `bootstrap.via: "direct"` (merged into any other bootstrap settings; `false` stays off) plans
 * exactly what the component planned before the runner (the golden plans prove it); test/gcp/component-runner.test.ts
 * and the "runner" golden plan cover the default, the runner job.
 */
export function viaDirect(args: GcpVisorDatabaseArgs): GcpVisorDatabaseArgs {
  if (args.bootstrap === false) return args;
  const settings = typeof args.bootstrap === "object" && args.bootstrap !== null ? args.bootstrap : {};
  return { ...args, bootstrap: { via: "direct", ...settings } };
}

/** What each mocked password resolves to: never allowed to appear in a snapshot. */
export const passwordFor = (name: string) => `pw${name.replace(/[^a-zA-Z0-9]/g, "")}0123456789abcdef`;

/** The DNS name Cloud SQL gives an instance (CAS mode): `<uid>.<region>.sql.goog.`, here from the resource name. */
export const dnsNameFor = (resourceName: string, region = REGION) => `${resourceName}.${region}.sql.goog.`;

/** Deterministic private IPs: the primary .2, replica n .(10+n). */
function privateIp(name: string): string {
  const m = /-replica-(\d+)$/.exec(name);
  return `10.10.0.${m ? 10 + Number(m[1]) : 2}`;
}

/** mockOutputs plus what the runner's tests read back: bucket and job names, secret ids and versions. */
export function runnerMockOutputs(a: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const i = a.inputs as Record<string, unknown>;
  if (a.type === "gcp:storage/bucket:Bucket") return { name: `${a.name}-5e1f` };
  if (a.type === "gcp:cloudrunv2/job:Job") return { project: "acme", name: i.name };
  if (a.type === "gcp:secretmanager/secretVersion:SecretVersion") return { version: "1" };
  if (a.type === "gcp:secretmanager/secret:Secret") return { secretId: i.secretId, name: `projects/acme/secrets/${i.secretId}` };
  return mockOutputs(a);
}

/** Outputs a real provider would compute, keyed by resource type. */
export function mockOutputs(a: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const i = a.inputs as Record<string, unknown>;
  switch (a.type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: passwordFor(a.name) };
    case "random:index/randomBytes:RandomBytes":
      return { base64: Buffer.alloc(16, 7).toString("base64"), hex: "07".repeat(16) };
    case "random:index/randomId:RandomId":
      return { hex: "a1b2c3", b64Url: "obLD" };
    case "gcp:sql/databaseInstance:DatabaseInstance":
      return {
        project: i.project ?? "acme",
        privateIpAddress: privateIp(a.name),
        dnsName: dnsNameFor(a.name, String(i.region ?? REGION)),
        connectionName: `${i.project ?? "acme"}:${i.region}:${i.name}`,
        serverCaCerts: [{ cert: CA_PEM }],
      };
    case "gcp:compute/globalAddress:GlobalAddress":
      return { name: i.name ?? `${a.name}-9f8e7d6` };
    case "gcp:compute/address:Address":
      return { address: POOLER_IP };
    case "gcp:compute/forwardingRule:ForwardingRule":
      return { ipAddress: i.ipAddress ?? POOLER_IP };
    case "tls:index/privateKey:PrivateKey":
      return { privateKeyPem: POOLER_KEY_PEM, publicKeyPem: "-----BEGIN PUBLIC KEY-----\nfake\n-----END PUBLIC KEY-----\n" };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { certPem: POOLER_CERT_PEM };
    case "gcp:secretmanager/secret:Secret":
      return { project: i.project ?? "acme", name: `projects/acme/secrets/${i.secretId}` };
    case "gcp:secretmanager/secretVersion:SecretVersion":
      return { name: `projects/acme/secrets/${a.name}/versions/1` };
    case "gcp:serviceaccount/account:Account":
      return {
        email: `${i.accountId}@acme.iam.gserviceaccount.com`,
        member: `serviceAccount:${i.accountId}@acme.iam.gserviceaccount.com`,
      };
    case "gcp:compute/instanceTemplate:InstanceTemplate":
      return {
        selfLinkUnique: `https://www.googleapis.com/compute/v1/projects/acme/global/instanceTemplates/${a.name}?uniqueId=1`,
      };
    case "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":
      return {
        name: i.name ?? `${a.name}-5e6f7a8`,
        instanceGroup: `https://www.googleapis.com/compute/v1/projects/acme/regions/${REGION}/instanceGroups/${a.name}`,
      };
    case "gcp:backupdisasterrecovery/backupVault:BackupVault":
      return { name: `projects/acme/locations/${i.location}/backupVaults/${i.backupVaultId}` };
    case "gcp:backupdisasterrecovery/backupPlan:BackupPlan":
      return { name: `projects/acme/locations/${i.location}/backupPlans/${i.backupPlanId}` };
    default:
      return {};
  }
}

/** The resources one component registered (each test uses its own component name). */
export function ofComponent(name: string): Registered[] {
  return registered.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
}

export function only(name: string, type: string, resourceName?: string): Registered {
  const found = ofComponent(name).filter((r) => r.type === type && (resourceName === undefined || r.name === resourceName));
  assert.equal(
    found.length,
    1,
    `expected one ${type}${resourceName ? ` named ${resourceName}` : ""} for ${name}, found ${found.length}`,
  );
  return found[0]!;
}

export function all(name: string, type: string): Registered[] {
  return ofComponent(name).filter((r) => r.type === type);
}

/** Waits until Pulumi's mocks have registered everything queued so far. */
export async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

// Also redacted by name, in case a secret ever arrives unmarked.
const SECRET_KEYS = new Set(["password", "secretData", "connection", "poolerConnection", "result", "privateKeyPem"]);

// VisorHaSmokeTest's `trigger` is the time of each `pulumi up` (rerunOnEveryUp).
const volatile = (k: string, v: unknown) => k === "trigger" && typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v);

// The admin connection's CA file is under this machine's temporary directory (app-role.ts SERVER_CA_DIR; not
// imported, so nothing of the component loads before the mocks are set up).
const SERVER_CA_DIR = join(tmpdir(), "visor-db-infra");
const machinePath = (v: unknown) => typeof v === "string" && v.startsWith(SERVER_CA_DIR);

function redact(v: unknown): unknown {
  if (isSecretInput(v)) return "[secret]";
  if (machinePath(v)) return `$TMPDIR/visor-db-infra${(v as string).slice(SERVER_CA_DIR.length)}`;
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k]) => k !== "__provider")
        .map(([k, x]) => [k, SECRET_KEYS.has(k) && x !== undefined ? "[secret]" : volatile(k, x) ? "[timestamp]" : redact(x)]),
    );
  }
  return v;
}

/** The plan a snapshot records: sorted { type, name, inputs } with secret values replaced by "[secret]". */
export function plan(name: string): { type: string; name: string; inputs: unknown }[] {
  const rows = ofComponent(name)
    .map((r) => ({ type: r.type, name: r.name, inputs: redact(r.inputs) }))
    .sort((a, b) => (a.type + a.name).localeCompare(b.type + b.name));
  const passwords = ofComponent(name).filter((r) => r.type === "random:index/randomPassword:RandomPassword");
  assertNoLeaks(name, {
    ...Object.fromEntries(passwords.map((r) => [`the password of ${r.name}`, passwordFor(r.name)])),
    "a private key": "PRIVATE KEY",
  });
  return rows;
}
