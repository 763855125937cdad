// Visor's app role: a random password (a Pulumi secret) and its SCRAM verifier, computed here with a
// stable random salt. The role is created with the verifier, so the server stores exactly the string
// PgBouncer's userlist holds: SCRAM then passes through PgBouncer to the server.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { scramSha256Verifier } from "../pgbouncer/scram";
import type { SharedChildTransforms } from "./args";
import type { Children } from "./children";

export interface AppCredentials {
  password: random.RandomPassword;
  salt: random.RandomBytes;
  /** Secret: the plain password Visor uses. */
  plain: pulumi.Output<string>;
  /** Secret: `SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`. */
  verifier: pulumi.Output<string>;
}

export function appCredentials(children: Children<SharedChildTransforms>): AppCredentials {
  const name = children.name;
  // No characters that need quoting in URLs, YAML or PgBouncer files.
  const password = new random.RandomPassword(
    `${name}-app-password`,
    ...children.prepare("appPassword", { length: 32, special: false }),
  );
  const salt = new random.RandomBytes(`${name}-app-scram-salt`, ...children.prepare("appScramSalt", { length: 16 }));
  const verifier = pulumi
    .all([password.result, salt.base64])
    .apply(([plain, salt]) => scramSha256Verifier(plain, { salt: Buffer.from(salt, "base64") }));
  return { password, salt, plain: pulumi.secret(password.result), verifier: pulumi.secret(verifier) };
}
