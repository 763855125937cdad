// What Visor needs from any database it runs on, as rules over planned resources: backups with at least
// 7 days' retention (the guide's WAL schedule), point-in-time recovery, deletion protection, encryption,
// no public access, TLS enforced, and a standby or replica for every primary unless the stack opts out
// (visor-db-infra:requireHa). Pure functions, used both by the Pulumi policy pack (policy/index.ts) and by
// `visor-db plan` offline; how resources relate (replica → primary, lock → server, group → database) is
// in resources.ts.

import {
  T,
  get,
  where,
  followers,
  isAzureReplica,
  isPostgresFamily,
  isPrimary,
  isRdsReplica,
  lockCovers,
  peek,
  UNKNOWN,
  pgBooleanIsTrue,
  referenced,
  type PlannedResource,
} from "./resources";

export { T, type PlannedResource } from "./resources";
import { HA_REQUIRED_KEY } from "./ha-required";
export { HA_REQUIRED_KEY, haRequired } from "./ha-required";

export interface RuleContext {
  /** Require a standby or a replica for every primary: `haRequired` of the stack's config (ha-required.ts). */
  requireHa: boolean;
}

export interface VisorRule {
  name: string;
  description: string;
  /** Checks one resource; returns violation messages. */
  resource?: (r: PlannedResource, ctx: RuleContext) => string[];
  /** Checks the whole stack at once. */
  stack?: (rs: PlannedResource[], ctx: RuleContext) => string[];
}

export const MIN_RETENTION_DAYS = 7;

function retention(r: PlannedResource): number | undefined {
  if (r.type === T.rdsInstance || r.type === T.rdsCluster) return Number(r.props.backupRetentionPeriod ?? 0);
  if (r.type === T.cloudSql)
    return Number(get(r.props, "settings.backupConfiguration.backupRetentionSettings.retainedBackups") ?? 7);
  if (r.type === T.azureServer) return Number(get(r.props, "backup.backupRetentionDays") ?? 7);
  return undefined;
}

const FORCE_SSL_HOW = "a custom parameter group with rds.force_ssl = 1";

/**
 * rds.force_ssl on what PostgreSQL actually uses: an RDS for PostgreSQL instance's parameter group and an
 * aurora-postgresql cluster's cluster parameter group (it is a cluster-level parameter on Aurora). Groups of
 * other engines, or used by nothing, are not checked. A database on its default group is flagged: the
 * default's value depends on the engine and version (0 on Aurora and before RDS for PostgreSQL 15) and is
 * not visible in the stack.
 */
function forceSslViolations(rs: PlannedResource[]): string[] {
  const out = new Set<string>();
  const groups = rs.filter((r) => r.type === T.rdsParameterGroup);
  const clusterGroups = rs.filter((r) => r.type === T.rdsClusterParameterGroup);
  const pgInstances = rs.filter((r) => {
    if (r.type !== T.rdsInstance) return false;
    if (String(peek(r, "engine") ?? "").toLowerCase() === "postgres") return true;
    // A replica inherits its source's engine.
    const source = isRdsReplica(r) ? rs.find((p) => p.type === T.rdsInstance && followers(p, rs).includes(r)) : undefined;
    return String((source && peek(source, "engine")) ?? "").toLowerCase() === "postgres";
  });
  const pgClusters = rs.filter(
    (r) => r.type === T.rdsCluster && String(peek(r, "engine") ?? "").toLowerCase() === "aurora-postgresql",
  );
  const check = (db: PlannedResource, prop: string, candidates: PlannedResource[]) => {
    // Named by a dependency (a preview) or by value; neither: the default group.
    const value = peek(db, prop);
    if (!db.propertyDependencies?.[prop]?.length && (value === undefined || value === "")) {
      out.add(`${where(db)}: uses the default parameter group; use ${FORCE_SSL_HOW} (${prop})`);
      return;
    }
    const group = referenced(db, prop, candidates);
    if (!group) {
      out.add(
        `${where(db)}: parameter group ${JSON.stringify(value === UNKNOWN ? "(unknown)" : value)} is not in this stack, so rds.force_ssl cannot be checked`,
      );
      return;
    }
    if (!isPostgresFamily(group.props.family)) return;
    const params = (group.props.parameters as { name: string; value: unknown }[] | undefined) ?? [];
    const force = params.find((p) => p.name === "rds.force_ssl");
    if (String(force?.value ?? "").trim() !== "1") out.add(`${where(group)}: rds.force_ssl must be 1 (used by ${db.name})`);
  };
  for (const db of pgInstances) check(db, "parameterGroupName", groups);
  for (const db of pgClusters) check(db, "dbClusterParameterGroupName", clusterGroups);
  return [...out];
}

