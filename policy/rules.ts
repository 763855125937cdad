// What Visor needs from any database it runs on, as rules over planned resources: backups with at least
// 7 days' retention (the guide's WAL schedule), point-in-time recovery, deletion protection, encryption,
// no public access, TLS enforced, and a replica or HA in prod stacks. Pure functions, used both by the
// Pulumi policy pack (policy/index.ts) and by `visor-db plan` offline.

export interface PlannedResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
}

export interface RuleContext {
  /** Require a replica or HA (true for stacks whose name contains "prod"). */
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

export const T = {
  rdsInstance: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  cloudSql: "gcp:sql/databaseInstance:DatabaseInstance",
  azureServer: "azure-native:dbforpostgresql:Server",
  azureConfiguration: "azure-native:dbforpostgresql:Configuration",
  azureLock: "azure-native:authorization:ManagementLockByScope",
} as const;

const get = (o: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);

const isRdsReplica = (r: PlannedResource) => r.type === T.rdsInstance && Boolean(r.props.replicateSourceDb);
const isCloudSqlReplica = (r: PlannedResource) => r.type === T.cloudSql && Boolean(r.props.masterInstanceName);
const isAzureReplica = (r: PlannedResource) => r.type === T.azureServer && r.props.createMode === "Replica";
const isPrimary = (r: PlannedResource) =>
  (r.type === T.rdsInstance && !isRdsReplica(r)) ||
  r.type === T.rdsCluster ||
  (r.type === T.cloudSql && !isCloudSqlReplica(r)) ||
  (r.type === T.azureServer && !isAzureReplica(r));

function retention(r: PlannedResource): number | undefined {
  if (r.type === T.rdsInstance || r.type === T.rdsCluster) return Number(r.props.backupRetentionPeriod ?? 0);
  if (r.type === T.cloudSql)
    return Number(get(r.props, "settings.backupConfiguration.backupRetentionSettings.retainedBackups") ?? 7);
  if (r.type === T.azureServer) return Number(get(r.props, "backup.backupRetentionDays") ?? 7);
  return undefined;
}

const where = (r: PlannedResource) => `${r.name} (${r.type})`;

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
      const servers = rs.filter((r) => r.type === T.azureServer && !isAzureReplica(r));
      const locks = rs.filter((r) => r.type === T.azureLock && r.props.level === "CanNotDelete");
      return servers.length && !locks.length
        ? servers.map((s) => `${where(s)}: no CanNotDelete management lock protects the server`)
        : [];
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
      if (r.type === T.azureServer && get(r.props, "network.publicNetworkAccess") !== "Disabled" && !isAzureReplica(r)) {
        return [`${where(r)}: network.publicNetworkAccess must be "Disabled"`];
      }
      return [];
    },
  },
  {
    name: "visor-tls-enforced",
    description: "Connections must use TLS",
    resource: (r) => {
      if (r.type === T.rdsParameterGroup || r.type === T.rdsClusterParameterGroup) {
        const params = (r.props.parameters as { name: string; value: string }[] | undefined) ?? [];
        const force = params.find((p) => p.name === "rds.force_ssl");
        return force?.value === "1" ? [] : [`${where(r)}: rds.force_ssl must be 1`];
      }
      if (r.type === T.cloudSql) {
        const mode = get(r.props, "settings.ipConfiguration.sslMode");
        return mode === "ENCRYPTED_ONLY" || mode === "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
          ? []
          : [`${where(r)}: settings.ipConfiguration.sslMode must be ENCRYPTED_ONLY (got ${JSON.stringify(mode)})`];
      }
      if (
        r.type === T.azureConfiguration &&
        r.props.configurationName === "require_secure_transport" &&
        String(r.props.value).toLowerCase() === "off"
      ) {
        return [`${where(r)}: require_secure_transport must stay on`];
      }
      return [];
    },
  },
  {
    name: "visor-ha-in-prod",
    description: "Prod stacks have a standby or a read replica (Multi-AZ, REGIONAL, ZoneRedundant, Aurora reader, or a replica)",
    stack: (rs, ctx) => {
      if (!ctx.requireHa) return [];
      const replicas = rs.filter((r) => isRdsReplica(r) || isCloudSqlReplica(r) || isAzureReplica(r)).length;
      const auroraReaders = Math.max(0, rs.filter((r) => r.type === T.rdsClusterInstance).length - 1);
      return rs
        .filter(isPrimary)
        .filter((r) => {
          if (replicas > 0 || auroraReaders > 0) return false;
          if (r.type === T.rdsInstance) return r.props.multiAz !== true;
          if (r.type === T.cloudSql) return get(r.props, "settings.availabilityType") !== "REGIONAL";
          if (r.type === T.azureServer)
            return !["ZoneRedundant", "SameZone"].includes(String(get(r.props, "highAvailability.mode")));
          return r.type === T.rdsCluster;
        })
        .map((r) => `${where(r)}: a prod stack needs a standby (HA) or at least one read replica`);
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
