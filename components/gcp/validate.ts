// All of GcpVisorDatabase's input checking, run in the constructor before any child is registered: one clear
// VisorValidationError naming the field and the allowed range, so `pulumi preview` fails fast.
import * as pulumi from "@pulumi/pulumi";
import { validateBase, type ResolvedBase } from "../shared/base-validation";
import { Validator } from "../shared/validation";
import {
  GCP_EDITIONS,
  GCP_POOLERS,
  GCP_SSL_MODES,
  type GcpEdition,
  type GcpPooler,
  type GcpSslMode,
  type GcpVisorDatabaseArgs,
} from "./args";

export const COMPONENT = "GcpVisorDatabase";

/** The current PostgreSQL major on Cloud SQL; the oldest we accept is the oldest still in standard support. */
export const DEFAULT_PG_MAJOR = 18;
export const MIN_PG_MAJOR = 14;
export const MAX_REPLICAS = 10;
/** PITR log retention: 1–7 days on Enterprise, 1–35 on Enterprise Plus. */
export const PITR_MAX_DAYS: Record<GcpEdition, number> = { ENTERPRISE: 7, ENTERPRISE_PLUS: 35 };
export const DEFAULT_TIER: Record<GcpEdition, string> = {
  ENTERPRISE: "db-custom-2-7680",
  ENTERPRISE_PLUS: "db-perf-optimized-N-2",
};
/**
 * Managed pooling costs nothing extra on Enterprise Plus, so it is on there. On Enterprise a pooler means VMs to run,
 * and the guide keeps PgBouncer for "high-concurrency deployments (many Visor instances)" (5+ in its pool-sizing
 * table), so it is opt-in there: `pooler: "pgbouncer"`.
 */
export const DEFAULT_POOLER: Record<GcpEdition, GcpPooler> = { ENTERPRISE: "none", ENTERPRISE_PLUS: "managed" };
/** The same image the AWS component runs (its `pgbouncer` binary runs as uid 70). */
export const DEFAULT_PGBOUNCER_IMAGE = "edoburu/pgbouncer:1.23.1-p2";
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/**
 * Settings Cloud SQL manages itself and refuses as flags; `parameters` naming one of them fails here rather than at
 * apply time. (PITR sets wal_level/archive_*, replicas set max_wal_senders' floor, pg_stat_statements is preloaded.)
 */
export const CLOUD_SQL_MANAGED_SETTINGS = [
  "shared_preload_libraries",
  "wal_level",
  "archive_mode",
  "archive_command",
  "listen_addresses",
  "port",
  "ssl",
  "ssl_cert_file",
  "ssl_key_file",
  "ssl_ca_file",
  "data_directory",
  "hba_file",
  "password_encryption",
] as const;

export interface ResolvedReplica {
  region: string;
  tier: string;
  availabilityType: "ZONAL" | "REGIONAL";
  encryptionKeyName?: string;
}

export interface ResolvedGcp {
  base: ResolvedBase;
  /** The user's raw flags (validated), applied after the guide's. */
  parameters: Record<string, string>;
  region: string;
  project?: string;
  network: pulumi.Input<string>;
  databaseVersion: string;
  edition: GcpEdition;
  tier: string;
  availabilityType: "REGIONAL" | "ZONAL";
  diskSizeGb: number;
  diskAutoresizeLimitGb: number;
  diskType: "PD_SSD" | "HYPERDISK_BALANCED";
  encryptionKeyName?: string;
  psa: { create: boolean; prefixLength: number; connection?: pulumi.Input<pulumi.Resource>; allocatedIpRange?: string };
  publicIp: boolean;
  authorizedNetworks: { name?: string; cidr: string }[];
  sslMode: GcpSslMode;
  serverCaMode: "GOOGLE_MANAGED_CAS_CA" | "GOOGLE_MANAGED_INTERNAL_CA";
  retainedBackups: number;
  backupStartTime: string;
  backupLocation?: string;
  finalBackupRetentionDays: number;
  replicas: ResolvedReplica[];
  maintenanceWindow: { day: number; hour: number };
  queryInsights: boolean;
  iamUsers: { email: string; sqlName: string; type: "CLOUD_IAM_USER" | "CLOUD_IAM_SERVICE_ACCOUNT"; grantRole: boolean }[];
  pooler: GcpPooler;
  pgbouncer: {
    subnetwork?: pulumi.Input<string>;
    instances: number;
    machineType: string;
    image: string;
    runAs: string;
    osImage: string;
    allowedSourceRanges: string[];
  };
  monitoring: {
    enabled: boolean;
    notificationChannels: pulumi.Input<string>[];
    cpuThreshold: number;
    diskThreshold: number;
    connectionsThreshold: number;
    replicaLagSeconds: number;
    durationSeconds: number;
  };
}

