// All of GcpVisorDatabase's input checking, run in the constructor before any child is registered: one clear
// VisorValidationError naming the field and the allowed range, so `pulumi preview` fails fast.
import { validateBase } from "../shared/base-validation";
import { requireBoundedCidr, requireDistinctAdmin, requireKeyInRegion } from "../shared/rules";
import { Validator } from "../shared/validation";
import { GCP_EDITIONS, GCP_POOLERS, GCP_SSL_MODES, type GcpVisorDatabaseArgs } from "./args";
import { CLOUD_SQL_MANAGED_SETTINGS, COMPONENT, DEFAULT_PG_MAJOR, DEFAULT_POOLER, MIN_PG_MAJOR, PITR_MAX_DAYS } from "./defaults";
import { requireLabels } from "./labels";
import type { ResolvedGcp } from "./resolved";
import { cloudSqlTuningBasis, resolveDiskType, resolveTier } from "./tiers";
import { resolveBackups } from "./validate-backups";
import {
  cmekExample,
  REGION,
  requireManagedPoolCapacity,
  resolveAlerts,
  resolvePgBouncer,
  resolveReplicas,
} from "./validate-options";

const NETWORK = /^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[^/]+\/global\/networks\/[^/]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** "18" | "POSTGRES_18" → "POSTGRES_18". */
function databaseVersion(check: Validator, args: GcpVisorDatabaseArgs): string {
  const given = args.databaseVersion ?? args.engineVersion;
  if (args.databaseVersion !== undefined && args.engineVersion !== undefined) {
    const norm = (s: string) => s.replace(/^POSTGRES_/, "");
    check.require(
      norm(args.databaseVersion) === norm(args.engineVersion),
      "engineVersion",
      `the same major as databaseVersion (${args.databaseVersion})`,
      args.engineVersion,
    );
  }
  const field = args.databaseVersion !== undefined ? "databaseVersion" : "engineVersion";
  const allowed = `a PostgreSQL major from ${MIN_PG_MAJOR} to ${DEFAULT_PG_MAJOR}, as "${DEFAULT_PG_MAJOR}" or "POSTGRES_${DEFAULT_PG_MAJOR}"`;
  if (given === undefined) return `POSTGRES_${DEFAULT_PG_MAJOR}`;
  const m = typeof given === "string" ? /^(?:POSTGRES_)?(\d+)$/.exec(given) : null;
  const major = m ? Number(m[1]) : NaN;
  if (!(major >= MIN_PG_MAJOR && major <= DEFAULT_PG_MAJOR)) check.fail(field, allowed, given);
  return `POSTGRES_${major}`;
}

