// Every remedy the tools print, in one place. A remedy that names a command names it as
// `visor-db <command> --<flag>`; test/scripts/remedies.test.ts checks each one against the CLI's own flags.
import type { ConnectFailure } from "./retry";

/** Why the guide-only columns of `schedules` are information, not a failure. */
export const OPTIONAL_COLUMN_NOTE =
  "not used by Visor's SQL store (only the guide and Visor's SQLite DDL have it); `visor-db bootstrap --url <url>` adds it";

/** The network path from this host to the database, for an endpoint that does not answer at all. */
const NETWORK_PATH =
  "check the network path from this host to the database: the host name and port in `visor-db smoke --url <url>`, " +
  "DNS resolution of the host, the security group / firewall / authorized networks in front of it, and the TLS mode " +
  "(`visor-db smoke --ssl-mode <mode>`; a server that requires TLS drops plain connections); a private database is " +
  "reached from inside its network: `visor-db smoke --via-lambda <runner-function> --url <url>` (the AWS component's runner)";

/** The `connect` check's remedy, by what kind of connection failure it was. */
export const CONNECT_REMEDIES: Record<ConnectFailure, string> = {
  transient: NETWORK_PATH,
  other: NETWORK_PATH,
  authentication: "check the user and password in the connection URL (`visor-db smoke --url <url>`) and that the role may log in",
  tls: "check the TLS mode and CA bundle (`visor-db smoke --ssl-mode verify-full --ssl-ca <file>`) and that the host name matches the server certificate",
  database: "create the database, or fix the database name in the connection URL (`visor-db smoke --url <url>`)",
};

/** The smoke test's remedies, by check name (a `@pooler` suffix uses the same remedy). */
export const SMOKE_REMEDIES: Record<string, string> = {
  connect: NETWORK_PATH,
  writer: "point Visor (and this check) at the primary/writer endpoint, not a read replica or reader endpoint",
  schema: "run `visor-db bootstrap --url <writer-url>` (or the VisorSchema resource) against this database first",
  "row-roundtrip":
    "compare the column types of `schedules` with Visor's (`visor-db inspect --url <url>`), and check the database's character set (utf8mb4 on MySQL)",
  "mutual-exclusion":
    "scheduler_locks must have its PRIMARY KEY on lock_id (`visor-db inspect --url <url>`) and the endpoint must be a single writer (no multi-primary)",
  renewal: "the renew UPDATE must reach the writer; check that the endpoint is not a read replica or a statement-mode pooler",
  fencing:
    "the lock_token column must be present and compared: check scheduler_locks with `visor-db inspect --url <url>`, then run `visor-db bootstrap --url <url>`",
  "expiry-takeover":
    "expires_at must be stored as BIGINT epoch milliseconds: check scheduler_locks with `visor-db inspect --url <url>`",
  release: "the DELETE must reach the writer; check the endpoint and its permissions (DELETE on scheduler_locks)",
  "clock-skew":
    "run NTP (chrony/systemd-timesyncd) on every Visor node and use a managed database clock; Visor compares timestamps written by one node's clock with another node's clock",
  "heartbeat-ratio": "set scheduler.ha.heartbeat_interval below lock_ttl / 3 (the guide: lock_ttl 60 s, heartbeat_interval 15 s)",
  "pooler-mode":
    "set PgBouncer's pool_mode = transaction (the guide's setting); session mode pins one server connection per Visor connection",
};

/** `visor-db inspect`'s remedies, by difference kind. */
export const SCHEMA_REMEDIES = {
  additive:
    "run `visor-db bootstrap --url <writer-url>`: it adds missing tables, nullable columns and indexes and changes nothing else",
  error:
    "bootstrap never alters a column: change it by hand (e.g. ALTER TABLE … ALTER COLUMN … TYPE …) after a backup (`visor-db backup --url <url>`), then run `visor-db inspect --url <url>` again",
} as const;

/** @deprecated Use SMOKE_REMEDIES; kept for code that imported it from the smoke test. */
export const REMEDIES = SMOKE_REMEDIES;
