// Credentials: the master password stays with RDS (Secrets Manager, rotated by RDS); the guide's
// "Initial Setup" (role `visor`, database `visor`, privileges) runs over a direct verify-full connection
// to the writer; the app connection Visor instances read is kept in its own Secrets Manager secret.
import * as pulumi from "@pulumi/pulumi";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import type { AppCredentials } from "../shared/app-credentials";
import { appConnectionJson, type AppConnectionArgs } from "../shared/app-connection";
import { createAppRole, type AppRole } from "../shared/app-role";
import type { AwsBuild } from "./context";
import type { Writer } from "./database";

export interface Credentials {
  app: AppCredentials;
  role: AppRole;
  /** The app connection secret (created before its value, so RDS Proxy can reference it). */
  secret: secretsmanager.Secret;
}

/** The password field of an RDS-managed master secret (`{"username":…,"password":…}`), as a secret. */
export function masterPassword(ctx: AwsBuild, secretArn: pulumi.Output<string>): pulumi.Output<string> {
  const version = secretsmanager.getSecretVersionOutput({ secretId: secretArn }, { parent: ctx.children.parent });
  return pulumi.secret(
    version.apply((value) => {
      try {
        return String((JSON.parse(value.secretString ?? "{}") as { password?: string }).password ?? "");
      } catch {
        return "";
      }
    }),
  );
}

export function createCredentials(ctx: AwsBuild, writer: Writer, dependsOn: pulumi.Resource[], app: AppCredentials): Credentials {
  const { settings, name } = ctx;
  const role = createAppRole(ctx.children, {
    admin: {
      host: writer.endpoint.host,
      port: writer.endpoint.port,
      username: settings.masterUsername,
      password: masterPassword(ctx, writer.masterUserSecretArn),
      sslmode: "verify-full",
      sslrootcert: settings.caBundleFile,
    },
    databaseName: settings.base.databaseName,
    appUser: settings.base.appUser,
    // The verifier, not the password: PgBouncer's userlist holds the same string, so SCRAM passes through.
    passwordVerifier: app.verifier,
    dependsOn: [...writer.ready, ...dependsOn],
  });
  const secret = new secretsmanager.Secret(
    `${name}-app-connection`,
    ...ctx.children.prepare("secret", {
      description: `Visor's connection to database ${name} (app role ${settings.base.appUser})`,
      kmsKeyId: settings.kmsKeyId,
      tags: settings.base.tags,
    }),
  );
  return { app, role, secret };
}

/**
 * The app connection secret's value: the shared document (AppConnectionDocument). RDS Proxy reads its
 * `username`/`password`; with PgBouncer, `sslrootcert` is the PEM of its self-signed certificate.
 */
export function appSecretVersion(
  ctx: AwsBuild,
  creds: Credentials,
  connection: Pick<AppConnectionArgs, "writer" | "pooler" | "serverCa" | "poolerCa">,
): secretsmanager.SecretVersion {
  const value = appConnectionJson({
    ...connection,
    database: ctx.settings.base.databaseName,
    user: ctx.settings.base.appUser,
    password: creds.app.plain,
  });
  return new secretsmanager.SecretVersion(
    `${ctx.name}-app-connection`,
    ...ctx.children.prepare("secretVersion", { secretId: creds.secret.id, secretString: value }),
  );
}
