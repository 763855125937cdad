// One definition of "strict" (CI) for the whole test tooling: the runner, the server harness and the
// golden snapshots. Strict means a missing server fails instead of skipping, and no snapshot is rewritten.

/** True in CI (`CI=true`/`CI=1`) or when the runner passed it on (`VISOR_TEST_STRICT=1`). */
export function isStrict(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.VISOR_TEST_STRICT === "1" || env.CI === "true" || env.CI === "1";
}