const REGION = /^[a-z]+-[a-z]+\d+$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const NETWORK = /^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[^/]+\/global\/networks\/[^/]+$/;
const KMS_KEY = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function isCidr(s: unknown): boolean {
  const m = typeof s === "string" ? CIDR.exec(s) : null;
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** "18" | "POSTGRES_18" → "POSTGRES_18". */
function databaseVersion(v: Validator, args: GcpVisorDatabaseArgs): string {
  const given = args.databaseVersion ?? args.engineVersion;
  if (args.databaseVersion !== undefined && args.engineVersion !== undefined) {
    const norm = (s: string) => s.replace(/^POSTGRES_/, "");
    v.require(
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
  if (!(major >= MIN_PG_MAJOR && major <= DEFAULT_PG_MAJOR)) v.fail(field, allowed, given);
  return `POSTGRES_${major}`;
}

/** Tiers each edition takes: Enterprise Plus only the perf-optimized N2 family; Enterprise shared-core or custom. */
function tier(v: Validator, edition: GcpEdition, value: string | undefined, field = "tier"): string {
  const t = value ?? DEFAULT_TIER[edition];
  if (edition === "ENTERPRISE_PLUS") {
    v.require(
      typeof t === "string" && /^db-perf-optimized-N-\d+$/.test(t),
      field,
      'a "db-perf-optimized-N-<vCPUs>" tier on edition ENTERPRISE_PLUS',
      value,
    );
    return t;
  }
  if (t === "db-f1-micro" || t === "db-g1-small") return t;
  const m = typeof t === "string" ? /^db-custom-(\d+)-(\d+)$/.exec(t) : null;
  if (!m) return v.fail(field, 'a "db-custom-<vCPUs>-<MB>" or shared-core tier on edition ENTERPRISE', value);
  const cpus = Number(m[1]);
  const mb = Number(m[2]);
  v.require(cpus === 1 || (cpus % 2 === 0 && cpus <= 96), field, "a custom tier with 1 or an even number (≤ 96) of vCPUs", value);
  v.require(
    mb % 256 === 0 && mb >= 3840 && mb >= cpus * 0.9 * 1024 && mb <= cpus * 6.5 * 1024,
    field,
    "a custom tier with memory a multiple of 256 MB, at least 3840 MB and 0.9–6.5 GB per vCPU",
    value,
  );
  return t;
}

function replicas(
  v: Validator,
  args: GcpVisorDatabaseArgs,
  region: string,
  primaryTier: string,
  edition: GcpEdition,
  key?: string,
): ResolvedReplica[] {
  const r = args.replicas ?? 0;
  let specs: NonNullable<Exclude<GcpVisorDatabaseArgs["replicas"], number>>;
  if (typeof r === "number") {
    v.int("replicas", r, 0, MAX_REPLICAS, 0);
    specs = Array.from({ length: r }, () => ({}));
  } else {
    v.require(
      Array.isArray(r) && r.length <= MAX_REPLICAS,
      "replicas",
      `a count or a list of at most ${MAX_REPLICAS} replica specs`,
      Array.isArray(r) ? r.length : r,
    );
    specs = r;
  }
  return specs.map((s, i) => {
    const f = (k: string) => `replicas[${i}].${k}`;
    const rRegion = s.region ?? region;
    v.require(REGION.test(rRegion), f("region"), 'a Google Cloud region such as "europe-west1"', s.region);
    const rTier = s.tier === undefined ? primaryTier : tier(v, edition, s.tier, f("tier"));
    const availabilityType = v.oneOf(f("availabilityType"), s.availabilityType, ["ZONAL", "REGIONAL"] as const, "ZONAL");
    let encryptionKeyName = s.encryptionKeyName;
    if (encryptionKeyName !== undefined) {
      const m = KMS_KEY.exec(encryptionKeyName);
      v.require(
        !!m && m[1] === rRegion,
        f("encryptionKeyName"),
        `a Cloud KMS key in the replica's region (projects/…/locations/${rRegion}/keyRings/…/cryptoKeys/…)`,
        encryptionKeyName,
      );
    } else if (key !== undefined) {
      // A key is regional: a cross-region replica of a CMEK primary needs its own key in its region.
      v.require(
        rRegion === region,
        f("encryptionKeyName"),
        `a Cloud KMS key in ${rRegion} (the primary uses CMEK and this replica is cross-region)`,
        undefined,
      );
      encryptionKeyName = key;
    }
    return { region: rRegion, tier: rTier, availabilityType, encryptionKeyName };
  });
}

export function validateGcp(args: GcpVisorDatabaseArgs | undefined): ResolvedGcp {
  const v = new Validator(COMPONENT);
  if (!args || typeof args !== "object") return v.fail("args", "an object with at least region and network", args);
  const region = v.nonEmpty("region", args.region);
  v.require(REGION.test(region), "region", 'a Google Cloud region such as "europe-west1"', args.region);
  v.require(
    args.network !== undefined && args.network !== "",
    "network",
    "the VPC's id (projects/<p>/global/networks/<n>) or self link",
    args.network,
  );
  if (typeof args.network === "string")
    v.require(
      NETWORK.test(args.network),
      "network",
      "the VPC's id (projects/<p>/global/networks/<n>) or self link",
      args.network,
    );

  const edition = v.oneOf("edition", args.edition, GCP_EDITIONS, "ENTERPRISE");
  const base = validateBase(v, args, { retentionDays: [1, PITR_MAX_DAYS[edition]] });
  const version = databaseVersion(v, args);
  const t = tier(v, edition, args.tier);
  const availabilityType = v.oneOf("availabilityType", args.availabilityType, ["REGIONAL", "ZONAL"] as const, "REGIONAL");

  const diskSizeGb = v.int("diskSizeGb", args.diskSizeGb, 10, 65_536, 20);
  const diskAutoresizeLimitGb = v.int(
    "diskAutoresizeLimitGb",
    args.diskAutoresizeLimitGb,
    diskSizeGb,
    65_536,
    Math.max(200, diskSizeGb),
  );
  const diskType = v.oneOf("diskType", args.diskType, ["PD_SSD", "HYPERDISK_BALANCED"] as const, "PD_SSD");
  v.require(
    !(diskType === "HYPERDISK_BALANCED" && diskSizeGb < 20),
    "diskSizeGb",
    "at least 20 with diskType HYPERDISK_BALANCED",
    diskSizeGb,
  );
  const encryptionKeyName = args.encryptionKeyName;
  if (encryptionKeyName !== undefined) {
    const m = KMS_KEY.exec(encryptionKeyName);
    v.require(
      !!m && m[1] === region,
      "encryptionKeyName",
      `a Cloud KMS key in ${region} (projects/…/locations/${region}/keyRings/…/cryptoKeys/…)`,
      encryptionKeyName,
    );
  }

  const p = args.privateServiceAccess ?? {};
  const psaCreate = v.bool("privateServiceAccess.create", p.create, true);
  const psa = {
    create: psaCreate,
    prefixLength: v.int("privateServiceAccess.prefixLength", p.prefixLength, 8, 24, 16),
    connection: p.connection,
    allocatedIpRange: p.allocatedIpRange,
  };
  v.require(
    psaCreate || p.connection !== undefined,
    "privateServiceAccess.connection",
    "your servicenetworking.Connection when privateServiceAccess.create is false (the instance must wait for it)",
    p.connection,
  );
  if (p.allocatedIpRange !== undefined)
    v.require(
      /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(p.allocatedIpRange),
      "privateServiceAccess.allocatedIpRange",
      "an RFC 1035 name",
      p.allocatedIpRange,
    );

  const publicIp = v.bool("publicIp", args.publicIp, false);
  const authorizedNetworks = args.authorizedNetworks ?? [];
  v.require(
    publicIp || authorizedNetworks.length === 0,
    "authorizedNetworks",
    "empty unless publicIp is true",
    authorizedNetworks,
  );
  authorizedNetworks.forEach((n, i) =>
    v.require(
      isCidr(n?.cidr) && n.cidr !== "0.0.0.0/0",
      `authorizedNetworks[${i}].cidr`,
      "an IPv4 CIDR other than 0.0.0.0/0",
      n?.cidr,
    ),
  );

  const sslMode = v.oneOf("sslMode", args.sslMode, GCP_SSL_MODES, "ENCRYPTED_ONLY");
  const serverCaMode = v.oneOf(
    "serverCaMode",
    args.serverCaMode,
    ["GOOGLE_MANAGED_CAS_CA", "GOOGLE_MANAGED_INTERNAL_CA"] as const,
    "GOOGLE_MANAGED_CAS_CA",
  );

  const retainedBackups = v.int("retainedBackups", args.retainedBackups, 1, 365, 30);
  const backupStartTime = args.backupStartTime ?? "03:00";
  v.require(/^([01]\d|2[0-3]):[0-5]\d$/.test(backupStartTime), "backupStartTime", 'a UTC time "HH:MM"', args.backupStartTime);
  if (args.backupLocation !== undefined)
    v.require(
      /^([a-z]+|[a-z]+-[a-z]+\d+)$/.test(args.backupLocation),
      "backupLocation",
      'a region ("europe-west4") or multi-region ("eu", "us", "asia")',
      args.backupLocation,
    );
  const finalBackupRetentionDays = v.int("finalBackupRetentionDays", args.finalBackupRetentionDays, 1, 365, 90);

  const reps = replicas(v, args, region, t, edition, encryptionKeyName);

  const maintenanceWindow = {
    day: v.int("maintenanceWindow.day", args.maintenanceWindow?.day, 1, 7, 7),
    hour: v.int("maintenanceWindow.hour", args.maintenanceWindow?.hour, 0, 23, 4),
  };
  const queryInsights = v.bool("queryInsights", args.queryInsights, true);

  const iamUsers = (args.iamUsers ?? []).map((u, i) => {
    v.require(
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
      grantRole: v.bool(`iamUsers[${i}].grantInstanceUserRole`, u.grantInstanceUserRole, true),
    };
  });
  v.require(
    new Set(iamUsers.map((u) => u.email)).size === iamUsers.length,
    "iamUsers",
    "a list without duplicate e-mails",
    iamUsers.map((u) => u.email),
  );

  const pooler = v.oneOf("pooler", args.pooler, GCP_POOLERS, DEFAULT_POOLER[edition]);
  v.require(
    !(pooler === "managed" && edition !== "ENTERPRISE_PLUS"),
    "pooler",
    '"pgbouncer" or "none" on edition ENTERPRISE (managed pooling needs ENTERPRISE_PLUS)',
    pooler,
  );
  const pb = args.pgbouncer ?? {};
  v.require(pooler === "pgbouncer" || args.pgbouncer === undefined, "pgbouncer", 'unset unless pooler is "pgbouncer"', pooler);
  if (pooler === "pgbouncer")
    v.require(
      pb.subnetwork !== undefined && pb.subnetwork !== "",
      "pgbouncer.subnetwork",
      'the subnetwork for the PgBouncer VMs and load balancer (required with pooler "pgbouncer")',
      pb.subnetwork,
    );
  const allowedSourceRanges = pb.allowedSourceRanges ?? RFC1918;
  allowedSourceRanges.forEach((c, i) =>
    v.require(isCidr(c) && c !== "0.0.0.0/0", `pgbouncer.allowedSourceRanges[${i}]`, "an IPv4 CIDR other than 0.0.0.0/0", c),
  );
  const runAs = pb.runAs ?? "70:70";
  v.require(
    /^[1-9]\d*:[1-9]\d*$/.test(runAs),
    "pgbouncer.runAs",
    'a non-root "uid:gid" (PgBouncer refuses to run as root)',
    pb.runAs,
  );
  const pgbouncer = {
    subnetwork: pb.subnetwork,
    instances: v.int("pgbouncer.instances", pb.instances, 1, 10, 2),
    machineType: v.nonEmpty("pgbouncer.machineType", pb.machineType, "e2-small"),
    image: v.nonEmpty("pgbouncer.image", pb.image, DEFAULT_PGBOUNCER_IMAGE),
    runAs,
    osImage: v.nonEmpty("pgbouncer.osImage", pb.osImage, "cos-cloud/cos-stable"),
    allowedSourceRanges,
  };

  // Client certificates: neither the bootstrap nor PgBouncer presents one.
  if (sslMode === "TRUSTED_CLIENT_CERTIFICATE_REQUIRED") {
    v.require(
      base.bootstrap === false,
      "sslMode",
      '"ENCRYPTED_ONLY" while bootstrap is on (the bootstrap has no client certificate)',
      sslMode,
    );
    v.require(
      pooler !== "pgbouncer",
      "sslMode",
      '"ENCRYPTED_ONLY" with pooler "pgbouncer" (PgBouncer has no client certificate)',
      sslMode,
    );
  }

  for (const k of Object.keys(args.parameters ?? {})) {
    v.require(
      !(CLOUD_SQL_MANAGED_SETTINGS as readonly string[]).includes(k),
      `parameters.${k}`,
      `a flag Cloud SQL lets you set (it manages ${CLOUD_SQL_MANAGED_SETTINGS.join(", ")} itself)`,
      k,
    );
  }
  const maxConnections = Number(base.tuning.max_connections);
  const m = args.monitoring ?? {};
  const monitoring = {
    enabled: v.bool("monitoring.enabled", m.enabled, true),
    notificationChannels: m.notificationChannels ?? [],
    cpuThreshold: v.number("monitoring.cpuThreshold", m.cpuThreshold, 0.01, 1, 0.8),
    diskThreshold: v.number("monitoring.diskThreshold", m.diskThreshold, 0.01, 1, 0.8),
    connectionsThreshold: v.number("monitoring.connectionsThreshold", m.connectionsThreshold, 0.01, 1, 0.8),
    replicaLagSeconds: v.int("monitoring.replicaLagSeconds", m.replicaLagSeconds, 1, 86_400, 30),
    durationSeconds: v.int("monitoring.durationSeconds", m.durationSeconds, 0, 86_400, 300),
  };
  v.require(
    Math.floor(maxConnections * monitoring.connectionsThreshold) >= 1,
    "monitoring.connectionsThreshold",
    `a fraction of max_connections (${maxConnections}) of at least one connection`,
    m.connectionsThreshold,
  );

  return {
    base,
    parameters: { ...args.parameters },
    region,
    project: args.project,
    network: args.network,
    databaseVersion: version,
    edition,
    tier: t,
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
    retainedBackups,
    backupStartTime,
    backupLocation: args.backupLocation,
    finalBackupRetentionDays,
    replicas: reps,
    maintenanceWindow,
    queryInsights,
    iamUsers,
    pooler,
    pgbouncer,
    monitoring,
  };
}
