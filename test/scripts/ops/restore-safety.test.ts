// Restore and backup where they used to hurt (issue 13 items 4, 6): a SQL_ASCII database holding bytes that
// are not UTF-8 is backed up and restored byte for byte; SIGKILL of `visor-db restore` leaves no pg_restore
// behind and the target as it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { bootstrapSchema } from "../../../components/visor/bootstrap";
import { runCli, startCli } from "../../support/cli";
import { pgQuery, scratchDatabase, servers } from "../../support/servers";
import type { PostgresEndpoints } from "../../../scripts/local-env/environment";
import { seed, visorRows } from "./fixtures";

const workDir = () => mkdtempSync(join(tmpdir(), "visor-db-safety-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A scratch database in the given encoding (template0, C locale), dropped by the caller. */
async function encodedDatabase(
  pg: PostgresEndpoints,
  encoding: string,
): Promise<{ url: string; admin: string; drop(): Promise<void> }> {
  const name = `visor_enc_${randomBytes(4).toString("hex")}`;
  await pgQuery(
    pg.adminUrl,
    `CREATE DATABASE ${name} TEMPLATE template0 ENCODING '${encoding}' LC_COLLATE 'C' LC_CTYPE 'C' OWNER visor`,
  );
  const w = pg.writer;
  return {
    url: `postgresql://${encodeURIComponent(w.user)}:${encodeURIComponent(w.password)}@${w.host}:${w.port}/${name}`,
    admin: pg.adminUrl.replace(/\/postgres$/, `/${name}`),
    drop: () => pgQuery(pg.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

test("SQL_ASCII database with \\xff\\xfe in previous_response: backup and restore keep the bytes, digests tell them apart", async () => {
  const { postgres } = await servers();
  const source = await encodedDatabase(postgres, "SQL_ASCII");
  const target = await encodedDatabase(postgres, "SQL_ASCII");
  try {
    await bootstrapSchema({ url: source.url });
    await seed(source.url, 12, 1);
    // Raw bytes: in a SQL_ASCII database convert_from(…, 'SQL_ASCII') stores them unchecked, as a client would.
    const raw = async (url: string) =>
      (
        await pgQuery<{ id: string; hex: string | null }>(
          url,
          "SELECT id, encode(convert_to(previous_response, 'SQL_ASCII'), 'hex') AS hex FROM schedules ORDER BY id",
        )
      ).map((r) => `${r.id}=${r.hex}`);
    await pgQuery(
      source.url,
      "UPDATE schedules SET previous_response = convert_from('\\x41fffe42'::bytea, 'SQL_ASCII') WHERE id LIKE '%0001'",
    );
    await pgQuery(
      source.url,
      "UPDATE schedules SET previous_response = convert_from('\\x41feff42'::bytea, 'SQL_ASCII') WHERE id LIKE '%0002'",
    );
    const before = await raw(source.url);
    assert.ok(before.some((r) => r.endsWith("=41fffe42")) && before.some((r) => r.endsWith("=41feff42")));
    const hashes = await visorRows(source.url);
    const byId = new Map(hashes.schedules);
    assert.notEqual(
      byId.get("00000000-0000-4000-8000-000000000001"),
      byId.get("00000000-0000-4000-8000-000000000002"),
      "the bytes, not their lossy decoding, are hashed",
    );

    const file = join(workDir(), "ascii.dump");
    const b = await runCli(["backup", "--url", source.url, "--out", file]);
    assert.equal(b.code, 0, b.stderr);
    const r = await runCli(["restore", "--url", target.url, "--in", file, "--skip-smoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^PASS checksums: 13 row\(s\) identical/m);
    assert.deepEqual(await raw(target.url), before, "byte for byte");
    assert.deepEqual(await visorRows(target.url), hashes);
  } finally {
    await source.drop();
    await target.drop();
  }
});

/** Pids of the direct children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const dir = `/proc/${pid}/task`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((tid) => {
    try {
      return readFileSync(`${dir}/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

/** Running (not exited, not a zombie waiting to be reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

test("SIGKILL of visor-db restore mid-restore: pg_restore does not run on, the target is unchanged", async () => {
  const { postgres } = await servers();
  const source = await scratchDatabase(postgres, "kill_src");
  await bootstrapSchema({ url: source.url });
  // ~80 MB of incompressible text so pg_restore is still copying when the CLI is killed.
  await pgQuery(
    source.url,
    `INSERT INTO schedules (id, creator_id, is_recurring, status, created_at, previous_response)
     SELECT lpad(g::text, 36, '0'), 'U1', false, 'paused', 1, (SELECT string_agg(md5(g::text || ':' || s), '') FROM generate_series(1, 64) s)
       FROM generate_series(1, 40000) g`,
  );
  const file = join(workDir(), "big.dump");
  const b = await runCli(["backup", "--url", source.url, "--out", file], {}, 300_000);
  assert.equal(b.code, 0, b.stderr);

  const target = await scratchDatabase(postgres, "kill_tgt");
  await bootstrapSchema({ url: target.url });
  await seed(target.url, 3, 1);
  const before = await visorRows(target.url);
  const adminTarget = postgres.adminUrl.replace(/\/postgres$/, `/${target.database}`);

  const cli = startCli(["restore", "--url", target.url, "--in", file, "--force", "--skip-smoke"]);
  let stderr = "";
  cli.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise((r) => cli.once("exit", r));
  let restorePid: number | undefined;
  // Wait until pg_restore is connected and busy in the target, then kill the CLI.
  for (let i = 0; i < 600 && restorePid === undefined; i++) {
    const busy = await pgQuery<{ n: string }>(
      adminTarget,
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_restore' AND state = 'active'",
    );
    if (Number(busy[0]!.n) > 0) {
      restorePid = childrenOf(cli.pid!).find((p) => /pg_restore/.test(readFileSync(`/proc/${p}/cmdline`, "utf8")));
    }
    if (restorePid === undefined) await sleep(50);
  }
  assert.ok(restorePid, `pg_restore was seen running under the CLI: ${stderr}`);
  cli.kill("SIGKILL");
  await exited;

  let gone = false;
  for (let i = 0; i < 100 && !gone; i++) {
    const sessions = await pgQuery<{ n: string }>(
      adminTarget,
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_restore'",
    );
    gone = !alive(restorePid!) && Number(sessions[0]!.n) === 0;
    if (!gone) await sleep(100);
  }
  assert.ok(gone, "pg_restore and its session are gone within 10 s of the SIGKILL");
  assert.deepEqual(await visorRows(target.url), before, "the target is as it was: nothing half-applied");
});
