// Visor's app connection as one JSON document, the same on every cloud, which each component keeps in
// its secret store (Secrets Manager, Secret Manager, Key Vault). `host`/`port` are where Visor connects:
// the pooler when there is one (the guide's "point Visor to PgBouncer"), else the writer.
import * as pulumi from "@pulumi/pulumi";
import type { Endpoint } from "./args";

export interface AppConnectionDocument {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Always verify-full. */
  sslmode: "verify-full";
  /** PEM of the CA to verify `host` with, when the default trust stores do not hold it. */
  sslrootcertPem?: string;
  /** @deprecated use `sslrootcertPem` (libpq's `sslrootcert` is a file name; this holds the PEM). */
  sslrootcert?: string;
  writer: Endpoint;
  pooler: Endpoint | null;
  /** PEM of the CA to verify the writer with, when needed. */
  serverCa?: string;
  /** PEM of the CA to verify the pooler with, when needed; null without a pooler. */
  poolerCa?: string | null;
  url: string;
  /** For RDS Proxy and tools that read Secrets Manager's database secret format (same values as above). */
  engine: "postgres";
  username: string;
  dbname: string;
  /** @deprecated use `writer.host`. */
  writerHost: string;
  /** @deprecated use `writer.port`. */
  writerPort: number;
  /** @deprecated always verify-full, like `sslmode`. */
  writerSslmode: "verify-full";
  /** @deprecated use `poolerCa`. */
  poolerCaPem?: string;
}

export interface AppConnectionArgs {
  writer: pulumi.Input<Endpoint>;
  pooler: pulumi.Input<Endpoint | undefined>;
  database: string;
  user: string;
  password: pulumi.Input<string>;
  /** CA PEM for the writer (undefined when public roots verify it). */
  serverCa?: pulumi.Input<string | undefined>;
  /** CA PEM for the pooler (undefined when public roots verify it). */
  poolerCa?: pulumi.Input<string | undefined>;
}

/** Secret: the document as JSON. */
export function appConnectionJson(args: AppConnectionArgs): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([args.writer, args.pooler, args.password, args.serverCa, args.poolerCa])
      .apply(([writer, pooler, password, serverCa, poolerCa]) => {
        const target = pooler ?? writer;
        const targetCa = pooler ? poolerCa : serverCa;
        const document: AppConnectionDocument = {
          host: target.host,
          port: target.port,
          database: args.database,
          user: args.user,
          password,
          sslmode: "verify-full",
          sslrootcertPem: targetCa,
          sslrootcert: targetCa,
          writer: { host: writer.host, port: writer.port },
          pooler: pooler ? { host: pooler.host, port: pooler.port } : null,
          serverCa,
          poolerCa: pooler ? (poolerCa ?? null) : null,
          url: `postgresql://${encodeURIComponent(args.user)}:${encodeURIComponent(password)}@${target.host}:${target.port}/${encodeURIComponent(args.database)}?sslmode=verify-full`,
          engine: "postgres",
          username: args.user,
          dbname: args.database,
          writerHost: writer.host,
          writerPort: writer.port,
          writerSslmode: "verify-full",
          poolerCaPem: pooler ? poolerCa : undefined,
        };
        return JSON.stringify(document);
      }),
  );
}