export function validateGcpArgs(args: GcpVisorDatabaseArgs | undefined): ResolvedGcp {
  const check = new Validator(COMPONENT);
  if (!args || typeof args !== "object") return check.fail("args", "an object with at least region and network", args);
  const region = check.nonEmpty("region", args.region);
  check.require(REGION.test(region), "region", 'a Google Cloud region such as "europe-west1"', args.region);
  check.require(
    args.network !== undefined && args.network !== "",
    "network",
    "the VPC's id (projects/<p>/global/networks/<n>) or self link",
    args.network,
  );
  if (typeof args.network === "string")
    check.require(
      NETWORK.test(args.network),
      "network",
      "the VPC's id (projects/<p>/global/networks/<n>) or self link",
      args.network,
    );

  const edition = check.oneOf("edition", args.edition, GCP_EDITIONS, "ENTERPRISE");
  const primaryTier = resolveTier(check, edition, args.tier);
  const encryptionKeyName = args.encryptionKeyName;
  if (encryptionKeyName !== undefined)
    requireKeyInRegion(check, "encryptionKeyName", encryptionKeyName, region, cmekExample(region));
  const reps = resolveReplicas(check, args, region, primaryTier, edition, encryptionKeyName);
  // The guide's tuning sized to the tier's memory, inside Cloud SQL's ranges on every instance.
  const tuningBasis = cloudSqlTuningBasis(
    primaryTier,
    reps.map((r) => r.tierInfo),
  );
  const base = validateBase(check, args, { maxRetentionDays: PITR_MAX_DAYS[edition], tuningBasis });
  requireLabels(check, base.tags);
  const version = databaseVersion(check, args);
  const availabilityType = check.oneOf("availabilityType", args.availabilityType, ["REGIONAL", "ZONAL"] as const, "REGIONAL");

  const diskSizeGb = check.int("diskSizeGb", args.diskSizeGb, 10, 65_536, 20);
  const diskAutoresizeLimitGb = check.int(
    "diskAutoresizeLimitGb",
    args.diskAutoresizeLimitGb,
    diskSizeGb,
    65_536,
    Math.max(200, diskSizeGb),
  );
  const diskType = resolveDiskType(check, primaryTier, args.diskType);
  check.require(
    !(diskType === "HYPERDISK_BALANCED" && diskSizeGb < 20),
    "diskSizeGb",
    "at least 20 with diskType HYPERDISK_BALANCED",
    diskSizeGb,
  );
  const p = args.privateServiceAccess ?? {};
  const psaCreate = check.bool("privateServiceAccess.create", p.create, true);
  const psa = {
    create: psaCreate,
    prefixLength: check.int("privateServiceAccess.prefixLength", p.prefixLength, 8, 24, 16),
    connection: p.connection,
    allocatedIpRange: p.allocatedIpRange,
  };
  check.require(
    psaCreate || p.connection !== undefined,
    "privateServiceAccess.connection",
    "your servicenetworking.Connection when privateServiceAccess.create is false (the instance must wait for it)",
    p.connection,
  );
  if (p.allocatedIpRange !== undefined)
    check.require(
      /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(p.allocatedIpRange),
      "privateServiceAccess.allocatedIpRange",
      "an RFC 1035 name",
      p.allocatedIpRange,
    );

  const publicIp = check.bool("publicIp", args.publicIp, false);
  const authorizedNetworks = args.authorizedNetworks ?? [];
  check.require(
    publicIp || authorizedNetworks.length === 0,
    "authorizedNetworks",
    "empty unless publicIp is true",
    authorizedNetworks,
  );
  authorizedNetworks.forEach((network, index) => requireBoundedCidr(check, `authorizedNetworks[${index}].cidr`, network?.cidr));

  const sslMode = check.oneOf("sslMode", args.sslMode, GCP_SSL_MODES, "ENCRYPTED_ONLY");
  // Every hop verifies the instance's DNS name, which only CAS-issued server certificates carry; fixed at creation.
  const serverCaMode = check.oneOf(
    "serverCaMode",
    args.serverCaMode as "GOOGLE_MANAGED_CAS_CA" | undefined,
    ["GOOGLE_MANAGED_CAS_CA"] as const,
    "GOOGLE_MANAGED_CAS_CA",
  );
  const privateDns = check.bool("privateDns", args.privateDns, true);
  const backups = resolveBackups(check, args, base, region, encryptionKeyName);

  const maintenanceWindow = {
    day: check.int("maintenanceWindow.day", args.maintenanceWindow?.day, 1, 7, 7),
    hour: check.int("maintenanceWindow.hour", args.maintenanceWindow?.hour, 0, 23, 4),
  };
  const queryInsights = check.bool("queryInsights", args.queryInsights, true);

  const iamUsers = (args.iamUsers ?? []).map((u, i) => {
    check.require(
      typeof u?.email === "string" && EMAIL.test(u.email),
      `iamUsers[${i}].email`,
      "a Google account or service account e-mail",
      u?.email,
    );
    const sa = u.email.endsWith(".gserviceaccount.com");
    return {
      email: u.email,
      // Cloud SQL names a service account's database user without the domain suffix.
      sqlName: sa ? u.email.replace(/\.gserviceaccount\.com$/, "") : u.email,
      type: sa ? ("CLOUD_IAM_SERVICE_ACCOUNT" as const) : ("CLOUD_IAM_USER" as const),
      grantRole: check.bool(`iamUsers[${i}].grantInstanceUserRole`, u.grantInstanceUserRole, true),
    };
  });
  check.require(
    new Set(iamUsers.map((u) => u.email)).size === iamUsers.length,
    "iamUsers",
    "a list without duplicate e-mails",
    iamUsers.map((u) => u.email),
  );

  // Visor's role is made by this user over SQL, so it is not a cloudsqlsuperuser member (see credentials.ts).
  const adminUser = check.identifier("adminUser", args.adminUser, "visor_admin");
  check.require(
    !/^(postgres$|cloudsql|pg_)/.test(adminUser),
    "adminUser",
    "not a name Cloud SQL or PostgreSQL reserves (postgres, cloudsql*, pg_*)",
    adminUser,
  );
  requireDistinctAdmin(check, "adminUser", adminUser, base.appUser);

  const pooler = check.oneOf("pooler", args.pooler, GCP_POOLERS, DEFAULT_POOLER[edition]);
  check.require(
    !(pooler === "managed" && edition !== "ENTERPRISE_PLUS"),
    "pooler",
    '"pgbouncer" or "none" on edition ENTERPRISE (managed pooling needs ENTERPRISE_PLUS)',
    pooler,
  );
  const pgbouncer = resolvePgBouncer(check, args, pooler, base);
  if (pooler === "managed") requireManagedPoolCapacity(check, base, primaryTier);

  // Client certificates: neither the bootstrap nor PgBouncer presents one.
  if (sslMode === "TRUSTED_CLIENT_CERTIFICATE_REQUIRED") {
    check.require(
      base.bootstrap === false,
      "sslMode",
      '"ENCRYPTED_ONLY" while bootstrap is on (the bootstrap has no client certificate)',
      sslMode,
    );
    check.require(
      pooler !== "pgbouncer",
      "sslMode",
      '"ENCRYPTED_ONLY" with pooler "pgbouncer" (PgBouncer has no client certificate)',
      sslMode,
    );
  }

  for (const k of Object.keys(args.parameters ?? {})) {
    check.require(
      !(CLOUD_SQL_MANAGED_SETTINGS as readonly string[]).includes(k),
      `parameters.${k}`,
      `a flag Cloud SQL lets you set (it manages ${CLOUD_SQL_MANAGED_SETTINGS.join(", ")} itself)`,
      k,
    );
  }
  const monitoring = resolveAlerts(check, args, base.tuning.maxConnections);

  return {
    base,
    region,
    project: args.project,
    network: args.network,
    databaseVersion: version,
    edition,
    tier: primaryTier.tier,
    tierInfo: primaryTier,
    availabilityType,
    diskSizeGb,
    diskAutoresizeLimitGb,
    diskType,
    encryptionKeyName,
    psa,
    publicIp,
    authorizedNetworks,
    sslMode,
    serverCaMode,
    privateDns,
    ...backups,
    replicas: reps,
    maintenanceWindow,
    queryInsights,
    iamUsers,
    adminUser,
    pooler,
    pgbouncer,
    monitoring,
  };
}

/** @deprecated The old name of validateGcpArgs. */
export const validateGcp = validateGcpArgs;
