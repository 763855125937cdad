import { readFileSync } from "node:fs";
import { Client } from "pg";
import { startPostgres } from "../../../scripts/local-env/postgres";
process.on("warning", (w) => console.log("WARNING", (w as any).code));
async function main() {
  const ca = readFileSync("/tmp/tlsprobe/ca.crt", "utf8");
  for (const cert of ["server", "wrong"]) {
    const pg = await startPostgres({ tls: { certFile: `/tmp/tlsprobe/${cert}.crt`, keyFile: `/tmp/tlsprobe/${cert}.key` } });
    try {
      for (const ssl of [{ ca, rejectUnauthorized: true }, { ca, rejectUnauthorized: true, host: "127.0.0.1" }]) {
        const c = new Client({ host: "127.0.0.1", port: pg.port, user: "postgres", password: pg.superuserPassword, database: "postgres", ssl });
        try { await c.connect(); console.log(cert, JSON.stringify(Object.keys(ssl)), "OK"); } catch (e: any) { console.log(cert, JSON.stringify(Object.keys(ssl)), "ERR", e.code, e.message); } finally { await c.end().catch(() => 0); }
      }
    } finally { await pg.stop(); }
  }
}
main();
