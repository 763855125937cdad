// The guide's "Initial Setup" with Cloud SQL's own resources: database `visor` and built-in user `visor` with a
// random password (a Pulumi secret), optional IAM database users, and a Secret Manager secret holding the app's
// connection settings.
import * as pulumi from "@pulumi/pulumi";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as sql from "@pulumi/gcp/sql";
import type { AppCredentials } from "../shared/app-credentials";
import type { Endpoint } from "../shared/args";
import type { GcpVisorDatabaseTransforms } from "./args";
import { tx } from "./transform";
import type { ResolvedGcp } from "./validate";

export interface CloudSqlCredentials {
  database: sql.Database;
  user: sql.User;
  iamUsers: sql.User[];
  iamUserRoles: projects.IAMMember[];
}

export function cloudSqlCredentials(
  name: string,
  parent: pulumi.Resource,
  r: ResolvedGcp,
  primary: sql.DatabaseInstance,
  creds: AppCredentials,
  t?: GcpVisorDatabaseTransforms,
): CloudSqlCredentials {
  const keep = r.base.deletionProtection ? "ABANDON" : "DELETE";
  const [dbArgs, dbOpts] = tx(
    t,
    "database",
    // ABANDON while protected: `pulumi destroy` never drops Visor's data.
    { project: r.project, instance: primary.name, name: r.base.databaseName, deletionPolicy: keep },
    { parent },
  );
  const database = new sql.Database(`${name}-database`, dbArgs, dbOpts);
  // Cloud SQL hashes this plain password itself (with its own salt); see pooler.ts for what that means for PgBouncer.
  const [userArgs, userOpts] = tx(
    t,
    "user",
    // ABANDON: PostgreSQL refuses to drop a role that owns objects, which Visor's tables are.
    {
      project: r.project,
      instance: primary.name,
      name: r.base.appUser,
      type: "BUILT_IN",
      password: creds.plain,
      deletionPolicy: "ABANDON",
    },
    { parent, additionalSecretOutputs: ["password"] },
  );
  const user = new sql.User(`${name}-user`, userArgs, userOpts);

  const iamUsers: sql.User[] = [];
  const iamUserRoles: projects.IAMMember[] = [];
  r.iamUsers.forEach((u, i) => {
    const [a, o] = tx(
      t,
      "iamUser",
      { project: r.project, instance: primary.name, name: u.sqlName, type: u.type, deletionPolicy: "ABANDON" },
      { parent },
    );
    iamUsers.push(new sql.User(`${name}-iam-user-${i + 1}`, a, o));
    if (u.grantRole) {
      const member = `${u.type === "CLOUD_IAM_SERVICE_ACCOUNT" ? "serviceAccount" : "user"}:${u.email}`;
      const [ma, mo] = tx(
        t,
        "iamUserRole",
        { project: r.project ?? primary.project, role: "roles/cloudsql.instanceUser", member },
        { parent },
      );
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
 * The app's connection in Secret Manager as JSON: where Visor connects (the pooler when there is one), the writer,
 * database, user, password, `sslmode` and the CA to verify `host` with (`sslrootcert`: PgBouncer's own certificate
 * when the pooler is our PgBouncer, else Cloud SQL's server CA; both also as `serverCa` / `poolerCa`). What Visor's
 * `scheduler.storage.connection` needs.
 */
export function connectionSecret(
  name: string,
  parent: pulumi.Resource,
  r: ResolvedGcp,
  c: {
    writer: pulumi.Output<Endpoint>;
    pooler: pulumi.Output<Endpoint | undefined>;
    password: pulumi.Output<string>;
    serverCa: pulumi.Output<string>;
    /** PgBouncer's self-signed certificate (pooler "pgbouncer"): the pooler's CA instead of the server CA. */
    poolerCa?: pulumi.Output<string>;
  },
  t?: GcpVisorDatabaseTransforms,
): ConnectionSecret {
  const [sArgs, sOpts] = tx(
    t,
    "connectionSecret",
    {
      project: r.project,
      secretId: undefined,
      replication: { auto: {} },
      labels: r.base.tags,
      deletionProtection: r.base.deletionProtection,
    },
    { parent },
  );
  const secret = new secretmanager.Secret(
    `${name}-connection`,
    { ...sArgs, secretId: sArgs.secretId ?? secretIdFor(name, "connection") },
    sOpts,
  );
  const poolerCa = c.poolerCa ?? pulumi.output(undefined);
  const data = pulumi
    .all([c.writer, c.pooler, c.password, c.serverCa, poolerCa])
    .apply(([writer, pooler, password, serverCa, pCa]) => {
      const target = pooler ?? writer;
      // Every target is verify-full: Cloud SQL (writer, managed pooler) against its server CA, PgBouncer against its own certificate.
      const sslmode = "verify-full";
      const ca = pooler && pCa ? pCa : serverCa;
      const url = `postgresql://${r.base.appUser}:${encodeURIComponent(password)}@${target.host}:${target.port}/${r.base.databaseName}?sslmode=${sslmode}`;
      return JSON.stringify({
        host: target.host,
        port: target.port,
        database: r.base.databaseName,
        user: r.base.appUser,
        password,
        sslmode,
        sslrootcert: ca,
        serverCa,
        poolerCa: pooler ? (pCa ?? serverCa) : null,
        writer,
        pooler: pooler ?? null,
        url,
      });
    });
  const [vArgs, vOpts] = tx(
    t,
    "connectionSecretVersion",
    { secret: secret.id, secretData: pulumi.secret(data) },
    { parent, additionalSecretOutputs: ["secretData"] },
  );
  const version = new secretmanager.SecretVersion(`${name}-connection`, vArgs, vOpts);
  return { secret, version };
}

/** Secret ids: [a-zA-Z0-9_-], at most 255 characters. */
export function secretIdFor(name: string, what: string): string {
  return `${name.replace(/[^a-zA-Z0-9_-]+/g, "-")}-${what}`.slice(0, 255);
}
