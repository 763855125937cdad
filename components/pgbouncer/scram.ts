/**
 * Password verifiers in the exact text format PostgreSQL stores in
 * `pg_authid.rolpassword`, so pgbouncer's userlist and the server can hold the
 * very same secret without pgbouncer ever seeing a plain-text password.
 *
 * Errors thrown here never contain the password (nor the verifier, which is
 * password-equivalent for md5 and enough to impersonate the server for SCRAM).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** Options for {@link scramSha256Verifier}. */
export interface ScramVerifierOptions {
  /**
   * Salt to use. Pass one only to reproduce an existing verifier or to get
   * deterministic output; a fresh salt per password is the safe choice.
   * @defaultValue 16 random bytes (what PostgreSQL generates)
   */
  salt?: Buffer;
  /**
   * PBKDF2 iteration count.
   * @defaultValue 4096 (PostgreSQL's `scram_iterations` default)
   */
  iterations?: number;
}

/** The decoded parts of a `SCRAM-SHA-256$…` verifier. */
export interface ScramVerifierParts {
  iterations: number;
  salt: Buffer;
  /** SHA-256(HMAC(SaltedPassword, "Client Key")), 32 bytes. */
  storedKey: Buffer;
  /** HMAC(SaltedPassword, "Server Key"), 32 bytes. */
  serverKey: Buffer;
}

/** PostgreSQL's default `scram_iterations`. */
export const SCRAM_DEFAULT_ITERATIONS = 4096;
/** PostgreSQL's salt length (SCRAM_DEFAULT_SALT_LEN). */
export const SCRAM_DEFAULT_SALT_BYTES = 16;
/** Largest iteration count PostgreSQL accepts (it stores the count as a C int). */
export const SCRAM_MAX_ITERATIONS = 2 ** 31 - 1;
const SHA256_BYTES = 32;

/**
 * Computes the SCRAM-SHA-256 verifier PostgreSQL would store for `password`:
 * `SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>`.
 *
 * SASLprep: PostgreSQL runs non-ASCII passwords through SASLprep (RFC 4013).
 * This applies only its NFKC step (`password.normalize("NFKC")`), which is an
 * approximation: passwords holding characters SASLprep maps to nothing
 * (e.g. U+00AD soft hyphen, zero-width spaces) or prohibits may hash
 * differently than on the server. ASCII passwords are used as-is, exactly like
 * PostgreSQL does, so they are always exact.
 */
export function scramSha256Verifier(password: string, opts: ScramVerifierOptions = {}): string {
  if (typeof password !== "string" || password.length === 0) {
    throw new TypeError("scramSha256Verifier: password must be a non-empty string");
  }
  const iterations = opts.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > SCRAM_MAX_ITERATIONS) {
    throw new RangeError(
      `scramSha256Verifier: iterations must be an integer from 1 to ${SCRAM_MAX_ITERATIONS} (got ${String(iterations)})`,
    );
  }
  const salt = opts.salt ?? randomBytes(SCRAM_DEFAULT_SALT_BYTES);
  if (!Buffer.isBuffer(salt) || salt.length === 0) {
    throw new TypeError("scramSha256Verifier: salt must be a non-empty Buffer");
  }

  // PostgreSQL skips SASLprep for pure ASCII, so only normalise otherwise.
  const prepared = /^[\x00-\x7f]*$/.test(password) ? password : password.normalize("NFKC");
  const saltedPassword = pbkdf2Sync(prepared, salt, iterations, SHA256_BYTES, "sha256");
  const clientKey = createHmac("sha256", saltedPassword).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", saltedPassword).update("Server Key").digest();

  return (
    `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}` + `$${storedKey.toString("base64")}:${serverKey.toString("base64")}`
  );
}

const B64 = "[A-Za-z0-9+/]+={0,2}";
const VERIFIER_RE = new RegExp(`^SCRAM-SHA-256\\$([1-9][0-9]{0,9}):(${B64})\\$(${B64}):(${B64})$`);

/**
 * Splits a `SCRAM-SHA-256$…` verifier into its decoded parts.
 * Throws (without echoing the input) when it is not in PostgreSQL's format.
 */
export function parseScramVerifier(verifier: string): ScramVerifierParts {
  const m = typeof verifier === "string" ? VERIFIER_RE.exec(verifier) : null;
  const bad = (why: string): never => {
    throw new TypeError(
      `parseScramVerifier: not a PostgreSQL SCRAM-SHA-256 verifier (${why}); ` +
        "expected SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>",
    );
  };
  if (!m) return bad("malformed");
  const iterations = Number(m[1]);
  if (iterations > SCRAM_MAX_ITERATIONS) return bad("iteration count too large");
  const salt = Buffer.from(m[2], "base64");
  const storedKey = Buffer.from(m[3], "base64");
  const serverKey = Buffer.from(m[4], "base64");
  if (storedKey.length !== SHA256_BYTES || serverKey.length !== SHA256_BYTES) {
    return bad("StoredKey and ServerKey must be 32 bytes");
  }
  return { iterations, salt, storedKey, serverKey };
}

/**
 * The legacy `md5` verifier, `"md5" + md5hex(password + user)`, for servers
 * older than PostgreSQL 10 or roles still on `password_encryption = md5`.
 * Prefer SCRAM: this one is password-equivalent if leaked.
 */
export function md5Verifier(user: string, password: string): string {
  if (typeof user !== "string" || user.length === 0) {
    throw new TypeError("md5Verifier: user must be a non-empty string");
  }
  if (typeof password !== "string" || password.length === 0) {
    throw new TypeError("md5Verifier: password must be a non-empty string");
  }
  // PostgreSQL hashes the UTF-8 bytes; the user name acts as the salt.
  return (
    "md5" +
    createHash("md5")
      .update(password + user, "utf8")
      .digest("hex")
  );
}

/** True for a string shaped like an md5 verifier (`md5` + 32 hex digits). */
export function isMd5Verifier(verifier: string): boolean {
  return typeof verifier === "string" && /^md5[0-9a-f]{32}$/.test(verifier);
}
