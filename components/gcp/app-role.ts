// Visor's least-privilege role on Cloud SQL, as on AWS and Azure: the built-in admin user (credentials.ts) connects
// verify-full to the instance's DNS name and creates role `visor` by SQL with the SCRAM verifier as its password.
// A role made by SQL is not a member of cloudsqlsuperuser (unlike every user made through Cloud SQL's API), so
// Visor gets only what is granted here: CONNECT/CREATE/TEMPORARY on its database and CREATE/USAGE on `public`.
// The database itself stays a Cloud SQL resource (owned by cloudsqlsuperuser), so existing stacks keep it as is.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as sql from "@pulumi/gcp/sql";
import type { AppCredentials } from "../shared/app-credentials";
import { createAppRoleOn, type AppRoleOn } from "../shared/app-role";
import { POSTGRES_PORT } from "../shared/defaults";
import type { GcpBuild } from "./context";
import type { CloudSqlCredentials } from "./credentials";

/** Where the admin connection's CA file goes: one file per instance, rewritten by every run. */
export const SERVER_CA_DIR = join(tmpdir(), "visor-db-infra");

/**
 * The provider takes `sslrootcert` only as a file path, and Cloud SQL's CA exists only once the instance does: the
 * PEM is written on the machine running `pulumi up` (where the provider runs too), atomically, named after the
 * instance so the path stays the same from run to run (a CA rotation changes the file, not the provider's config).
 */
export function serverCaFile(
  instanceName: pulumi.Input<string>,
  serverCaPem: pulumi.Input<string>,
  dir: string = SERVER_CA_DIR,
): pulumi.Output<string> {
  return pulumi.all([instanceName, serverCaPem]).apply(([instance, pem]) => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${instance.replace(/[^a-zA-Z0-9_-]+/g, "-")}-server-ca.pem`);
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, pem.endsWith("\n") ? pem : `${pem}\n`, { mode: 0o644 });
    renameSync(partial, file);
    return file;
  });
}

export function visorAppRole(
  ctx: GcpBuild,
  c: {
    primary: sql.DatabaseInstance;
    /** The instance's DNS name (the name its server certificate carries). */
    host: pulumi.Input<string>;
    serverCa: pulumi.Output<string>;
    sqlCreds: CloudSqlCredentials;
    app: AppCredentials;
    /** What must exist before connecting besides the instance (its DNS record). */
    dependsOn: pulumi.Resource[];
  },
): AppRoleOn {
  const { settings } = ctx;
  return createAppRoleOn(ctx.children, {
    admin: {
      host: c.host,
      port: POSTGRES_PORT,
      username: c.sqlCreds.adminUser.name,
      password: c.sqlCreds.adminSecret,
      sslmode: "verify-full",
      sslrootcert: serverCaFile(c.primary.name, c.serverCa),
    },
    database: c.sqlCreds.database.name,
    appUser: settings.base.appUser,
    // The verifier, not the password: PgBouncer's userlist holds the same string, so SCRAM passes through.
    passwordVerifier: c.app.verifier,
    dependsOn: [c.primary, c.sqlCreds.adminUser, c.sqlCreds.database, ...c.dependsOn],
  });
}
