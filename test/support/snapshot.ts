// Golden files: compare a value's stable JSON with a file checked into test/**/__snapshots__.
// UPDATE_SNAPSHOTS=1 rewrites them; in CI a missing snapshot is a failure.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

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

export function matchSnapshot(file: string, value: unknown): void {
  const text = JSON.stringify(stable(value), null, 2) + "\n";
  if (process.env.UPDATE_SNAPSHOTS === "1" || (!existsSync(file) && process.env.CI !== "true")) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  if (!existsSync(file)) assert.fail(`snapshot ${file} is missing (run with UPDATE_SNAPSHOTS=1 and commit it)`);
  assert.equal(text, readFileSync(file, "utf8"), `snapshot ${file} differs (UPDATE_SNAPSHOTS=1 to accept)`);
}
