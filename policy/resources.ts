// The planned resources the Visor rules look at, and how they relate: which replica follows which primary,
// which parameter group a database uses, which lock covers which server. A relation is found through the
// property's dependencies (known during a preview, when values are not) or through its value (known after
// an update, and on an existing stack whose props are outputs).

export interface PlannedResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** Unique reference: the URN in the policy pack, the name in `visor-db plan`. Default: `name`. */
  ref?: string;
  /** For each property, the refs of the resources its value was computed from. */
  propertyDependencies?: Record<string, string[]>;
}

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
  azureLockAtResource: "azure-native:authorization:ManagementLockAtResourceLevel",
  azureLockAtResourceGroup: "azure-native:authorization:ManagementLockAtResourceGroupLevel",
  azureResourceGroup: "azure-native:resources:ResourceGroup",
} as const;

export const get = (o: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);

export const where = (r: PlannedResource) => `${r.name} (${r.type})`;

/** A value not known yet: the policy pack's props throw when a preview reads one. */
export const UNKNOWN = Symbol("unknown");

/** `r.props[key]`, or UNKNOWN during a preview: relations fall back to the property's dependencies. */
export function peek(r: PlannedResource, path: string): unknown {
  try {
    return get(r.props, path);
  } catch {
    return UNKNOWN;
  }
}
/** Set, whether or not its value is known yet. */
const present = (v: unknown) => v === UNKNOWN || (typeof v === "string" && v.trim() !== "");
const refOf = (r: PlannedResource) => r.ref ?? r.name;
const lower = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : "");
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/** Does `from.props[prop]` come from `to`? By dependency, else by value against `to`'s identifying values. */
export function refersTo(from: PlannedResource, prop: string, to: PlannedResource, ids: unknown[]): boolean {
  if (from.propertyDependencies?.[prop]?.includes(refOf(to))) return true;
  const value = lower(peek(from, prop));
  return value !== "" && ids.some((id) => lower(id) === value);
}

/** An ARN or id naming a resource ends with its identifier (`arn:…:db:name`, `…/flexibleServers/name`). */
const tail = (id: unknown) => (nonEmpty(id) ? id.split(/[:/]/).pop() : undefined);

export const isRdsReplica = (r: PlannedResource) => r.type === T.rdsInstance && present(peek(r, "replicateSourceDb"));
export const isCloudSqlReplica = (r: PlannedResource) => r.type === T.cloudSql && present(peek(r, "masterInstanceName"));

const AZURE_REPLICA_ROLES = ["asyncreplica", "georeplica", "geoasyncreplica"];
/**
 * `createMode` is an input only; an existing stack's props are outputs, where a replica shows as
 * `replicationRole` (or `replica.role`) AsyncReplica/GeoAsyncReplica and `sourceServerResourceId`.
 */
export function isAzureReplica(r: PlannedResource): boolean {
  if (r.type !== T.azureServer) return false;
  const createMode = peek(r, "createMode");
  if (lower(createMode) === "replica") return true;
  const role = lower(peek(r, "replicationRole")) || lower(peek(r, "replica.role"));
  if (AZURE_REPLICA_ROLES.includes(role)) return true;
  // A restored server also names its source, but then createMode (an input) says so, or the role is set.
  return role === "" && createMode === undefined && nonEmpty(peek(r, "sourceServerResourceId"));
}

export const isReplica = (r: PlannedResource) => isRdsReplica(r) || isCloudSqlReplica(r) || isAzureReplica(r);

export const isPrimary = (r: PlannedResource) =>
  (r.type === T.rdsInstance && !isRdsReplica(r)) ||
  r.type === T.rdsCluster ||
  (r.type === T.cloudSql && !isCloudSqlReplica(r)) ||
  (r.type === T.azureServer && !isAzureReplica(r));

/** Values another resource may use to name `r` (identifier, ARN, id, name). */
export function identifiers(r: PlannedResource): unknown[] {
  return ["identifier", "arn", "id", "name", "clusterIdentifier", "serverName", "resourceId"]
    .map((k) => peek(r, k))
    .filter(nonEmpty);
}

