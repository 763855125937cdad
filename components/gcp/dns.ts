// TLS names. A server certificate from Cloud SQL's CAS-based CA (GOOGLE_MANAGED_CAS_CA) carries the instance's
// DNS name (`dnsName`); Google's own connectors verify that name, never an IP, and no Google source says the
// private IP is in the certificate. So every hop connects to the DNS name with verify-full, and each instance
// gets a private Cloud DNS zone in the VPC whose A record maps that name to its private IP (`privateDns`).
import * as pulumi from "@pulumi/pulumi";
import * as dns from "@pulumi/gcp/dns";
import type * as sql from "@pulumi/gcp/sql";
import type { GcpBuild } from "./context";
import { rfc1035Name } from "./names";

export interface InstanceDns {
  /** The name clients connect to and verify, without the trailing dot. */
  host: pulumi.Output<string>;
  zone?: dns.ManagedZone;
  record?: dns.RecordSet;
}

/** "abc.europe-west1.sql.goog." → "abc.europe-west1.sql.goog" (libpq compares without the root dot). */
export const hostOf = (dnsName: string): string => dnsName.replace(/\.$/, "");
const fqdn = (dnsName: string): string => (dnsName.endsWith(".") ? dnsName : `${dnsName}.`);

export function instanceDns(ctx: GcpBuild, role: string, instance: sql.DatabaseInstance): InstanceDns {
  const { name, settings } = ctx;
  const host = instance.dnsName.apply(hostOf);
  if (!settings.privateDns) return { host };
  const [zoneArgs, zoneOpts] = ctx.children.prepare("dnsZone", {
    project: settings.project,
    name: rfc1035Name(name, `${role}-sql`),
    dnsName: instance.dnsName.apply(fqdn),
    description: `Cloud SQL ${role} of ${name}: its DNS name in the VPC, for verify-full (visor-db-infra)`,
    visibility: "private",
    privateVisibilityConfig: { networks: [{ networkUrl: settings.network }] },
    labels: settings.base.tags,
  });
  const zone = new dns.ManagedZone(`${name}-${role}-dns`, zoneArgs, zoneOpts);
  const [recordArgs, recordOpts] = ctx.children.prepare("dnsRecord", {
    project: settings.project,
    managedZone: zone.name,
    name: zone.dnsName,
    type: "A",
    ttl: 300,
    rrdatas: [instance.privateIpAddress],
  });
  const record = new dns.RecordSet(`${name}-${role}-dns`, recordArgs, recordOpts);
  return { host, zone, record };
}
