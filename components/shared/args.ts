// The vocabulary every cloud component shares: the same argument names, defaults and output shape on
// AWS, Google Cloud and Azure, so a user switching clouds recognises everything.
import type * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import type * as postgresql from "@pulumi/postgresql";
import type * as tls from "@pulumi/tls";
import type { VisorSchemaArgs } from "../visor/providers/visor-schema";
import type { VisorHaSmokeTestArgs } from "../visor/providers/visor-ha-smoke-test";
import type { VisorTuning } from "./tuning";

/** A host and port, as the outputs give them. */
export interface Endpoint {
  host: string;
  port: number;
}

/** Visor's HA settings (scheduler.ha), validated as the guide requires: heartbeat < lock_ttl / 3. */
export interface VisorHaSettings {
  /** Visor's `lock_ttl` in seconds. Default 60. */
  lockTtlSeconds?: number;
  /** Visor's `heartbeat_interval` in seconds. Default 15. */
  heartbeatIntervalSeconds?: number;
}

/** What `pulumi up` runs against the new database. */
export interface VisorBootstrapSettings {
  /** Run the smoke test as well as the schema bootstrap. Default true. */
  smokeTest?: boolean;
  /** Simulated Visor nodes in the smoke test. Default 3. */
  nodes?: number;
  /** Re-run the smoke test on every `pulumi up`. Default true. */
  rerunOnEveryUp?: boolean;
  /** Keep Visor's tables when the stack is destroyed. Default true. */
  retainOnDelete?: boolean;
  /** Connect-retry budget for a fresh endpoint, in ms. Default 300000. */
  connectTimeoutMs?: number;
}

/** PgBouncer pool sizes (the guide's defaults). */
export interface VisorPoolSettings {
  /** Default 20. */
  defaultPoolSize?: number;
  /** Default 0. */
  minPoolSize?: number;
  /** Default 200. */
  maxClientConn?: number;
}

/** Arguments every cloud component accepts, with the same meaning and defaults everywhere. */
export interface VisorDatabaseArgsBase {
  /** Database Visor uses. Default "visor". */
  databaseName?: string;
  /** Role Visor logs in as (the guide's `visor`). Default "visor". */
  appUser?: string;
  /** PostgreSQL major version. Default: the newest major the cloud offers generally (see each component). */
  engineVersion?: string;
  /** Automated backup / PITR retention in days (the guide: WAL 7 days). Default 7; 0 is refused. */
  retentionDays?: number;
  /** The guide's tuning, overridable per setting (sizes like "256MB"). */
  tuning?: Partial<VisorTuning>;
  /** Raw PostgreSQL parameters merged last (cloud parameter names and units). */
  parameters?: Record<string, string>;
  /** PgBouncer pool sizes. */
  pool?: VisorPoolSettings;
  /** Visor's HA settings, validated (heartbeat < lock_ttl / 3) and passed to the smoke test. */
  ha?: VisorHaSettings;
  /** Schema bootstrap + HA smoke test after provisioning. Default true; `false` skips both. */
  bootstrap?: boolean | VisorBootstrapSettings;
  /** Deletion protection on the database (and Pulumi `protect` is left to the user). Default true. */
  deletionProtection?: boolean;
  /** Tags/labels on every taggable child. */
  tags?: Record<string, string>;
}

/** The outputs every cloud component has. */
export interface VisorDatabaseOutputs {
  writerEndpoint: pulumi.Output<Endpoint>;
  readerEndpoints: pulumi.Output<Endpoint[]>;
  /** Undefined when `pooler: "none"`. */
  poolerEndpoint: pulumi.Output<Endpoint | undefined>;
  databaseName: pulumi.Output<string>;
  appUser: pulumi.Output<string>;
  /** Secret. */
  appPassword: pulumi.Output<string>;
}

/**
 * A per-child hook, applied before the child is registered: return new args and/or options. Children are
 * named by the component (e.g. `instance`, `parameterGroup`).
 */
export type ChildTransform<A = Record<string, unknown>> = (
  args: A,
  opts: pulumi.CustomResourceOptions,
) => { args?: A; opts?: pulumi.CustomResourceOptions } | void;

/** Hooks for the children every cloud creates through the shared helpers (names are the same on all clouds). */
export interface SharedChildTransforms {
  /** The app role's random password. */
  appPassword?: ChildTransform<random.RandomPasswordArgs>;
  /** The random salt of the app role's SCRAM verifier. */
  appScramSalt?: ChildTransform<random.RandomBytesArgs>;
  /** The @pulumi/postgresql provider that connects as the admin (AWS, Azure, GCP). */
  pgAdminProvider?: ChildTransform<postgresql.ProviderArgs>;
  /** The app role (AWS, Azure, GCP). */
  appRole?: ChildTransform<postgresql.RoleArgs>;
  /** The app database (AWS, Azure). */
  appDatabase?: ChildTransform<postgresql.DatabaseArgs>;
  /** The app role's database privileges (AWS, Azure, GCP). */
  appGrant?: ChildTransform<postgresql.GrantArgs>;
  /** The app role's CREATE/USAGE on `public` of a database it does not own (GCP). */
  appSchemaGrant?: ChildTransform<postgresql.GrantArgs>;
  /** The VisorSchema bootstrap resource. */
  schema?: ChildTransform<VisorSchemaArgs>;
  /** The VisorHaSmokeTest resource. */
  smokeTest?: ChildTransform<VisorHaSmokeTestArgs>;
  /** The private key of the PgBouncer we run (AWS, GCP `pooler: "pgbouncer"`). */
  poolerTlsKey?: ChildTransform<tls.PrivateKeyArgs>;
  /** The self-signed certificate of the PgBouncer we run (AWS, GCP `pooler: "pgbouncer"`). */
  poolerTlsCertificate?: ChildTransform<tls.SelfSignedCertArgs>;
}
