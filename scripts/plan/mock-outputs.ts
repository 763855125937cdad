// Outputs a cloud would return, invented for the offline plan: enough for components to wire their
// children (endpoints, ARNs, ids); generated secrets come back as the plan's secret placeholder.
import type * as pulumi from "@pulumi/pulumi";
import { SECRET_PLACEHOLDER } from "./redaction";

export function mockOutputs(a: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const n = a.name;
  const host = `${n}.plan.invalid`;
  const common: Record<string, unknown> = {
    name: a.inputs.name ?? n,
    arn: `arn:plan:${a.type}:${n}`,
    address: host,
    endpoint: `${host}:5432`,
    readerEndpoint: `${n}-ro.plan.invalid`,
    dnsName: host,
    fullyQualifiedDomainName: host,
    privateIpAddress: "10.0.0.10",
    ipAddress: "10.0.0.11",
    connectionName: `plan:region:${n}`,
    selfLink: `https://plan.invalid/${n}`,
    identifier: a.inputs.identifier ?? n,
    port: a.inputs.port ?? 5432,
  };
  if (a.type.startsWith("random:")) {
    return {
      ...a.inputs,
      result: SECRET_PLACEHOLDER,
      base64: Buffer.alloc(Number(a.inputs.length ?? 16)).toString("base64"),
      hex: "00".repeat(Number(a.inputs.byteLength ?? 4)),
    };
  }
  if (a.type.startsWith("tls:")) {
    return {
      ...a.inputs,
      privateKeyPem: SECRET_PLACEHOLDER,
      certPem: "-----BEGIN CERTIFICATE-----\n(plan)\n-----END CERTIFICATE-----\n",
    };
  }
  if (a.type === "aws:rds/instance:Instance" && a.inputs.manageMasterUserPassword) {
    common.masterUserSecrets = [{ secretArn: `arn:plan:secretsmanager:${n}`, kmsKeyId: "plan", secretStatus: "active" }];
  }
  if (a.type === "aws:rds/cluster:Cluster" && a.inputs.manageMasterUserPassword) {
    common.masterUserSecrets = [{ secretArn: `arn:plan:secretsmanager:${n}`, kmsKeyId: "plan", secretStatus: "active" }];
  }
  return { ...common, ...a.inputs };
}
