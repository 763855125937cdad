// The PgBouncer, bootstrap and output defaults of `new AwsVisorDatabase("…", { vpcId, subnetIds,
// allowedSecurityGroupIds })`: the app connection secret, the pooler, parents, tags and outputs.
import {
  APP_SG,
  POOLER_CERT_PEM,
  POOLER_KEY_PEM,
  RDS_CA,
  REGION,
  SUBNETS,
  byPrefix,
  exposed,
  isSecretInput,
  one,
  parentTypeOf,
  registeredOptions,
  registeredOutputs,
  setupAwsMocks,
  unwrap,
} from "./helpers";
setupAwsMocks();

import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_PGBOUNCER_IMAGE, PGBOUNCER_START_SCRIPT } from "../../components/aws";
import { resolve } from "../support/pulumi-mocks";
import { N, T, componentUrn, db, inputs, useDefaultDatabase } from "./defaults-support";
useDefaultDatabase();

test("app connection secret: points at PgBouncer over verify-full with its certificate, holds the password, is a secret", () => {
  const v = inputs(T.secretVersion, `${N}-app-connection`);
  assert.ok(isSecretInput(v.secretString));
  const conn = JSON.parse(unwrap<string>(v.secretString));
  assert.equal(conn.host, `${N}-pgbouncer-mock.elb.${REGION}.amazonaws.com`);
  assert.equal(conn.port, 6432);
  assert.equal(conn.sslmode, "verify-full");
  assert.equal(conn.sslrootcertPem, POOLER_CERT_PEM, "Visor verifies PgBouncer against its own certificate");
  assert.equal(conn.sslrootcert, POOLER_CERT_PEM, "the deprecated key is kept for one version");
  assert.equal(conn.serverCa, RDS_CA, "the writer's RDS CAs, for direct connections");
  assert.equal(conn.poolerCaPem, POOLER_CERT_PEM);
  assert.ok(!unwrap<string>(v.secretString).includes("PRIVATE KEY"), "the pooler's key is not in the app's secret");
  assert.equal(conn.username, "visor");
  assert.equal(conn.dbname, "visor");
  assert.equal(conn.password, `mock-password-${N}-app-password`);
  assert.equal(conn.writerHost, `${N}-writer.cmock.${REGION}.rds.amazonaws.com`);
  assert.equal(conn.writerSslmode, "verify-full");
});

test("PgBouncer: our renderer's files (transaction mode, guide pools, SCRAM, verify-full), delivered as a secret", () => {
  const v = inputs(T.secretVersion, `${N}-pgbouncer-config`);
  assert.ok(isSecretInput(v.secretString), "the userlist holds a verifier: the secret version must be secret");
  const { ini, userlist } = JSON.parse(unwrap<string>(v.secretString)) as { ini: string; userlist: string };
  assert.match(
    ini,
    new RegExp(`^visor = host=${N}-writer\\.cmock\\.${REGION}\\.rds\\.amazonaws\\.com port=5432 dbname=visor$`, "m"),
  );
  for (const line of [
    "listen_port = 6432",
    "pool_mode = transaction",
    "default_pool_size = 20",
    "max_client_conn = 200",
    "auth_type = scram-sha-256",
    "server_tls_sslmode = verify-full",
  ]) {
    assert.ok(ini.split("\n").includes(line), `${line} in\n${ini}`);
  }
  // SCRAM pass-through: the server's stored verifier is exactly the userlist's.
  const role = inputs("postgresql:index/role:Role", `${N}-app-role`);
  assert.equal(userlist.trim(), `"visor" "${unwrap<string>(role.password)}"`);
});

