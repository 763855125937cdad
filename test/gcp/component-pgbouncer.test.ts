// GcpVisorDatabase under Pulumi's mocks, the PgBouncer pooler: VMs behind an internal load balancer, its TLS and
// config secret, its options and transform hooks.
import { setupMocks, resolve } from "../support/pulumi-mocks";
import {
  mockOutputs,
  CA_PEM,
  NETWORK,
  POOLER_CERT_PEM,
  POOLER_IP,
  POOLER_KEY_PEM,
  REGION,
  SUBNET,
  isSecretInput,
  ofComponent,
  only,
  passwordFor,
  reveal,
  settle,
} from "./helpers";
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { test } from "node:test";
import { T, type Obj, make, assertParented } from "./component-fixtures";

test("pooler pgbouncer: MIG on Container-Optimized OS behind an internal TCP load balancer, config from the renderer", async () => {
  const db = make("pgb", { pooler: "pgbouncer", pgbouncer: { subnetwork: SUBNET } });
  await settle();
  assert.equal(db.pooler, "pgbouncer");
  assert.deepEqual((await resolve(db.poolerEndpoint)).value, { host: POOLER_IP, port: 6432 });

  // TLS to PgBouncer: a static internal address reserved first, a self-signed certificate naming it, the forwarding
  // rule on that same address.
  const address = only("pgb", T.address);
  assert.deepEqual(
    {
      type: address.inputs.addressType,
      purpose: address.inputs.purpose,
      subnet: address.inputs.subnetwork,
      region: address.inputs.region,
    },
    { type: "INTERNAL", purpose: "GCE_ENDPOINT", subnet: SUBNET, region: REGION },
  );
  const key = only("pgb", T.tlsKey);
  assert.deepEqual({ algorithm: key.inputs.algorithm, curve: key.inputs.ecdsaCurve }, { algorithm: "ECDSA", curve: "P256" });
  const cert = only("pgb", T.tlsCert);
  assert.deepEqual(cert.inputs.ipAddresses, [POOLER_IP], "the certificate names the load balancer's IP");
  assert.equal(cert.inputs.isCaCertificate, true);
  assert.equal(cert.inputs.earlyRenewalHours, 24 * 30);
  assert.equal((await resolve(db.poolerCaPem)).value, POOLER_CERT_PEM);
  assert.equal((await resolve(db.resources.poolerTlsKey!.privateKeyPem)).value, POOLER_KEY_PEM);
  // Outside @pulumi/tls's own resources (whose privateKeyPem the provider marks secret), the key only ever appears
  // inside secret values: never in a plain input of any child.
  const plainParts = (v: unknown): unknown =>
    isSecretInput(v)
      ? "[secret]"
      : Array.isArray(v)
        ? v.map(plainParts)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, plainParts(x)]))
          : v;
  for (const child of ofComponent("pgb").filter((x) => !x.type.startsWith("tls:"))) {
    assert.ok(!JSON.stringify(plainParts(child.inputs)).includes("fake-pooler-key"), `the TLS key is plain in ${child.name}`);
  }

  const sa = only("pgb", T.serviceAccount);
  assert.equal(sa.inputs.accountId, "pgb-pgbouncer");
  const access = only("pgb", T.secretIam);
  assert.deepEqual(
    { role: access.inputs.role, member: access.inputs.member, secretId: access.inputs.secretId },
    {
      role: "roles/secretmanager.secretAccessor",
      member: "serviceAccount:pgb-pgbouncer@acme.iam.gserviceaccount.com",
      secretId: "pgb-pgbouncer-config",
    },
  );

  const tpl = only("pgb", T.template);
  assert.equal(tpl.inputs.machineType, "e2-small");
  assert.deepEqual(tpl.inputs.disks, [
    { boot: true, autoDelete: true, sourceImage: "cos-cloud/cos-stable", diskSizeGb: 10, diskType: "pd-balanced" },
  ]);
  assert.deepEqual(tpl.inputs.networkInterfaces, [{ network: NETWORK, subnetwork: SUBNET }], "no external IP");
  assert.deepEqual(tpl.inputs.tags, ["pgb-pgbouncer"]);
  assert.deepEqual(tpl.inputs.shieldedInstanceConfig, {
    enableSecureBoot: true,
    enableVtpm: true,
    enableIntegrityMonitoring: true,
  });
  const md = tpl.inputs.metadata as Record<string, string>;
  assert.equal(md["visor-pgbouncer-secret"], "projects/acme/secrets/pgb-pgbouncer-config/versions/1");
  assert.match(md["user-data"]!, /^#cloud-config\n/);
  assert.match(
    md["user-data"]!,
    /--user 70:70 .*--entrypoint pgbouncer edoburu\/pgbouncer:1\.23\.1-p2 \/etc\/pgbouncer\/pgbouncer\.ini/,
  );
  assert.match(md["user-data"]!, /iptables -w -A INPUT -p tcp --dport 6432 -j ACCEPT/);
  assert.ok(!md["user-data"]!.includes(passwordFor("pgb-app-password")), "no secret in instance metadata");
  assert.ok(!JSON.stringify(md).includes("fake-pooler-key"), "no TLS key in instance metadata");

  const hc = only("pgb", T.healthCheck);
  assert.deepEqual(hc.inputs.tcpHealthCheck, { port: 6432 });
  const group = only("pgb", T.group);
  assert.equal(group.inputs.targetSize, 2);
  assert.equal(group.inputs.region, REGION);
  assert.deepEqual(group.inputs.versions, [
    {
      name: "pgbouncer",
      instanceTemplate: "https://www.googleapis.com/compute/v1/projects/acme/global/instanceTemplates/pgb-pgbouncer?uniqueId=1",
    },
  ]);
  assert.deepEqual(group.inputs.autoHealingPolicies, { healthCheck: "pgb-pgbouncer-id", initialDelaySec: 180 });
  assert.equal((group.inputs.updatePolicy as Obj).maxUnavailableFixed, 0);
  const be = only("pgb", T.backend);
  assert.deepEqual(
    { scheme: be.inputs.loadBalancingScheme, protocol: be.inputs.protocol, hc: be.inputs.healthChecks },
    { scheme: "INTERNAL", protocol: "TCP", hc: "pgb-pgbouncer-id" },
  );
  assert.deepEqual(be.inputs.backends, [
    {
      group: `https://www.googleapis.com/compute/v1/projects/acme/regions/${REGION}/instanceGroups/pgb-pgbouncer`,
      balancingMode: "CONNECTION",
    },
  ]);
  const fr = only("pgb", T.forwardingRule);
  assert.deepEqual(
    {
      scheme: fr.inputs.loadBalancingScheme,
      proto: fr.inputs.ipProtocol,
      ports: fr.inputs.ports,
      subnet: fr.inputs.subnetwork,
      be: fr.inputs.backendService,
    },
    { scheme: "INTERNAL", proto: "TCP", ports: ["6432"], subnet: SUBNET, be: "pgb-pgbouncer-id" },
  );
  assert.equal(fr.inputs.ipAddress, POOLER_IP, "the forwarding rule uses the reserved address");
  const clients = only("pgb", T.firewall, "pgb-pgbouncer-clients");
  assert.deepEqual(clients.inputs.sourceRanges, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
  assert.deepEqual(clients.inputs.allows, [{ protocol: "tcp", ports: ["6432"] }]);
  assert.deepEqual(only("pgb", T.firewall, "pgb-pgbouncer-health-checks").inputs.sourceRanges, [
    "35.191.0.0/16",
    "130.211.0.0/22",
  ]);

  // The files the VMs fetch: renderer's ini (transaction mode, the guide's pool sizes, TLS to Cloud SQL) and a
  // userlist with the app role's SCRAM verifier — the very string the role was created with, so SCRAM passes through.
  const version = await resolve(db.resources.poolerConfigSecretVersion!.secretData);
  assert.equal(version.secret, true, "the PgBouncer config is a secret");
  const [ini, userlist, ca, tlsKey, tlsCert] = version
    .value!.trim()
    .split("\n")
    .map((l) => Buffer.from(l, "base64").toString("utf8"));
  for (const line of [
    `visor = host=pgb-primary.${REGION}.sql.goog port=5432 dbname=visor`,
    "listen_port = 6432",
    "pool_mode = transaction",
    "default_pool_size = 20",
    "max_client_conn = 200",
    "auth_type = scram-sha-256",
    "auth_file = /etc/pgbouncer/userlist.txt",
    "server_tls_sslmode = verify-full",
    "server_tls_ca_file = /etc/pgbouncer/server-ca.pem",
    "client_tls_sslmode = require",
    "client_tls_key_file = /etc/pgbouncer/client-tls.key",
    "client_tls_cert_file = /etc/pgbouncer/client-tls.crt",
  ]) {
    assert.ok(ini!.split("\n").includes(line), `pgbouncer.ini lacks "${line}":\n${ini}`);
  }
  const roleVerifier = reveal<string>(only("pgb", "postgresql:index/role:Role").inputs.password);
  assert.match(roleVerifier, /^SCRAM-SHA-256\$4096:/);
  assert.equal(userlist, `"visor" "${roleVerifier}"\n`);
  assert.ok(!userlist!.includes(passwordFor("pgb-app-password")), "no plain password in PgBouncer's files");
  assert.equal(ca, CA_PEM);
  assert.equal(tlsKey, POOLER_KEY_PEM, "the TLS key travels in the secret");
  assert.equal(tlsCert, POOLER_CERT_PEM);

  const smoke = only("pgb", T.smoke);
  const pc = reveal<Obj>(smoke.inputs.poolerConnection);
  assert.ok(isSecretInput(smoke.inputs.poolerConnection));
  assert.deepEqual(
    { host: pc.host, port: pc.port, ssl: pc.ssl },
    { host: POOLER_IP, port: 6432, ssl: { mode: "verify-full", ca: POOLER_CERT_PEM } },
  );
  const wc = reveal<Obj>(smoke.inputs.connection);
  assert.deepEqual(wc.ssl, { mode: "verify-full", ca: CA_PEM }, "the writer is still verified with Cloud SQL's CA");
  const conn = JSON.parse((await resolve(db.resources.connectionSecretVersion.secretData)).value!);
  assert.deepEqual(
    { host: conn.host, port: conn.port, sslmode: conn.sslmode, sslrootcert: conn.sslrootcert, poolerCa: conn.poolerCa },
    { host: POOLER_IP, port: 6432, sslmode: "verify-full", sslrootcert: POOLER_CERT_PEM, poolerCa: POOLER_CERT_PEM },
  );
  assert.equal(conn.serverCa, CA_PEM);
  assert.match(conn.url, /@10\.20\.0\.100:6432\/visor\?sslmode=verify-full$/);
  assert.deepEqual(conn.writer, { host: `pgb-primary.${REGION}.sql.goog`, port: 5432 });
  assert.ok((await assertParented(db)) >= 20);
});

