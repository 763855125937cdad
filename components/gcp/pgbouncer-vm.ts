// What runs on each PgBouncer VM (Container-Optimized OS): a cloud-init that installs a systemd unit, which at
// every start fetches the rendered config from Secret Manager (with the VM's service account, so no secret sits
// in instance metadata), opens port 6432 in COS's host firewall and runs the PgBouncer container. The files include
// PgBouncer's TLS key and certificate for clients (client_tls_sslmode = require), so the key never sits in metadata.
import { PGBOUNCER_PORT } from "../shared/defaults";

export { PGBOUNCER_PORT };

/** Where the files live on the VM; mounted read-only at /etc/pgbouncer in the container. */
export const PGBOUNCER_HOST_DIR = "/var/lib/visor-pgbouncer";
/** PgBouncer's TLS key and certificate for clients, as the container sees them (`client_tls_key_file` / `_cert_file`). */
export const CLIENT_TLS_KEY_FILE = "/etc/pgbouncer/client-tls.key";
export const CLIENT_TLS_CERT_FILE = "/etc/pgbouncer/client-tls.crt";

/** What the VMs fetch: pgbouncer.ini, userlist.txt, server-ca.pem, and PgBouncer's client TLS key and certificate. */
export interface PgBouncerFiles {
  ini: string;
  userlist: string;
  serverCa: string;
  /** Secret: PgBouncer's TLS private key (PEM). */
  tlsKey: string;
  /** PgBouncer's self-signed TLS certificate (PEM), which clients trust as their `sslrootcert`. */
  tlsCert: string;
}

export interface PgBouncerVmArgs {
  /**
   * `projects/<p>/secrets/<s>/versions/<n>`: the payload is five base64 lines: pgbouncer.ini, userlist.txt,
   * server-ca.pem, client-tls.key, client-tls.crt.
   */
  secretVersion: string;
  image: string;
  /** "uid:gid" the container runs as; the files are owned by it. */
  runAs: string;
}

/** The five files as the secret payload: one base64 line each, so the VM needs only sed and base64 to unpack. */
export function pgbouncerPayload(files: PgBouncerFiles): string {
  return (
    [files.ini, files.userlist, files.serverCa, files.tlsKey, files.tlsCert]
      .map((f) => Buffer.from(f, "utf8").toString("base64"))
      .join("\n") + "\n"
  );
}

const FETCH = `#!/bin/bash
# Fetches PgBouncer's files from Secret Manager with the VM's service account.
set -euo pipefail
umask 077
dir=${PGBOUNCER_HOST_DIR}
md=http://metadata.google.internal/computeMetadata/v1
token=$(curl -sfS -H 'Metadata-Flavor: Google' "$md/instance/service-accounts/default/token" | sed -E 's/.*"access_token" *: *"([^"]+)".*/\\1/')
version=$(curl -sfS -H 'Metadata-Flavor: Google' "$md/instance/attributes/visor-pgbouncer-secret")
payload=$(curl -sfS -H "Authorization: Bearer $token" "https://secretmanager.googleapis.com/v1/$version:access" | tr -d ' \\n' | sed -E 's/.*"data":"([^"]+)".*/\\1/' | base64 -d)
mkdir -p "$dir"
printf '%s\\n' "$payload" | sed -n 1p | base64 -d > "$dir/pgbouncer.ini"
printf '%s\\n' "$payload" | sed -n 2p | base64 -d > "$dir/userlist.txt"
printf '%s\\n' "$payload" | sed -n 3p | base64 -d > "$dir/server-ca.pem"
printf '%s\\n' "$payload" | sed -n 4p | base64 -d > "$dir/client-tls.key"
printf '%s\\n' "$payload" | sed -n 5p | base64 -d > "$dir/client-tls.crt"
chown -R "$1" "$dir"
chmod 700 "$dir"
chmod 600 "$dir"/*
`;

/** cloud-init user-data for COS. The secret version is read from metadata so a new version only needs a rolling replace. */
export function pgbouncerCloudInit(a: Pick<PgBouncerVmArgs, "image" | "runAs">): string {
  const indent = (s: string) =>
    s
      .split("\n")
      .map((l) => (l ? `      ${l}` : l))
      .join("\n");
  const unit = `[Unit]
Description=PgBouncer for Visor (visor-db-infra)
Wants=network-online.target docker.service
After=network-online.target docker.service

[Service]
ExecStartPre=/bin/bash /etc/visor-pgbouncer/fetch-config.sh ${a.runAs}
# COS's host firewall drops inbound traffic by default.
ExecStartPre=/bin/bash -c 'iptables -w -C INPUT -p tcp --dport ${PGBOUNCER_PORT} -j ACCEPT || iptables -w -A INPUT -p tcp --dport ${PGBOUNCER_PORT} -j ACCEPT'
ExecStartPre=-/usr/bin/docker rm -f pgbouncer
ExecStart=/usr/bin/docker run --rm --name pgbouncer --network host --user ${a.runAs} -v ${PGBOUNCER_HOST_DIR}:/etc/pgbouncer:ro --entrypoint pgbouncer ${a.image} /etc/pgbouncer/pgbouncer.ini
ExecStop=/usr/bin/docker stop pgbouncer
Restart=always
RestartSec=5
`;
  return `#cloud-config
write_files:
  - path: /etc/visor-pgbouncer/fetch-config.sh
    permissions: "0700"
    owner: root
    content: |
${indent(FETCH)}
  - path: /etc/systemd/system/visor-pgbouncer.service
    permissions: "0644"
    owner: root
    content: |
${indent(unit)}
runcmd:
  - systemctl daemon-reload
  - systemctl start visor-pgbouncer.service
`;
}
