// Golden files: compare a value's stable JSON with a file checked into test/**/__snapshots__. Nothing is
// ever written implicitly: a missing or different snapshot fails, in and out of CI. UPDATE_SNAPSHOTS=1
// (locally, never in strict/CI runs) rewrites them, to be reviewed and committed.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isStrict } from "../../scripts/local-env/strict";

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** Whether this run may rewrite snapshots: only on request, and never in a strict (CI) run. */
export function updatingSnapshots(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.UPDATE_SNAPSHOTS !== "1") return false;
  if (isStrict(env)) throw new Error("UPDATE_SNAPSHOTS=1 is refused in a strict (CI) run: update snapshots locally");
  return true;
}

export function matchSnapshot(file: string, value: unknown): void {
  const text = JSON.stringify(stable(value), null, 2) + "\n";
  if (updatingSnapshots()) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  if (!existsSync(file)) assert.fail(`snapshot ${file} is missing (run with UPDATE_SNAPSHOTS=1 and commit it)`);
  assert.equal(text, readFileSync(file, "utf8"), `snapshot ${file} differs (UPDATE_SNAPSHOTS=1 to accept)`);
}
