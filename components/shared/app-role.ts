// The guide's "Initial Setup" through @pulumi/postgresql over a direct writer connection: role `visor`,
// database `visor` owned by it, privileges granted (AWS, Azure). On Cloud SQL the database is made through
// its API (owned by `cloudsqlsuperuser`), so the role gets privileges on it instead: createAppRoleOn (GCP).
import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import type { SharedChildTransforms } from "./args";
import type { Children } from "./children";

export interface AppRoleArgs {
  /** The writer, as the admin/master user. */
  admin: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
    /** Default `verify-full`. */
    sslmode?: pulumi.Input<string>;
    /** CA bundle file path for verify-full. */
    sslrootcert?: pulumi.Input<string>;
    /** Database the admin connects to. Default "postgres". */
    database?: pulumi.Input<string>;
  };
  databaseName: string;
  appUser: string;
  /** The role's password: the SCRAM verifier from appCredentials(). */
  passwordVerifier: pulumi.Input<string>;
  /** Everything that must exist before connecting (the instance, the firewall rule…). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface AppRole {
  provider: postgresql.Provider;
  role: postgresql.Role;
  database: postgresql.Database;
  grant: postgresql.Grant;
}

/** An existing database (made through the cloud's API): the role is granted what it needs on it instead. */
export interface AppRoleOnArgs extends Omit<AppRoleArgs, "databaseName"> {
  database: pulumi.Input<string>;
}

export interface AppRoleOn {
  provider: postgresql.Provider;
  role: postgresql.Role;
  /** CONNECT, CREATE, TEMPORARY on the database. */
  grant: postgresql.Grant;
  /** CREATE, USAGE on its `public` schema (owned by the database's owner on PostgreSQL 15+). */
  schemaGrant: postgresql.Grant;
}

function adminProvider(children: Children<SharedChildTransforms>, args: Pick<AppRoleArgs, "admin" | "dependsOn">) {
  return new postgresql.Provider(
    `${children.name}-pg-admin`,
    ...children.prepare(
      "pgAdminProvider",
      {
        host: args.admin.host,
        port: args.admin.port,
        username: args.admin.username,
        password: args.admin.password,
        database: args.admin.database ?? "postgres",
        sslmode: args.admin.sslmode ?? "verify-full",
        sslrootcert: args.admin.sslrootcert,
        // Managed PostgreSQL (RDS, Azure, Cloud SQL) gives no real superuser.
        superuser: false,
        connectTimeout: 30,
      },
      { dependsOn: args.dependsOn },
    ),
  );
}

/** A plain login role: no SUPERUSER, CREATEROLE, CREATEDB or memberships (the provider's defaults). */
function loginRole(
  children: Children<SharedChildTransforms>,
  args: Pick<AppRoleArgs, "appUser" | "passwordVerifier">,
  provider: postgresql.Provider,
) {
  return new postgresql.Role(
    `${children.name}-app-role`,
    ...children.prepare("appRole", { name: args.appUser, login: true, password: args.passwordVerifier }, { provider }),
  );
}

function databaseGrant(
  children: Children<SharedChildTransforms>,
  database: pulumi.Input<string>,
  role: postgresql.Role,
  provider: postgresql.Provider,
) {
  return new postgresql.Grant(
    `${children.name}-app-grant`,
    ...children.prepare(
      "appGrant",
      { database, role: role.name, objectType: "database", privileges: ["CONNECT", "CREATE", "TEMPORARY"] },
      { provider },
    ),
  );
}

export function createAppRole(children: Children<SharedChildTransforms>, args: AppRoleArgs): AppRole {
  const provider = adminProvider(children, args);
  const role = loginRole(children, args, provider);
  const database = new postgresql.Database(
    `${children.name}-app-database`,
    ...children.prepare("appDatabase", { name: args.databaseName, owner: role.name }, { provider }),
  );
  const grant = databaseGrant(children, database.name, role, provider);
  return { provider, role, database, grant };
}

/**
 * The app role on a database that already exists and that it does not own: the database privileges, and CREATE
 * and USAGE on `public` so Visor can create its tables (which it then owns) — nothing outside that database.
 */
export function createAppRoleOn(children: Children<SharedChildTransforms>, args: AppRoleOnArgs): AppRoleOn {
  const provider = adminProvider(children, args);
  const role = loginRole(children, args, provider);
  const grant = databaseGrant(children, args.database, role, provider);
  const schemaGrant = new postgresql.Grant(
    `${children.name}-app-schema-grant`,
    ...children.prepare(
      "appSchemaGrant",
      { database: args.database, role: role.name, schema: "public", objectType: "schema", privileges: ["CREATE", "USAGE"] },
      { provider },
    ),
  );
  return { provider, role, grant, schemaGrant };
}
