// The guide's "Connection Pooling with PgBouncer" for `pooler: "pgbouncer"`: PgBouncer containers on a regional
// managed instance group (Container-Optimized OS, auto-healed, spread over zones) behind an internal passthrough
// TCP load balancer on port 6432, configured by our renderer. (`pooler: "managed"` is a setting on the instance,
// see instance.ts.)
//
// Authentication, as on AWS: Visor's role is created by SQL with the SCRAM verifier appCredentials() computes
// (app-role.ts), so the userlist holds that same verifier and SCRAM passes through PgBouncer to Cloud SQL; the plain
// password is never in PgBouncer's files. The whole file set is a secret, lives only in Secret Manager (readable by
// the pooler's service account alone) and in 0600 files on the VMs.
//
// TLS, client side: the load balancer's internal IP is reserved first (a static `compute.Address`), so the pooler's
// self-signed certificate (shared poolerTlsCertificate()) can name it before any VM exists; key and certificate
// travel in the same secret as the ini, and PgBouncer requires TLS from clients (`client_tls_sslmode = require`).
// Clients verify-full against that certificate. Order: address → certificate → config secret → template → group →
// backend → forwarding rule (on the reserved address); nothing loops back.
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/gcp/compute";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import type { AppCredentials } from "../shared/app-credentials";
import type { Endpoint } from "../shared/args";
import { renderPooledConfig } from "../shared/pgbouncer-files";
import { poolerTlsCertificate, type PoolerTls } from "../shared/pooler-tls";
import { secretIdFor } from "./credentials";
import {
  CLIENT_TLS_CERT_FILE,
  CLIENT_TLS_KEY_FILE,
  PGBOUNCER_PORT,
  pgbouncerCloudInit,
  pgbouncerPayload,
  type PgBouncerFiles,
} from "./pgbouncer-vm";
import type { GcpBuild } from "./context";
import { HEALTH_CHECK_RANGES } from "./defaults";
import { computeName, rfc1035Name } from "./names";
import type { ResolvedGcp } from "./resolved";

export interface PgBouncerPool {
  endpoint: pulumi.Output<Endpoint>;
  /** The load balancer's reserved internal IP. */
  address: compute.Address;
  /** PgBouncer's TLS key and self-signed certificate naming `address`. */
  tls: PoolerTls;
  configSecret: secretmanager.Secret;
  configSecretVersion: secretmanager.SecretVersion;
  serviceAccount: serviceaccount.Account;
  secretAccess: secretmanager.SecretIamMember;
  template: compute.InstanceTemplate;
  healthCheck: compute.RegionHealthCheck;
  group: compute.RegionInstanceGroupManager;
  backend: compute.RegionBackendService;
  forwardingRule: compute.ForwardingRule;
  firewall: compute.Firewall;
  healthCheckFirewall: compute.Firewall;
  /** Secret: { ini, userlist, serverCa, tlsKey, tlsCert } as written to the VMs. */
  files: pulumi.Output<PgBouncerFiles>;
  /** The group's VMs are named `<vmPrefix>-<random>`. */
  vmPrefix: string;
}

/**
 * pgbouncer.ini and userlist.txt from the shared renderer (TLS required from clients, with `tls`' key and
 * certificate); the userlist holds the app role's SCRAM verifier (see the file comment).
 */
export function pgbouncerFiles(
  settings: ResolvedGcp,
  writer: pulumi.Output<Endpoint>,
  creds: AppCredentials,
  serverCa: pulumi.Output<string>,
  tls: Pick<PoolerTls, "keyPem" | "certPem">,
): pulumi.Output<PgBouncerFiles> {
  const rendered = renderPooledConfig({
    writerHost: writer.host,
    writerPort: writer.port,
    verifier: creds.verifier,
    settings: settings.base,
    serverCaFile: "/etc/pgbouncer/server-ca.pem",
    serverSslMode: "verify-full",
    clientTls: { keyFile: CLIENT_TLS_KEY_FILE, certFile: CLIENT_TLS_CERT_FILE },
  });
  return pulumi.secret(
    pulumi.all([rendered, serverCa, tls.keyPem, tls.certPem]).apply(([files, ca, key, cert]) => ({
      ini: files.ini,
      userlist: files.userlist,
      serverCa: ca,
      tlsKey: key,
      tlsCert: cert,
    })),
  );
}

