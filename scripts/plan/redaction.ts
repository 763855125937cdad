// How the plan hides secrets without a marker a user's value could imitate. Secure config values and the
// secrets the mocks invent flow through the program as a per-run random token (SECRET_PLACEHOLDER), so no
// user value can be mistaken for one. In the plan a secret value is left out of `inputs` and its path is
// listed in `secretInputs`; the table prints such a path as a bare [secret] and quotes any user string that
// contains the text "[secret]", so the two never look alike.
import { randomBytes } from "node:crypto";

export const SECRET_PLACEHOLDER = `visor-plan-secret-${randomBytes(12).toString("hex")}`;

/** What the table prints for a secret. */
export const SECRET_MARKER = "[secret]";

// Password verifiers are derived from secrets even when Pulumi does not mark them secret.
const SECRETISH = /^(SCRAM-SHA-256\$|md5[0-9a-f]{32}$)/;

const isSecretString = (v: string) => v.includes(SECRET_PLACEHOLDER) || SECRETISH.test(v);

/**
 * `value` (of input `path`) without its secret parts; each removed part's path goes to `secretPaths`.
 * Returns undefined when the whole value is secret.
 */
export function redactInput(path: string, value: unknown, secret: boolean, secretPaths: string[]): unknown {
  if (secret || (typeof value === "string" && isSecretString(value))) {
    secretPaths.push(path);
    return undefined;
  }
  if (Array.isArray(value)) return value.map((x, i) => redactInput(`${path}[${i}]`, x, false, secretPaths) ?? null);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) {
      const shown = redactInput(`${path}.${k}`, x, false, secretPaths);
      if (shown !== undefined) out[k] = shown;
    }
    return out;
  }
  return value;
}
