// The guide's "Initial Setup" with Cloud SQL's own resources: database `visor` and built-in user `visor` with a
// random password (a Pulumi secret), optional IAM database users, and a Secret Manager secret holding the app's
// connection settings.
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as sql from "@pulumi/gcp/sql";
import type { AppCredentials } from "../shared/app-credentials";
import { appConnectionJson, type AppConnectionArgs } from "../shared/app-connection";
import type { GcpBuild } from "./context";

export interface CloudSqlCredentials {
  database: sql.Database;
  user: sql.User;
  iamUsers: sql.User[];
  iamUserRoles: projects.IAMMember[];
}

export function cloudSqlCredentials(ctx: GcpBuild, primary: sql.DatabaseInstance, creds: AppCredentials): CloudSqlCredentials {
  const { name, settings } = ctx;
  const keep = settings.base.deletionProtection ? "ABANDON" : "DELETE";
  const [dbArgs, dbOpts] = ctx.children.prepare(
    "database",
    // ABANDON while protected: `pulumi destroy` never drops Visor's data.
    { project: settings.project, instance: primary.name, name: settings.base.databaseName, deletionPolicy: keep },
  );
  const database = new sql.Database(`${name}-database`, dbArgs, dbOpts);
  // Cloud SQL hashes this plain password itself (with its own salt); see pooler.ts for what that means for PgBouncer.
  const [userArgs, userOpts] = ctx.children.prepare(
    "user",
    // ABANDON: PostgreSQL refuses to drop a role that owns objects, which Visor's tables are.
    {
      project: settings.project,
      instance: primary.name,
      name: settings.base.appUser,
      type: "BUILT_IN",
      password: creds.plain,
      deletionPolicy: "ABANDON",
    },
    { additionalSecretOutputs: ["password"] },
  );
  const user = new sql.User(`${name}-user`, userArgs, userOpts);

  const iamUsers: sql.User[] = [];
  const iamUserRoles: projects.IAMMember[] = [];
  settings.iamUsers.forEach((u, i) => {
    const [a, o] = ctx.children.prepare("iamUser", {
      project: settings.project,
      instance: primary.name,
      name: u.sqlName,
      type: u.type,
      deletionPolicy: "ABANDON",
    });
    iamUsers.push(new sql.User(`${name}-iam-user-${i + 1}`, a, o));
    if (u.grantRole) {
      const member = `${u.type === "CLOUD_IAM_SERVICE_ACCOUNT" ? "serviceAccount" : "user"}:${u.email}`;
      const [ma, mo] = ctx.children.prepare("iamUserRole", {
        project: settings.project ?? primary.project,
        role: "roles/cloudsql.instanceUser",
        member,
      });
      iamUserRoles.push(new projects.IAMMember(`${name}-iam-user-${i + 1}-role`, ma, mo));
    }
  });
  return { database, user, iamUsers, iamUserRoles };
}

export interface ConnectionSecret {
  secret: secretmanager.Secret;
  version: secretmanager.SecretVersion;
}

/**
 * The app's connection in Secret Manager: the shared document (AppConnectionDocument). Its `sslrootcert` is
 * the CA for `host`: PgBouncer's own certificate with pooler "pgbouncer", else Cloud SQL's server CA.
 */
export function connectionSecret(ctx: GcpBuild, connection: AppConnectionArgs): ConnectionSecret {
  const { name, settings } = ctx;
  const [secretArgs, secretOpts] = ctx.children.prepare("connectionSecret", {
    project: settings.project,
    secretId: undefined,
    replication: { auto: {} },
    labels: settings.base.tags,
    deletionProtection: settings.base.deletionProtection,
  });
  const secret = new secretmanager.Secret(
    `${name}-connection`,
    { ...secretArgs, secretId: secretArgs.secretId ?? secretIdFor(name, "connection") },
    secretOpts,
  );
  const [versionArgs, versionOpts] = ctx.children.prepare(
    "connectionSecretVersion",
    { secret: secret.id, secretData: appConnectionJson(connection) },
    { additionalSecretOutputs: ["secretData"] },
  );
  const version = new secretmanager.SecretVersion(`${name}-connection`, versionArgs, versionOpts);
  return { secret, version };
}

/** Secret ids: [a-zA-Z0-9_-], at most 255 characters. */
export function secretIdFor(name: string, what: string): string {
  return `${name.replace(/[^a-zA-Z0-9_-]+/g, "-")}-${what}`.slice(0, 255);
}