export function pgbouncerPool(
  ctx: GcpBuild,
  c: { writer: pulumi.Output<Endpoint>; creds: AppCredentials; serverCa: pulumi.Output<string>; dependsOn: pulumi.Resource[] },
): PgBouncerPool {
  const { name, settings } = ctx;
  const vm = settings.pgbouncer;
  // Network tags, template prefixes and base instance names are RFC 1035 labels: they start with a letter.
  const tag = rfc1035Name(name, "pgbouncer");
  const vmPrefix = rfc1035Name(name, "pgbouncer", 50);

  // The load balancer's IP, reserved before anything else so the certificate can name it (see the file comment).
  const [adArgs, adOpts] = ctx.children.prepare("poolerAddress", {
    name: computeName(name, "pgbouncer"),
    project: settings.project,
    region: settings.region,
    subnetwork: vm.subnetwork,
    addressType: "INTERNAL",
    purpose: "GCE_ENDPOINT",
    labels: settings.base.tags,
    description: "PgBouncer's internal load balancer (visor-db-infra)",
  });
  const address = new compute.Address(`${name}-pgbouncer`, adArgs, adOpts);
  const tls = poolerTlsCertificate(ctx.children, { ipAddresses: [address.address] });
  const files = pgbouncerFiles(settings, c.writer, c.creds, c.serverCa, tls);

  const [secArgs, secOpts] = ctx.children.prepare("poolerConfigSecret", {
    project: settings.project,
    secretId: secretIdFor(name, "pgbouncer-config"),
    replication: { auto: {} },
    labels: settings.base.tags,
  });
  const configSecret = new secretmanager.Secret(`${name}-pgbouncer-config`, secArgs, secOpts);
  const [verArgs, verOpts] = ctx.children.prepare(
    "poolerConfigSecretVersion",
    { secret: configSecret.id, secretData: pulumi.secret(files.apply(pgbouncerPayload)) },
    { additionalSecretOutputs: ["secretData"] },
  );
  const configSecretVersion = new secretmanager.SecretVersion(`${name}-pgbouncer-config`, verArgs, verOpts);

  // A dedicated identity that can read this one secret and nothing else.
  const [saArgs, saOpts] = ctx.children.prepare("poolerServiceAccount", {
    project: settings.project,
    accountId: serviceAccountId(name),
    displayName: `PgBouncer for ${name} (visor-db-infra)`,
  });
  const serviceAccount = new serviceaccount.Account(`${name}-pgbouncer`, saArgs, saOpts);
  const [accArgs, accOpts] = ctx.children.prepare("poolerSecretAccess", {
    project: configSecret.project,
    secretId: configSecret.secretId,
    role: "roles/secretmanager.secretAccessor",
    member: serviceAccount.member,
  });
  const secretAccess = new secretmanager.SecretIamMember(`${name}-pgbouncer-secret-access`, accArgs, accOpts);

  const [tplArgs, tplOpts] = ctx.children.prepare(
    "poolerTemplate",
    {
      project: settings.project,
      namePrefix: `${rfc1035Name(name, "pgbouncer", 30)}-`,
      machineType: vm.machineType,
      tags: [tag],
      labels: settings.base.tags,
      disks: [{ boot: true, autoDelete: true, sourceImage: vm.osImage, diskSizeGb: 10, diskType: "pd-balanced" }],
      // No external IP: image pulls and Secret Manager go through Cloud NAT / Private Google Access.
      networkInterfaces: [{ network: settings.network, subnetwork: vm.subnetwork }],
      serviceAccount: { email: serviceAccount.email, scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
      shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
      metadata: {
        "user-data": pgbouncerCloudInit({ image: vm.image, runAs: vm.runAs }),
        // The version name, not its data: a new config version changes the template and rolls the group.
        "visor-pgbouncer-secret": configSecretVersion.name,
        "google-logging-enabled": "true",
        "block-project-ssh-keys": "true",
        "enable-oslogin": "TRUE",
      },
    },
    // A template cannot change in place; create the new one before the group moves off the old one.
    { dependsOn: [secretAccess] },
  );
  const template = new compute.InstanceTemplate(`${name}-pgbouncer`, tplArgs, tplOpts);

  const [hcArgs, hcOpts] = ctx.children.prepare("poolerHealthCheck", {
    name: computeName(name, "pgbouncer"),
    project: settings.project,
    region: settings.region,
    tcpHealthCheck: { port: PGBOUNCER_PORT },
    checkIntervalSec: 5,
    timeoutSec: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
  });
  const healthCheck = new compute.RegionHealthCheck(`${name}-pgbouncer`, hcArgs, hcOpts);

  const [fwArgs, fwOpts] = ctx.children.prepare("poolerFirewall", {
    name: computeName(name, "pgbouncer-clients"),
    project: settings.project,
    network: settings.network,
    direction: "INGRESS",
    allows: [{ protocol: "tcp", ports: [String(PGBOUNCER_PORT)] }],
    sourceRanges: vm.allowedSourceRanges,
    targetTags: [tag],
    description: "Visor clients to PgBouncer (visor-db-infra)",
  });
  const firewall = new compute.Firewall(`${name}-pgbouncer-clients`, fwArgs, fwOpts);
  const [hfArgs, hfOpts] = ctx.children.prepare("poolerHealthCheckFirewall", {
    name: computeName(name, "pgbouncer-health-checks"),
    project: settings.project,
    network: settings.network,
    direction: "INGRESS",
    allows: [{ protocol: "tcp", ports: [String(PGBOUNCER_PORT)] }],
    sourceRanges: HEALTH_CHECK_RANGES,
    targetTags: [tag],
    description: "Google health checks to PgBouncer (visor-db-infra)",
  });
  const healthCheckFirewall = new compute.Firewall(`${name}-pgbouncer-health-checks`, hfArgs, hfOpts);

  const [grpArgs, grpOpts] = ctx.children.prepare(
    "poolerGroup",
    {
      name: computeName(name, "pgbouncer"),
      project: settings.project,
      region: settings.region,
      baseInstanceName: vmPrefix,
      versions: [{ name: "pgbouncer", instanceTemplate: template.selfLinkUnique }],
      targetSize: vm.instances,
      autoHealingPolicies: { healthCheck: healthCheck.id, initialDelaySec: 180 },
      // Roll new configs without losing capacity: surge one VM per zone, never take one away first.
      updatePolicy: {
        type: "PROACTIVE",
        minimalAction: "REPLACE",
        maxSurgeFixed: 3,
        maxUnavailableFixed: 0,
        replacementMethod: "SUBSTITUTE",
      },
      waitForInstances: true,
      waitForInstancesStatus: "STABLE",
    },
    { dependsOn: [...c.dependsOn, firewall, healthCheckFirewall] },
  );
  const group = new compute.RegionInstanceGroupManager(`${name}-pgbouncer`, grpArgs, grpOpts);

  const [beArgs, beOpts] = ctx.children.prepare("poolerBackend", {
    name: computeName(name, "pgbouncer"),
    project: settings.project,
    region: settings.region,
    loadBalancingScheme: "INTERNAL",
    protocol: "TCP",
    healthChecks: healthCheck.id,
    backends: [{ group: group.instanceGroup, balancingMode: "CONNECTION" }],
    // PgBouncer sessions are long-lived; let them finish on a VM being replaced.
    connectionDrainingTimeoutSec: 300,
  });
  const backend = new compute.RegionBackendService(`${name}-pgbouncer`, beArgs, beOpts);

  const [frArgs, frOpts] = ctx.children.prepare("poolerForwardingRule", {
    name: computeName(name, "pgbouncer"),
    project: settings.project,
    region: settings.region,
    loadBalancingScheme: "INTERNAL",
    // The reserved address the certificate names.
    ipAddress: address.address,
    ipProtocol: "TCP",
    ports: [String(PGBOUNCER_PORT)],
    backendService: backend.id,
    network: settings.network,
    subnetwork: vm.subnetwork,
    labels: settings.base.tags,
  });
  const forwardingRule = new compute.ForwardingRule(`${name}-pgbouncer`, frArgs, frOpts);

  const endpoint = pulumi.output({ host: forwardingRule.ipAddress, port: PGBOUNCER_PORT });
  return {
    endpoint,
    address,
    tls,
    configSecret,
    configSecretVersion,
    serviceAccount,
    secretAccess,
    template,
    healthCheck,
    group,
    backend,
    forwardingRule,
    firewall,
    healthCheckFirewall,
    files,
    vmPrefix,
  };
}

/** Service account ids: 6–30 characters, [a-z0-9-], starting with a letter. */
export function serviceAccountId(name: string): string {
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "");
  const head = stem.slice(0, 20).replace(/-+$/, "");
  return `${head || "visor"}-pgbouncer`;
}
