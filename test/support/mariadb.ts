// A fresh MariaDB database per test (the harness's `visor` user may create `visor_*` databases).
import { after } from "node:test";
import { randomBytes } from "node:crypto";
import { createConnection, type Connection } from "mysql2/promise";
import type { Endpoint } from "../../scripts/local-env/environment";

export interface ScratchMariaDb extends Endpoint {
  admin: Connection;
}

export async function scratchMariaDb(m: Endpoint): Promise<ScratchMariaDb> {
  const database = `visor_${randomBytes(4).toString("hex")}`;
  const admin = await createConnection({ host: m.host, port: m.port, user: m.user, password: m.password });
  await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await admin.end();
  });
  return {
    ...m,
    database,
    url: `mysql://${encodeURIComponent(m.user)}:${encodeURIComponent(m.password)}@${m.host}:${m.port}/${database}`,
    admin,
  };
}