export const VISOR_RULES: VisorRule[] = [
  {
    name: "visor-backups-retention",
    description: `Automated backups are enabled and kept at least ${MIN_RETENTION_DAYS} days (the guide: hourly WAL kept 7 days)`,
    resource: (r) => {
      if (!isPrimary(r)) return [];
      const out: string[] = [];
      if (r.type === T.cloudSql && get(r.props, "settings.backupConfiguration.enabled") !== true)
        out.push(`${where(r)}: backups are disabled`);
      const days = retention(r);
      if (days !== undefined && !(days >= MIN_RETENTION_DAYS))
        out.push(`${where(r)}: backup retention is ${days} day(s); at least ${MIN_RETENTION_DAYS} are required`);
      return out;
    },
  },
  {
    name: "visor-point-in-time-recovery",
    description: "Point-in-time recovery is on (continuous WAL archiving)",
    resource: (r) => {
      if (!isPrimary(r)) return [];
      if (r.type === T.cloudSql) {
        const bc = get(r.props, "settings.backupConfiguration") as Record<string, unknown> | undefined;
        const out: string[] = [];
        if (bc?.pointInTimeRecoveryEnabled !== true) out.push(`${where(r)}: pointInTimeRecoveryEnabled must be true`);
        const logDays = Number(bc?.transactionLogRetentionDays ?? 7);
        if (logDays < MIN_RETENTION_DAYS)
          out.push(`${where(r)}: transactionLogRetentionDays is ${logDays}; at least ${MIN_RETENTION_DAYS} are required`);
        return out;
      }
      // RDS, Aurora and Azure Flexible Server keep PITR for the whole backup retention window.
      const days = retention(r);
      return days !== undefined && days < 1 ? [`${where(r)}: retention 0 disables point-in-time recovery`] : [];
    },
  },
  {
    name: "visor-deletion-protection",
    description: "The database cannot be deleted by accident (deletion protection, final snapshot, or a CanNotDelete lock)",
    resource: (r) => {
      if (!isPrimary(r)) return [];
      const out: string[] = [];
      if ((r.type === T.rdsInstance || r.type === T.rdsCluster) && r.props.deletionProtection !== true)
        out.push(`${where(r)}: deletionProtection must be true`);
      if ((r.type === T.rdsInstance || r.type === T.rdsCluster) && r.props.skipFinalSnapshot === true)
        out.push(`${where(r)}: skipFinalSnapshot must not be true`);
      if (r.type === T.cloudSql) {
        if (r.props.deletionProtection === false) out.push(`${where(r)}: deletionProtection (Pulumi) must not be false`);
        if (get(r.props, "settings.deletionProtectionEnabled") !== true)
          out.push(`${where(r)}: settings.deletionProtectionEnabled (Cloud SQL API) must be true`);
      }
      return out;
    },
    stack: (rs) => {
      const locks = rs.filter((r) => [T.azureLock, T.azureLockAtResource, T.azureLockAtResourceGroup].includes(r.type as never));
      return rs
        .filter((r) => r.type === T.azureServer && !isAzureReplica(r))
        .filter((server) => !locks.some((lock) => lockCovers(lock, server, rs)))
        .map((s) => `${where(s)}: no CanNotDelete management lock protects the server (scope: the server or its resource group)`);
    },
  },
  {
    name: "visor-storage-encryption",
    description: "Storage is encrypted at rest",
    resource: (r) => {
      if ((r.type === T.rdsInstance && !isRdsReplica(r)) || r.type === T.rdsCluster) {
        return r.props.storageEncrypted === true ? [] : [`${where(r)}: storageEncrypted must be true`];
      }
      // Cloud SQL and Azure Flexible Server always encrypt storage; nothing can turn it off.
      return [];
    },
  },
  {
    name: "visor-no-public-access",
    description: "The database is not reachable from the internet",
    resource: (r) => {
      if ((r.type === T.rdsInstance || r.type === T.rdsClusterInstance) && r.props.publiclyAccessible === true)
        return [`${where(r)}: publiclyAccessible must not be true`];
      if (r.type === T.cloudSql) {
        const ip = get(r.props, "settings.ipConfiguration") as Record<string, unknown> | undefined;
        if (ip?.ipv4Enabled !== false) return [`${where(r)}: settings.ipConfiguration.ipv4Enabled must be false (public IPv4)`];
      }
      // Replicas too: a replica serves the same data.
      if (r.type === T.azureServer && get(r.props, "network.publicNetworkAccess") !== "Disabled") {
        return [`${where(r)}: network.publicNetworkAccess must be "Disabled"${isAzureReplica(r) ? " (replica)" : ""}`];
      }
      return [];
    },
  },
  {
    name: "visor-tls-enforced",
    description: "Connections must use TLS",
    resource: (r) => {
      if (r.type === T.cloudSql) {
        const mode = get(r.props, "settings.ipConfiguration.sslMode");
        return mode === "ENCRYPTED_ONLY" || mode === "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
          ? []
          : [`${where(r)}: settings.ipConfiguration.sslMode must be ENCRYPTED_ONLY (got ${JSON.stringify(mode)})`];
      }
      // Any of PostgreSQL's false spellings (off, false, 0, no, prefixes; any case) turns TLS off.
      if (
        r.type === T.azureConfiguration &&
        r.props.configurationName === "require_secure_transport" &&
        !pgBooleanIsTrue(r.props.value)
      ) {
        return [`${where(r)}: require_secure_transport must stay on (got ${JSON.stringify(r.props.value)})`];
      }
      return [];
    },
    stack: forceSslViolations,
  },
  {
    name: "visor-ha-in-prod",
    description:
      "Each primary has its own standby or read replica (Multi-AZ, REGIONAL, ZoneRedundant, an Aurora reader, or a replica) unless visor-db-infra:requireHa is false",
    // Each primary on its own: another primary's replica is no standby for this one.
    stack: (rs, ctx) => {
      if (!ctx.requireHa) return [];
      return rs
        .filter(isPrimary)
        .filter((r) => {
          const own = followers(r, rs);
          // An Aurora cluster's writer is one of its instances; the others are its failover targets.
          if (r.type === T.rdsCluster) return own.length < 2;
          if (own.length > 0) return false;
          if (r.type === T.rdsInstance) return r.props.multiAz !== true;
          if (r.type === T.cloudSql) return get(r.props, "settings.availabilityType") !== "REGIONAL";
          return !["ZoneRedundant", "SameZone"].includes(String(get(r.props, "highAvailability.mode")));
        })
        .map((r) =>
          r.type === T.rdsCluster
            ? `${where(r)}: needs a reader instance of its own besides the writer (HA required: ${HA_REQUIRED_KEY})`
            : `${where(r)}: needs a standby (HA) or a read replica of its own (HA required: ${HA_REQUIRED_KEY})`,
        );
    },
  },
];

export interface RuleViolation {
  policy: string;
  message: string;
}

/** Runs every rule over a planned stack. */
export function checkPlan(resources: PlannedResource[], ctx: RuleContext): RuleViolation[] {
  return VISOR_RULES.flatMap((rule) =>
    [
      ...(rule.resource ? resources.flatMap((r) => rule.resource!(r, ctx)) : []),
      ...(rule.stack ? rule.stack(resources, ctx) : []),
    ].map((message) => ({ policy: rule.name, message })),
  );
}
