// Where a command's database comes from: --url, or the usual PG* environment (libpq's names).
import { readFileSync } from "node:fs";
import { resolveConnection, type VisorConnection, type SslMode } from "../../components/visor/connection";
import { UsageError } from "./usage";

export const CONNECTION_FLAGS = {
  url: { type: "string" },
  "ssl-mode": { type: "string" },
  "ssl-ca": { type: "string" },
} as const;

export function connectionFrom(
  command: string,
  values: { url?: string; "ssl-mode"?: string; "ssl-ca"?: string },
  env: NodeJS.ProcessEnv = process.env,
  flag = "url",
): VisorConnection {
  let conn: VisorConnection;
  if (values.url) conn = { url: values.url };
  else if (env.PGHOST || env.DATABASE_URL) {
    conn = env.DATABASE_URL
      ? { url: env.DATABASE_URL }
      : {
          host: env.PGHOST,
          port: env.PGPORT ? Number(env.PGPORT) : undefined,
          database: env.PGDATABASE,
          user: env.PGUSER,
          password: env.PGPASSWORD,
        };
  } else
    throw new UsageError(
      `visor-db ${command}: --${flag} is required (or set PGHOST/PGUSER/PGPASSWORD/PGDATABASE or DATABASE_URL)`,
    );
  const mode = values["ssl-mode"] ?? env.PGSSLMODE;
  if (mode || values["ssl-ca"]) {
    conn.ssl = { mode: mode as SslMode | undefined, ca: values["ssl-ca"] ? readFileSync(values["ssl-ca"], "utf8") : undefined };
  }
  try {
    resolveConnection(conn);
  } catch (err) {
    throw new UsageError(`visor-db ${command}: ${(err as Error).message}`);
  }
  return conn;
}
