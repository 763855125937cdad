// Credentials: the master password stays with RDS (Secrets Manager, rotated by RDS); the guide's
// "Initial Setup" (role `visor`, database `visor`, privileges) runs over a direct verify-full connection
// to the writer; the app connection Visor instances read is kept in its own Secrets Manager secret.
import * as pulumi from "@pulumi/pulumi";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { appCredentials, type AppCredentials } from "../shared/app-credentials";
import { createAppRole, type AppRole } from "../shared/app-role";
import type { Endpoint } from "../shared/args";
import { child, type ChildContext } from "./context";
import type { Writer } from "./database";

export interface Credentials {
  app: AppCredentials;
  role: AppRole;
  /** The app connection secret (created before its value, so RDS Proxy can reference it). */
  secret: secretsmanager.Secret;
}

/** The password field of an RDS-managed master secret (`{"username":…,"password":…}`), as a secret. */
export function masterPassword(ctx: ChildContext, secretArn: pulumi.Output<string>): pulumi.Output<string> {
  const version = secretsmanager.getSecretVersionOutput({ secretId: secretArn }, { parent: ctx.parent });
  return pulumi.secret(
    version.apply((v) => {
      try {
        return String((JSON.parse(v.secretString ?? "{}") as { password?: string }).password ?? "");
      } catch {
        return "";
      }
    }),
  );
}

export function createCredentials(ctx: ChildContext, writer: Writer, dependsOn: pulumi.Resource[]): Credentials {
  const { r, name } = ctx;
  const app = appCredentials(name, ctx.parent, ctx.transforms);
  const role = createAppRole(name, ctx.parent, {
    transforms: ctx.transforms,
    admin: {
      host: writer.endpoint.host,
      port: writer.endpoint.port,
      username: r.masterUsername,
      password: masterPassword(ctx, writer.masterUserSecretArn),
      sslmode: "verify-full",
      sslrootcert: r.caBundleFile,
    },
    databaseName: r.base.databaseName,
    appUser: r.base.appUser,
    // The verifier, not the password: PgBouncer's userlist holds the same string, so SCRAM passes through.
    passwordVerifier: app.verifier,
    dependsOn: [...writer.ready, ...dependsOn],
  });
  const secret = new secretsmanager.Secret(
    `${name}-app-connection`,
    ...child(ctx, "secret", {
      description: `Visor's connection to database ${name} (app role ${r.base.appUser})`,
      kmsKeyId: r.kmsKeyId,
      tags: r.base.tags,
    }),
  );
  return { app, role, secret };
}

/**
 * The app connection secret's value. `username`/`password` are the keys RDS Proxy reads; `host`/`port`
 * are what Visor should use (the pooler when there is one), `writerHost`/`writerPort` the direct writer.
 * Every target is verify-full. With PgBouncer, `sslrootcert` (and `poolerCaPem`) is the PEM of its
 * self-signed certificate: the CA to verify `host` with.
 */
export function appSecretVersion(
  ctx: ChildContext,
  creds: Credentials,
  writer: pulumi.Output<Endpoint>,
  pooler: pulumi.Output<Endpoint | undefined>,
  poolerCaPem: pulumi.Output<string | undefined>,
): secretsmanager.SecretVersion {
  const { r } = ctx;
  const value = pulumi.all([writer, pooler, creds.app.plain, poolerCaPem]).apply(([w, p, password, ca]) =>
    JSON.stringify({
      engine: "postgres",
      host: p?.host ?? w.host,
      port: p?.port ?? w.port,
      dbname: r.base.databaseName,
      username: r.base.appUser,
      password,
      sslmode: "verify-full",
      // JSON drops these when undefined (RDS Proxy and the writer chain to CAs the user already trusts).
      sslrootcert: p ? ca : undefined,
      poolerCaPem: p ? ca : undefined,
      writerHost: w.host,
      writerPort: w.port,
      writerSslmode: "verify-full",
    }),
  );
  return new secretsmanager.SecretVersion(
    `${ctx.name}-app-connection`,
    ...child(ctx, "secretVersion", { secretId: creds.secret.id, secretString: pulumi.secret(value) }),
  );
}
