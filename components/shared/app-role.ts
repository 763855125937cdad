// The guide's "Initial Setup" through @pulumi/postgresql over a direct writer connection: role `visor`,
// database `visor` owned by it, privileges granted. Used by the AWS and Azure components (Cloud SQL has
// its own Database/User resources).
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

export function createAppRole(children: Children<SharedChildTransforms>, args: AppRoleArgs): AppRole {
  const name = children.name;
  const provider = new postgresql.Provider(
    `${name}-pg-admin`,
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
        // Managed PostgreSQL (RDS, Azure) gives no real superuser.
        superuser: false,
        connectTimeout: 30,
      },
      { dependsOn: args.dependsOn },
    ),
  );
  const opts = { provider };
  const role = new postgresql.Role(
    `${name}-app-role`,
    ...children.prepare("appRole", { name: args.appUser, login: true, password: args.passwordVerifier }, opts),
  );
  const database = new postgresql.Database(
    `${name}-app-database`,
    ...children.prepare("appDatabase", { name: args.databaseName, owner: role.name }, opts),
  );
  const grant = new postgresql.Grant(
    `${name}-app-grant`,
    ...children.prepare(
      "appGrant",
      { database: database.name, role: role.name, objectType: "database", privileges: ["CONNECT", "CREATE", "TEMPORARY"] },
      opts,
    ),
  );
  return { provider, role, database, grant };
}
