// Credentials: the master password stays with RDS (Secrets Manager, rotated by RDS); the guide's
// "Initial Setup" (role `visor`, database `visor`, privileges) runs over a direct verify-full connection
// to the writer; the app connection Visor instances read is kept in its own Secrets Manager secret.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import type { AppCredentials } from "../shared/app-credentials";
import { appConnectionJson, type AppConnectionArgs } from "../shared/app-connection";
import { createAppRole, type AppRole } from "../shared/app-role";
import type { AwsBuild } from "./context";
import type { Writer } from "./database";

export interface Credentials {
  app: AppCredentials;
  /** The initial setup from the deployer (@pulumi/postgresql); undefined when the runner does it. */
  role?: AppRole;
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

/**
 * A file holding `pem` for the initial setup's admin connection (@pulumi/postgresql takes `sslrootcert` as
 * a file path): written once to the OS temporary directory under a name made of its hash, so the same CAs
 * give the same path on every run.
 */
export function caBundleFileFor(pem: string, dir = tmpdir()): string {
  const file = join(dir, "visor-db-infra", `rds-ca-${createHash("sha256").update(pem).digest("hex").slice(0, 16)}.pem`);
  let current: string | undefined;
  try {
    current = readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current !== pem) {
    mkdirSync(join(dir, "visor-db-infra"), { recursive: true });
    writeFileSync(file, pem, { mode: 0o644 });
  }
  return file;
}

export function createCredentials(ctx: AwsBuild, writer: Writer, dependsOn: pulumi.Resource[], app: AppCredentials): Credentials {
  const { settings, name } = ctx;
  // Through the runner, VisorSchema's `setup` does it inside the VPC: no connection from the deployer.
  const role =
    settings.bootstrapVia === "runner" && settings.base.bootstrap
      ? undefined
      : createAppRole(ctx.children, {
          admin: {
            host: writer.endpoint.host,
            port: writer.endpoint.port,
            username: settings.masterUsername,
            password: masterPassword(ctx, writer.masterUserSecretArn),
            sslmode: "verify-full",
            sslrootcert: settings.caBundleFile ?? caBundleFileFor(settings.caBundlePem),
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
 * `username`/`password`; `sslrootcertPem` is the PEM to verify `host` with (PgBouncer's self-signed
 * certificate, or the RDS CAs without a pooler), `serverCa` the RDS CAs.
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
