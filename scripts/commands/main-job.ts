// The main job of `npm start`: on the fresh local environment, bootstrap Visor's schema and run the HA
// smoke test directly and through PgBouncer, then report.
import { bootstrapSchema } from "../../components/visor/bootstrap";
import { runSmokeTest } from "../../components/visor/smoke-test";
import type { AfterUp } from "./local";
import { formatReport } from "./smoke";

export const localMainJob: AfterUp = async (endpoints, log) => {
  const pg = endpoints.postgres;
  const writer = { url: pg.writer.url };
  const result = await bootstrapSchema(writer);
  log(`\nVisor schema ${result.version}: ${result.created.length ? `created ${result.created.join(", ")}` : "already present"}`);
  const report = await runSmokeTest({ connection: writer, poolerConnection: pg.pooler ? { url: pg.pooler.url } : undefined });
  log("");
  for (const line of formatReport(report, `${pg.writer.host}:${pg.writer.port}/${pg.writer.database}`)) log(line);
  if (!report.passed) throw new Error("the HA smoke test failed on the local environment");
};
