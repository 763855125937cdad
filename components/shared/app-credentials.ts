// Visor's app role: a random password (a Pulumi secret) and its SCRAM verifier, computed here with a
// stable random salt. The role is created with the verifier, so the server stores exactly the string
// PgBouncer's userlist holds: SCRAM then passes through PgBouncer to the server.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { scramSha256Verifier } from "../pgbouncer/scram";
import { transformShared, type SharedChildTransforms } from "./args";

export interface AppCredentials {
  password: random.RandomPassword;
  salt: random.RandomBytes;
  /** Secret: the plain password Visor uses. */
  plain: pulumi.Output<string>;
  /** Secret: `SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`. */
  verifier: pulumi.Output<string>;
}

export function appCredentials(name: string, parent: pulumi.Resource, transforms?: SharedChildTransforms): AppCredentials {
  // No characters that need quoting in URLs, YAML or PgBouncer files.
  const password = new random.RandomPassword(
    `${name}-app-password`,
    ...transformShared(transforms, "appPassword", { length: 32, special: false }, { parent }),
  );
  const salt = new random.RandomBytes(
    `${name}-app-scram-salt`,
    ...transformShared(transforms, "appScramSalt", { length: 16 }, { parent }),
  );
  const verifier = pulumi
    .all([password.result, salt.base64])
    .apply(([p, s]) => scramSha256Verifier(p, { salt: Buffer.from(s, "base64") }));
  return { password, salt, plain: pulumi.secret(password.result), verifier: pulumi.secret(verifier) };
}
