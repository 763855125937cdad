// TLS from Visor to a PgBouncer we run (AWS ECS, GCP VMs): a key and a self-signed certificate naming the
// pooler's load-balancer address, made by @pulumi/tls. Clients verify it with `verify-full`, trusting this
// certificate itself (`ssl.ca` = its PEM), so no public CA is involved and nothing leaves the VPC.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { SharedChildTransforms } from "./args";
import type { Children } from "./children";

export interface PoolerTlsArgs {
  /** DNS names the pooler is reached by (e.g. the NLB's DNS name). */
  dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** IP addresses the pooler is reached by (e.g. an internal load balancer's IP). */
  ipAddresses?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface PoolerTls {
  key: tls.PrivateKey;
  certificate: tls.SelfSignedCert;
  /** Secret: the PEM private key, for the pooler only. */
  keyPem: pulumi.Output<string>;
  /** The certificate (PEM): PgBouncer's `client_tls_cert_file`, and the `ssl.ca` clients trust. */
  certPem: pulumi.Output<string>;
}

/** Ten years, renewed by `pulumi up` in the last 30 days. */
const VALIDITY_HOURS = 24 * 365 * 10;
const EARLY_RENEWAL_HOURS = 24 * 30;

export function poolerTlsCertificate(children: Children<SharedChildTransforms>, args: PoolerTlsArgs): PoolerTls {
  const name = children.name;
  const key = new tls.PrivateKey(
    `${name}-pooler-tls-key`,
    ...children.prepare("poolerTlsKey", { algorithm: "ECDSA", ecdsaCurve: "P256" }),
  );
  const certificate = new tls.SelfSignedCert(
    `${name}-pooler-tls-cert`,
    ...children.prepare("poolerTlsCertificate", {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: "visor-pgbouncer", organization: "visor-db-infra" },
      dnsNames: args.dnsNames,
      ipAddresses: args.ipAddresses,
      // Its own trust anchor: clients put this very certificate in ssl.ca.
      isCaCertificate: true,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth", "cert_signing"],
      validityPeriodHours: VALIDITY_HOURS,
      earlyRenewalHours: EARLY_RENEWAL_HOURS,
    }),
  );
  return { key, certificate, keyPem: pulumi.secret(key.privateKeyPem), certPem: certificate.certPem };
}
