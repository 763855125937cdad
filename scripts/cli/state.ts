// Where `visor-db local up` records its processes and endpoints, so `local status`/`down` work from
// another shell. Mode 0600: the file holds the local passwords.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LocalEndpoints } from "../local-env/environment";

export interface LocalState {
  ownerPid: number;
  startedAt: string;
  pids: number[];
  endpoints: LocalEndpoints;
}

export function stateDir(): string {
  return resolve(process.env.VISOR_LOCAL_DIR ?? ".visor-local");
}

const stateFile = () => join(stateDir(), "state.json");

export function writeState(state: LocalState): string {
  mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(stateFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
  return stateFile();
}

export function readState(): LocalState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(), "utf8")) as LocalState;
  } catch {
    return undefined;
  }
}

export function clearState(): void {
  rmSync(stateFile(), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
