// PgBouncer's files for a cloud pooler, rendered once from Pulumi outputs with our renderer. The result
// is a secret (the userlist holds the app role's verifier).
import * as pulumi from "@pulumi/pulumi";
import { renderPgBouncerConfig, type PgBouncerConfigFiles } from "../pgbouncer";
import type { ResolvedBase } from "./base-validation";
import { PGBOUNCER_PORT } from "./defaults";

export interface PooledConfigArgs {
  writerHost: pulumi.Input<string>;
  writerPort: pulumi.Input<number>;
  verifier: pulumi.Input<string>;
  settings: ResolvedBase;
  /** Where the container finds the server CA bundle, for `verify-full`. */
  serverCaFile?: string;
  /** Default `verify-full`. */
  serverSslMode?: "require" | "verify-ca" | "verify-full";
  authFile?: string;
  /**
   * TLS between Visor and PgBouncer (files inside the container, from poolerTlsCertificate()). When given,
   * PgBouncer refuses clients without TLS (`client_tls_sslmode = require`).
   */
  clientTls?: { keyFile: string; certFile: string };
}

export function renderPooledConfig(args: PooledConfigArgs): pulumi.Output<PgBouncerConfigFiles> {
  const s = args.settings;
  return pulumi.secret(
    pulumi.all([args.writerHost, args.writerPort, args.verifier]).apply(([host, port, verifier]) =>
      renderPgBouncerConfig({
        databases: [{ name: s.databaseName, host, port }],
        users: [{ name: s.appUser, verifier }],
        listenAddr: "0.0.0.0",
        listenPort: PGBOUNCER_PORT,
        poolMode: "transaction",
        defaultPoolSize: s.pool.defaultPoolSize,
        minPoolSize: s.pool.minPoolSize,
        maxClientConn: s.pool.maxClientConn,
        authType: "scram-sha-256",
        authFile: args.authFile ?? "/etc/pgbouncer/userlist.txt",
        serverTls: { sslmode: args.serverSslMode ?? "verify-full", caFile: args.serverCaFile },
        ...(args.clientTls ? { clientTls: { sslmode: "require" as const, ...args.clientTls } } : {}),
      }),
    ),
  );
}
