// The bundle's entry (dist/runner/visor-db-runner.cjs): `exports.handler` for Lambda, and a stdin/stdout
// program when run with node directly.
import { handler, runFromStdin } from "./handler";

export { handler };

if (require.main === module) {
  runFromStdin().then(
    (code) => process.exit(code),
    () => process.exit(2),
  );
}