test("PgBouncer: TLS required from clients, with a self-signed certificate naming the NLB, its key kept secret", async () => {
  // The key: ECDSA P-256, parented to the component, its PEM a secret.
  const key = inputs("tls:index/privateKey:PrivateKey", `${N}-pooler-tls-key`);
  assert.deepEqual([key.algorithm, key.ecdsaCurve], ["ECDSA", "P256"]);
  assert.ok(
    registeredOptions
      .get(`tls:index/privateKey:PrivateKey::${N}-pooler-tls-key`)
      ?.additionalSecretOutputs.includes("privateKeyPem"),
  );
  // The certificate names the NLB's DNS name (what clients connect to), signed with the key (sent as a secret).
  const cert = inputs("tls:index/selfSignedCert:SelfSignedCert", `${N}-pooler-tls-cert`);
  assert.deepEqual(cert.dnsNames, [`${N}-pgbouncer-mock.elb.${REGION}.amazonaws.com`]);
  assert.ok(isSecretInput(cert.privateKeyPem), "the key PEM reaches the certificate as a secret");
  assert.equal(unwrap<string>(cert.privateKeyPem), POOLER_KEY_PEM);
  assert.deepEqual([cert.isCaCertificate, cert.earlyRenewalHours], [true, 720]);
  assert.ok(db.resources.pooler?.kind === "pgbouncer");
  assert.equal(await parentTypeOf(db.resources.pooler.tlsKey), "visor-db-infra:index:AwsVisorDatabase");
  assert.equal(await parentTypeOf(db.resources.pooler.tlsCertificate), "visor-db-infra:index:AwsVisorDatabase");

  // The config secret carries the key and certificate next to the ini; it is a secret as a whole.
  const v = inputs(T.secretVersion, `${N}-pgbouncer-config`);
  assert.ok(isSecretInput(v.secretString));
  const files = JSON.parse(unwrap<string>(v.secretString)) as Record<string, string>;
  assert.deepEqual(Object.keys(files).sort(), ["ini", "rdsCa", "tlsCert", "tlsKey", "userlist"]);
  assert.deepEqual([files.tlsKey, files.tlsCert], [POOLER_KEY_PEM, POOLER_CERT_PEM]);
  const ini = files.ini!.split("\n");
  for (const line of [
    "client_tls_sslmode = require",
    "client_tls_key_file = /tmp/pgbouncer/client-tls.key",
    "client_tls_cert_file = /tmp/pgbouncer/client-tls.crt",
  ]) {
    assert.ok(ini.includes(line), `${line} in\n${files.ini}`);
  }

  // The container gets both as ECS secrets (never as plain environment) and writes them, owner-only, before exec.
  const td = inputs("aws:ecs/taskDefinition:TaskDefinition", `${N}-pgbouncer`);
  const text = String(td.containerDefinitions);
  assert.ok(!text.includes("PRIVATE KEY") && !text.includes("fake-pooler-key"), "no key in the task definition");
  const [container] = JSON.parse(text);
  const secret = `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config`;
  assert.deepEqual(
    container.secrets.filter((s: { name: string }) => s.name.startsWith("PGBOUNCER_TLS_")),
    [
      { name: "PGBOUNCER_TLS_KEY", valueFrom: `${secret}:tlsKey::` },
      { name: "PGBOUNCER_TLS_CERT", valueFrom: `${secret}:tlsCert::` },
    ],
  );
  const script = container.command[0] as string;
  assert.equal(script, PGBOUNCER_START_SCRIPT);
  const lines = script.split("\n");
  const at = (needle: string) => lines.findIndex((l) => l.includes(needle));
  assert.ok(lines.includes(`printf '%s\\n' "$PGBOUNCER_TLS_KEY" > /tmp/pgbouncer/client-tls.key`), script);
  assert.ok(lines.includes(`printf '%s\\n' "$PGBOUNCER_TLS_CERT" > /tmp/pgbouncer/client-tls.crt`), script);
  assert.ok(at("umask 077") < at("client-tls.key") && at("client-tls.crt") < at("exec pgbouncer"), script);
  assert.match(lines[at("unset ")]!, /PGBOUNCER_TLS_KEY PGBOUNCER_TLS_CERT/);
});

