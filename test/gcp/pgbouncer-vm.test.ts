// The PgBouncer VM's boot path, run for real where it can be: the cloud-init parses as YAML, and its fetch
// script, with `curl` stubbed to answer as the metadata server and Secret Manager do, unpacks exactly the
// files the component put in the secret.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import {
  CLIENT_TLS_CERT_FILE,
  CLIENT_TLS_KEY_FILE,
  PGBOUNCER_HOST_DIR,
  pgbouncerCloudInit,
  pgbouncerPayload,
} from "../../components/gcp/pgbouncer-vm";
import { validateGcp } from "../../components/gcp/validate";

interface CloudConfig {
  write_files: { path: string; permissions: string; content: string }[];
  runcmd: string[];
}

const cloudInit = (): CloudConfig =>
  parse(pgbouncerCloudInit({ image: "edoburu/pgbouncer:1.23.1-p2", runAs: "70:70" })) as CloudConfig;

test("the cloud-init is valid YAML with the fetch script, the systemd unit and the start command", () => {
  const c = cloudInit();
  assert.deepEqual(
    c.write_files.map((f) => [f.path, f.permissions]),
    [
      ["/etc/visor-pgbouncer/fetch-config.sh", "0700"],
      ["/etc/systemd/system/visor-pgbouncer.service", "0644"],
    ],
  );
  assert.match(c.write_files[0]!.content, /^#!\/bin\/bash\n/);
  const unit = c.write_files[1]!.content;
  assert.match(
    unit,
    /^ExecStart=\/usr\/bin\/docker run --rm --name pgbouncer --network host --user 70:70 -v \/var\/lib\/visor-pgbouncer:\/etc\/pgbouncer:ro --entrypoint pgbouncer edoburu\/pgbouncer:1\.23\.1-p2 \/etc\/pgbouncer\/pgbouncer\.ini$/m,
  );
  assert.match(unit, /^Restart=always$/m);
  assert.deepEqual(c.runcmd, ["systemctl daemon-reload", "systemctl start visor-pgbouncer.service"]);
});

// bash, sed, base64 and tr are part of every Linux the tests run on (coreutils): no skip.
test("the fetch script unpacks the Secret Manager payload (config, CA, PgBouncer's TLS key and certificate) into 0600 files", () => {
  const work = mkdtempSync(join(tmpdir(), "visor-gcp-fetch-"));
  const out = join(work, "pgbouncer");
  const files = {
    ini: "[databases]\nvisor = host=10.0.0.2 port=5432\n",
    userlist: '"visor" "s3cret""quoted"\n',
    serverCa: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    tlsKey: "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI-pooler\n-----END EC PRIVATE KEY-----\n",
    tlsCert: "-----BEGIN CERTIFICATE-----\nMIIB-pooler\n-----END CERTIFICATE-----\n",
  };
  const version = "projects/123/secrets/visor-pgbouncer-config/versions/4";
  // Secret Manager's JSON, spaced the way the API prints it.
  const access = `{\n  "name": "${version}",\n  "payload": {\n    "data": "${Buffer.from(pgbouncerPayload(files)).toString("base64")}",\n    "dataCrc32c": "123"\n  }\n}\n`;
  writeFileSync(join(work, "access.json"), access);
  const curl = join(work, "curl");
  writeFileSync(
    curl,
    `#!/bin/bash
url="\${@: -1}"
case "$url" in
  */service-accounts/default/token) echo '{"access_token":"ya29.token","expires_in":3599,"token_type":"Bearer"}' ;;
  */attributes/visor-pgbouncer-secret) printf '%s' '${version}' ;;
  "https://secretmanager.googleapis.com/v1/${version}:access") [[ "$*" == *"Bearer ya29.token"* ]] && cat '${join(work, "access.json")}' || exit 22 ;;
  *) echo "unexpected $url" >&2; exit 22 ;;
esac
`,
  );
  chmodSync(curl, 0o755);
  const script = cloudInit().write_files[0]!.content.replaceAll(PGBOUNCER_HOST_DIR, out);
  writeFileSync(join(work, "fetch.sh"), script);
  const owner = `${process.getuid!()}:${process.getgid!()}`;
  execFileSync("bash", [join(work, "fetch.sh"), owner], {
    env: { ...process.env, PATH: `${work}:${process.env.PATH}` },
    stdio: "pipe",
  });
  assert.equal(readFileSync(join(out, "pgbouncer.ini"), "utf8"), files.ini);
  assert.equal(readFileSync(join(out, "userlist.txt"), "utf8"), files.userlist);
  assert.equal(readFileSync(join(out, "server-ca.pem"), "utf8"), files.serverCa);
  // PgBouncer's client TLS key and certificate, at the paths the ini names (the host dir is /etc/pgbouncer inside).
  assert.equal(readFileSync(join(out, "client-tls.key"), "utf8"), files.tlsKey);
  assert.equal(readFileSync(join(out, "client-tls.crt"), "utf8"), files.tlsCert);
  assert.equal(CLIENT_TLS_KEY_FILE, "/etc/pgbouncer/client-tls.key");
  assert.equal(CLIENT_TLS_CERT_FILE, "/etc/pgbouncer/client-tls.crt");
  for (const f of ["pgbouncer.ini", "userlist.txt", "server-ca.pem", "client-tls.key", "client-tls.crt"]) {
    const st = statSync(join(out, f));
    assert.equal(st.mode & 0o777, 0o600, `${f} is 0600`);
    assert.equal(`${st.uid}:${st.gid}`, owner, `${f} is owned like the ini`);
  }
  assert.equal(statSync(out).mode & 0o777, 0o700);
});

test("stacks/Pulumi.gcp-prod.yaml holds valid GcpVisorDatabaseArgs", () => {
  const stack = parse(readFileSync(join(__dirname, "..", "..", "stacks", "Pulumi.gcp-prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  assert.equal(stack.config["visor-db-infra:cloud"], "gcp");
  assert.equal(stack.config["gcp:region"], "europe-west1");
  const r = validateGcp(stack.config["visor-db-infra:database"] as never);
  assert.equal(r.pooler, "pgbouncer");
  assert.equal(r.replicas.length, 2);
  assert.equal(r.region, stack.config["gcp:region"]);
});
