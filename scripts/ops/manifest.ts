// What a backup promises: the file's SHA-256 (also as `<file>.sha256`, for `sha256sum -c`) and, in
// `<file>.manifest.json`, each Visor table's row count and digest at the moment of the dump. Restore checks
// the file against it before touching the target and the restored rows against it afterwards.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { VisorDriver } from "../../components/visor/connection";
import type { TableDigest } from "./checksum";
import { OpsError } from "./errors";

export const MANIFEST_FORMAT = "visor-db-backup/1";

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  /** ISO time the dump started. */
  createdAt: string;
  driver: VisorDriver;
  /** `driver://user@host:port/database`, never the password. */
  source: string;
  serverVersion: string;
  tool: { name: string; version: string; major: number };
  /** The backup file's name (same directory as the manifest). */
  file: string;
  bytes: number;
  sha256: string;
  /** Row count and digest of each Visor table in the dump. */
  tables: Record<string, TableDigest>;
  /** PostgreSQL: the schema Visor's tables were dumped from (absent in older manifests). */
  schema?: string;
  /** The tables the file holds: only Visor's (absent in older manifests, whose files hold the whole database). */
  dumped?: string[];
  /** True when the digests are of exactly the dumped snapshot (PostgreSQL: same exported snapshot; MySQL: unchanged across the dump). */
  consistent: boolean;
}

export const manifestPath = (file: string) => `${file}.manifest.json`;
export const checksumPath = (file: string) => `${file}.sha256`;

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** Writes `<file>.sha256` and `<file>.manifest.json`; neither may exist already. */
export function writeManifest(file: string, manifest: BackupManifest): void {
  writeFileSync(checksumPath(file), `${manifest.sha256}  ${basename(file)}\n`, { flag: "wx", mode: 0o600 });
  writeFileSync(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx", mode: 0o600 });
}

/** The manifest beside a backup, if any; a malformed one is an error, not silently ignored. */
export function readManifest(file: string): BackupManifest | undefined {
  const path = manifestPath(file);
  if (!existsSync(path)) return undefined;
  let m: BackupManifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8")) as BackupManifest;
  } catch (err) {
    throw new OpsError(`${path} is not valid JSON (${(err as Error).message})`);
  }
  if (m.format !== MANIFEST_FORMAT)
    throw new OpsError(`${path} is not a visor-db backup manifest (format ${JSON.stringify(m.format)})`);
  return m;
}

/** The expected SHA-256: from the manifest, else from `<file>.sha256`, else none. */
export function expectedSha256(file: string, manifest: BackupManifest | undefined): string | undefined {
  if (manifest) return manifest.sha256;
  const path = checksumPath(file);
  if (!existsSync(path)) return undefined;
  const m = /^([0-9a-f]{64})\b/i.exec(readFileSync(path, "utf8").trim());
  if (!m) throw new OpsError(`${path} does not hold a SHA-256 checksum`);
  return m[1]!.toLowerCase();
}