test("PgBouncer: 2 Fargate tasks behind an internal NLB on 6432 with a TCP health check on the listener", () => {
  const svc = inputs("aws:ecs/service:Service", `${N}-pgbouncer`);
  assert.equal(svc.desiredCount, 2);
  assert.equal(svc.launchType, "FARGATE");
  assert.deepEqual(svc.networkConfiguration, {
    subnets: SUBNETS,
    securityGroups: [`${N}-pgbouncer-tasks-id`],
    assignPublicIp: false,
  });
  assert.equal(svc.waitForSteadyState, true);
  const nlb = inputs("aws:lb/loadBalancer:LoadBalancer", `${N}-pgbouncer`);
  assert.deepEqual([nlb.loadBalancerType, nlb.internal, nlb.enableCrossZoneLoadBalancing], ["network", true, true]);
  const tg = inputs("aws:lb/targetGroup:TargetGroup", `${N}-pgbouncer`);
  assert.deepEqual([tg.port, tg.protocol, tg.targetType], [6432, "TCP", "ip"]);
  assert.deepEqual(tg.healthCheck, {
    enabled: true,
    protocol: "TCP",
    port: "traffic-port",
    interval: 10,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
  });
  const listener = inputs("aws:lb/listener:Listener", `${N}-pgbouncer`);
  assert.deepEqual([listener.port, listener.protocol], [6432, "TCP"]);
  const td = inputs("aws:ecs/taskDefinition:TaskDefinition", `${N}-pgbouncer`);
  const [container] = JSON.parse(String(td.containerDefinitions));
  assert.equal(container.image, DEFAULT_PGBOUNCER_IMAGE);
  assert.match(container.image, /:\d+\.\d+\.\d+/);
  assert.deepEqual(
    container.secrets.map((s: { valueFrom: string }) => s.valueFrom),
    [
      `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config:ini::`,
      `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config:userlist::`,
      `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config:tlsKey::`,
      `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config:tlsCert::`,
      `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config:rdsCa::`,
    ],
  );
  assert.ok(!String(td.containerDefinitions).includes("SCRAM-SHA-256"), "no verifier in the task definition");
  // The tasks admit only the NLB; the NLB admits only the allowed sources.
  assert.equal(inputs(T.ingress, `${N}-pgbouncer-tasks-from-nlb`).referencedSecurityGroupId, `${N}-pgbouncer-nlb-id`);
  assert.equal(inputs(T.ingress, `${N}-pgbouncer-nlb-from-sg-0`).referencedSecurityGroupId, APP_SG);
  assert.equal(inputs(T.egress, `${N}-pgbouncer-nlb-to-tasks`).referencedSecurityGroupId, `${N}-pgbouncer-tasks-id`);
  // The tasks reach only the writer (5432, its group) and HTTPS (443: registry, Secrets Manager, logs).
  const egress = byPrefix(N).filter((r) => r.type === T.egress);
  assert.deepEqual(
    egress
      .filter((r) => r.inputs.securityGroupId === `${N}-pgbouncer-tasks-id`)
      .map((r) => [
        r.inputs.ipProtocol,
        r.inputs.fromPort,
        r.inputs.toPort,
        r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4,
      ])
      .sort(),
    [
      ["tcp", 443, 443, "0.0.0.0/0"],
      ["tcp", 5432, 5432, `${N}-db-id`],
    ],
  );
  assert.ok(
    egress.every((r) => r.inputs.ipProtocol === "tcp"),
    "no all-protocol egress rule",
  );
  const readConfig = inputs("aws:iam/rolePolicy:RolePolicy", `${N}-pgbouncer-read-config`);
  assert.deepEqual(JSON.parse(String(readConfig.policy)).Statement[0].Resource, [
    `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config`,
  ]);
});

test("bootstrap: VisorSchema on the writer and the smoke test on writer + PgBouncer, as the app role, after everything", async () => {
  const schema = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema", `${N}-schema`);
  const smoke = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest", `${N}-smoke-test`);
  assert.ok(isSecretInput(schema.inputs.connection));
  const writer = unwrap<Record<string, unknown>>(schema.inputs.connection);
  assert.deepEqual(writer, {
    host: `${N}-writer.cmock.${REGION}.rds.amazonaws.com`,
    port: 5432,
    database: "visor",
    user: "visor",
    password: `mock-password-${N}-app-password`,
    ssl: { mode: "verify-full", ca: RDS_CA },
  });
  const pooler = unwrap<Record<string, unknown>>(smoke.inputs.poolerConnection);
  assert.ok(isSecretInput(smoke.inputs.poolerConnection));
  assert.deepEqual(
    [pooler.host, pooler.port, pooler.user, pooler.ssl],
    [`${N}-pgbouncer-mock.elb.${REGION}.amazonaws.com`, 6432, "visor", { mode: "verify-full", ca: POOLER_CERT_PEM }],
  );
  assert.deepEqual([smoke.inputs.lockTtlMs, smoke.inputs.heartbeatMs, smoke.inputs.nodes], [60000, 15000, 3]);
  const deps = registeredOptions.get(`pulumi-nodejs:dynamic/visor-db-infra:VisorSchema::${N}-schema`)?.dependsOn ?? [];
  for (const needed of [`${N}-writer`, `${N}-app-database`, `${N}-app-grant`, `${N}-pgbouncer`]) {
    assert.ok(
      deps.some((u) => u.endsWith(`::${needed}`)),
      `VisorSchema must depend on ${needed}: ${deps.join(", ")}`,
    );
  }
  assert.ok(
    deps.some((u) => u.includes("aws:ecs/service:Service")),
    "…including the PgBouncer service",
  );
});