/** The replicas (RDS, Cloud SQL, Azure) and Aurora instances that follow `primary`. */
export function followers(primary: PlannedResource, rs: PlannedResource[]): PlannedResource[] {
  const ids = identifiers(primary);
  const names = ids.map(tail).filter(nonEmpty);
  const viaTail = (r: PlannedResource, prop: string) => names.some((n) => lower(tail(peek(r, prop))) === lower(n));
  return rs.filter((r) => {
    if (r === primary) return false;
    if (primary.type === T.rdsInstance && isRdsReplica(r))
      return refersTo(r, "replicateSourceDb", primary, ids) || viaTail(r, "replicateSourceDb");
    if (primary.type === T.rdsCluster && r.type === T.rdsClusterInstance) return refersTo(r, "clusterIdentifier", primary, ids);
    if (primary.type === T.cloudSql && isCloudSqlReplica(r)) return refersTo(r, "masterInstanceName", primary, ids);
    if (primary.type === T.azureServer && isAzureReplica(r))
      return refersTo(r, "sourceServerResourceId", primary, ids) || viaTail(r, "sourceServerResourceId");
    return false;
  });
}

/** The resource `from.props[prop]` names, among `candidates`. */
export function referenced(from: PlannedResource, prop: string, candidates: PlannedResource[]): PlannedResource | undefined {
  return candidates.find((c) => refersTo(from, prop, c, identifiers(c)));
}

/** ARM ids compare case-insensitively, segment by segment. */
const segments = (id: string) => id.toLowerCase().split("/").filter(Boolean);

/**
 * Azure applies a lock to its scope and everything under it (a resource group lock protects every resource
 * in the group; a subscription lock every resource in the subscription). So a CanNotDelete lock protects a
 * server when its scope is the server's own id or an ancestor of it: the server's resource group, or its
 * subscription when the server's full id is known. A lock on another server, another resource group, or a
 * child of the server (a database, a configuration) does not protect the server.
 */
export function lockCovers(lock: PlannedResource, server: PlannedResource, rs: PlannedResource[]): boolean {
  const l = (k: string) => lower(peek(lock, k));
  if (l("level") !== "cannotdelete") return false;
  const rg = lower(peek(server, "resourceGroupName"));
  const name = lower(peek(server, "serverName")) || lower(peek(server, "name"));
  if (lock.type === T.azureLockAtResourceGroup) return rg !== "" && l("resourceGroupName") === rg;
  if (lock.type === T.azureLockAtResource)
    return (
      rg !== "" &&
      l("resourceGroupName") === rg &&
      l("resourceProviderNamespace") === "microsoft.dbforpostgresql" &&
      l("resourceType") === "flexibleservers" &&
      name !== "" &&
      l("resourceName") === name
    );
  if (lock.type !== T.azureLock) return false;
  const scope = peek(lock, "scope");
  const serverId = peek(server, "id");
  if (nonEmpty(scope) && scope.startsWith("/")) {
    const s = segments(scope);
    if (nonEmpty(serverId) && serverId.startsWith("/")) {
      const id = segments(serverId);
      return s.length <= id.length && s.every((seg, i) => seg === id[i]);
    }
    // Inputs only: the subscription is unknown, the resource group and name are not.
    const isRg = s.length === 4 && s[0] === "subscriptions" && s[2] === "resourcegroups" && s[3] === rg;
    const isServer =
      s.length === 8 &&
      s[2] === "resourcegroups" &&
      s[3] === rg &&
      s[5] === "microsoft.dbforpostgresql" &&
      s[6] === "flexibleservers" &&
      s[7] === name;
    return rg !== "" && (isRg || (name !== "" && isServer));
  }
  // Scope not known yet (a preview) or not an ARM id (the offline plan's mock ids): its dependencies say
  // what it was computed from: the server itself or the resource group the server is in.
  const from = lock.propertyDependencies?.scope ?? [];
  const serverRg = server.propertyDependencies?.resourceGroupName ?? [];
  const rgResources = rs.filter((r) => r.type === T.azureResourceGroup && serverRg.includes(refOf(r))).map(refOf);
  return from.length > 0 && from.every((d) => d === refOf(server) || rgResources.includes(d));
}

/** PostgreSQL's boolean spellings (case-insensitive, any unambiguous prefix): is `v` a true one? */
export function pgBooleanIsTrue(v: unknown): boolean {
  const s = lower(typeof v === "number" || typeof v === "boolean" ? String(v) : v);
  if (s === "" || s === "o") return false;
  return s === "on" || s === "1" || "true".startsWith(s) || "yes".startsWith(s);
}

export const isPostgresFamily = (family: unknown) => /^(postgres|aurora-postgresql)\d/.test(lower(family));
