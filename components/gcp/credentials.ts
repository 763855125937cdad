// The guide's "Initial Setup" with Cloud SQL's own resources: database `visor`, the built-in admin user
// `visor_admin` with a random password (a Pulumi secret) that creates Visor's own role over SQL (app-role.ts),
// optional IAM database users, and a Secret Manager secret holding the app's connection settings.
import * as pulumi from "@pulumi/pulumi";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as sql from "@pulumi/gcp/sql";
import * as random from "@pulumi/random";
import { appConnectionJson, type AppConnectionArgs } from "../shared/app-connection";
import type { GcpBuild } from "./context";

export interface CloudSqlCredentials {
  database: sql.Database;
  adminUser: sql.User;
  adminPassword: random.RandomPassword;
  /** Secret: the admin user's password. */
  adminSecret: pulumi.Output<string>;
  iamUsers: sql.User[];
  iamUserRoles: projects.IAMMember[];
}

export function cloudSqlCredentials(ctx: GcpBuild, primary: sql.DatabaseInstance): CloudSqlCredentials {
  const { name, settings } = ctx;
  const keep = settings.base.deletionProtection ? "ABANDON" : "DELETE";
  const [dbArgs, dbOpts] = ctx.children.prepare(
    "database",
    // ABANDON while protected: `pulumi destroy` never drops Visor's data.
    { project: settings.project, instance: primary.name, name: settings.base.databaseName, deletionPolicy: keep },
  );
  const database = new sql.Database(`${name}-database`, dbArgs, dbOpts);
  // Every user made through Cloud SQL's API (BUILT_IN) is a cloudsqlsuperuser member (CREATEROLE, CREATEDB): that
  // is the admin, never Visor. Visor's role is made by SQL (app-role.ts), which Cloud SQL leaves out of that group.
  const adminPassword = new random.RandomPassword(
    `${name}-admin-password`,
    ...ctx.children.prepare("adminPassword", { length: 32, special: false }),
  );
  const adminSecret = pulumi.secret(adminPassword.result);
  const [userArgs, userOpts] = ctx.children.prepare(
    "adminUser",
    {
      project: settings.project,
      instance: primary.name,
      name: settings.adminUser,
      type: "BUILT_IN",
      password: adminSecret,
      // ABANDON: PostgreSQL refuses to drop a role whose grants are still held (Visor's role's are).
      deletionPolicy: "ABANDON",
    },
    { additionalSecretOutputs: ["password"] },
  );
  const adminUser = new sql.User(`${name}-admin-user`, userArgs, userOpts);

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
  return { database, adminUser, adminPassword, adminSecret, iamUsers, iamUserRoles };
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