test("pgbouncer options: VM count, machine type, image, uid and client ranges", async () => {
  make("pgb2", {
    pooler: "pgbouncer",
    // 3 VMs × 13 ≤ 50 − 5 reserved − 4 for the bootstrap and smoke test.
    pool: { defaultPoolSize: 13 },
    pgbouncer: {
      subnetwork: SUBNET,
      instances: 3,
      machineType: "e2-medium",
      image: "registry.example/pgbouncer:1.24",
      runAs: "1000:1000",
      allowedSourceRanges: ["10.1.0.0/16"],
    },
  });
  await settle();
  assert.equal(only("pgb2", T.group).inputs.targetSize, 3);
  const tpl = only("pgb2", T.template);
  assert.equal(tpl.inputs.machineType, "e2-medium");
  const ud = (tpl.inputs.metadata as Record<string, string>)["user-data"]!;
  assert.match(ud, /--user 1000:1000 .*registry\.example\/pgbouncer:1\.24 /);
  assert.match(ud, /fetch-config\.sh 1000:1000/);
  assert.deepEqual(only("pgb2", T.firewall, "pgb2-pgbouncer-clients").inputs.sourceRanges, ["10.1.0.0/16"]);
});

test("transform hooks reach the pooler's reserved address and its TLS key and certificate", async () => {
  make("txp", {
    pooler: "pgbouncer",
    pgbouncer: { subnetwork: SUBNET },
    transform: {
      poolerAddress: (a) => ({ args: { ...a, address: "10.20.0.50" } }),
      poolerTlsKey: (a) => ({ args: { ...a, ecdsaCurve: "P384" } }),
      poolerTlsCertificate: (a) => ({ args: { ...a, earlyRenewalHours: 24 * 60 } }),
    },
  });
  await settle();
  assert.equal(only("txp", T.address).inputs.address, "10.20.0.50");
  assert.equal(only("txp", T.tlsKey).inputs.ecdsaCurve, "P384");
  assert.equal(only("txp", T.tlsCert).inputs.earlyRenewalHours, 24 * 60);
});