test("outputs: endpoints, names, ARNs; the password is a secret", async () => {
  assert.deepEqual((await resolve(db.writerEndpoint)).value, {
    host: `${N}-writer.cmock.${REGION}.rds.amazonaws.com`,
    port: 5432,
  });
  assert.deepEqual((await resolve(db.readerEndpoints)).value, []);
  assert.deepEqual((await resolve(db.poolerEndpoint)).value, {
    host: `${N}-pgbouncer-mock.elb.${REGION}.amazonaws.com`,
    port: 6432,
  });
  assert.deepEqual(await resolve(db.poolerCaPem), { value: POOLER_CERT_PEM, secret: false });
  const urn = (await resolve(db.urn)).value;
  for (let i = 0; i < 100 && !registeredOutputs.has(urn); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(registeredOutputs.get(urn)?.poolerCaPem, POOLER_CERT_PEM, "poolerCaPem is a registered output");
  assert.equal((await resolve(db.databaseName)).value, "visor");
  assert.equal((await resolve(db.appUser)).value, "visor");
  const pw = await resolve(db.appPassword);
  assert.deepEqual(pw, { value: `mock-password-${N}-app-password`, secret: true });
  assert.equal(
    (await resolve(db.appConnectionSecretArn)).value,
    `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-app-connection`,
  );
  assert.equal(
    (await resolve(db.masterUserSecretArn)).value,
    `arn:aws:secretsmanager:${REGION}:123456789012:secret:rds!db-${N}-writer`,
  );
  assert.equal((await resolve(db.securityGroupId)).value, `${N}-db-id`);
  assert.deepEqual((await resolve(db.backupVaultArns)).value, [
    `arn:aws:backup:${REGION}:123456789012:backup-vault:${N}-vault`,
    `arn:aws:backup:us-west-2:123456789012:backup-vault:${N}-offsite-vault`,
  ]);
  assert.ok(db.resources.instance && !db.resources.cluster);
});

test("parents: every child is parented to the component", async () => {
  const children = byPrefix(N).filter((r) => r.name !== N);
  assert.ok(children.length > 40, `${children.length} children`);
  for (const c of children) {
    assert.equal(registeredOptions.get(`${c.type}::${c.name}`)?.parent, componentUrn, `${c.type} ${c.name}`);
  }
  for (const r of exposed(db)) assert.equal(await parentTypeOf(r), "visor-db-infra:index:AwsVisorDatabase");
});

test("tags: every taggable child carries managed-by", () => {
  const tagged = byPrefix(N).filter((r) => r.type.startsWith("aws:") && "tags" in r.inputs);
  assert.ok(tagged.length > 20);
  for (const r of tagged) assert.equal((r.inputs.tags as Record<string, string>)["managed-by"], "visor-db-infra", r.name);
});

test("outputs: one spelling on every cloud, the old AWS name kept as a deprecated alias", async () => {
  const id = await resolve(db.appConnectionSecretId);
  assert.match(String(id.value), /^arn:aws:secretsmanager:/);
  assert.equal((await resolve(db.appConnectionSecretArn)).value, id.value);
  // No CA given: the bundled RDS CAs of the stack's region.
  assert.equal((await resolve(db.serverCaPem)).value, RDS_CA);
  assert.equal(RDS_CA.match(/BEGIN CERTIFICATE/g)?.length, 3);
  assert.equal("settings" in db, false, "the resolved settings are not public API");
});
