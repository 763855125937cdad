// The local environment leaves no superuser password on disk: initdb's --pwfile is removed once initdb has
// read it (issue 13, item 19), and the server still accepts that password.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { Client } from "pg";
import { startPostgres } from "../../scripts/local-env/postgres";

/** Every regular file under `dir` whose bytes contain `needle` (the data directory included). */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) found.push(...filesHolding(path, needle));
    else if (st.isFile() && st.size < 64 * 1024 * 1024 && readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

test("startPostgres removes the superuser pwfile after initdb; the password still logs in", async () => {
  const password = `pw-${Date.now()}-only-here`;
  const server = await startPostgres({ superuserPassword: password });
  try {
    const base = dirname(server.dataDir);
    assert.ok(!readdirSync(base).includes("pwfile"), `no pwfile in ${base}: ${readdirSync(base).join(", ")}`);
    // PostgreSQL keeps only the SCRAM verifier, never the password itself.
    assert.deepEqual(filesHolding(base, password), [], "the password is in no file of the server");
    const c = new Client({ connectionString: server.url() });
    await c.connect();
    try {
      assert.equal((await c.query("SELECT current_user AS u")).rows[0].u, "postgres");
    } finally {
      await c.end();
    }
  } finally {
    await server.stop();
  }
});
