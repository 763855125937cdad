// How RDS applies each parameter: `pending-reboot` for static ones (STATIC_PARAMETERS), `immediate` for
// the rest, and a raw parameter may choose with `{ value, applyMethod }`. RDS refuses `immediate` for a
// static parameter, so that choice is refused here.
import type { Validator } from "../shared/validation";
import type { AwsParameterValue } from "./args";
import { STATIC_PARAMETERS } from "./defaults";

export type ApplyMethod = "immediate" | "pending-reboot";
const METHODS: readonly ApplyMethod[] = ["immediate", "pending-reboot"];

/** `pending-reboot` for a static parameter, else `immediate`. */
export function defaultApplyMethod(name: string): ApplyMethod {
  return STATIC_PARAMETERS.has(name) ? "pending-reboot" : "immediate";
}

/**
 * Raw parameters split into the string values the shared validation checks and each one's apply method
 * (only those the user chose).
 */
export function splitParameters(
  check: Validator,
  raw: Record<string, AwsParameterValue> | undefined,
): { values: Record<string, string> | undefined; applyMethods: Record<string, ApplyMethod> } {
  if (raw === undefined || raw === null || typeof raw !== "object") return { values: raw as undefined, applyMethods: {} };
  const values: Record<string, string> = {};
  const applyMethods: Record<string, ApplyMethod> = {};
  for (const [name, v] of Object.entries(raw)) {
    if (v === null || typeof v !== "object") {
      values[name] = v as string;
      continue;
    }
    const field = `parameters.${name}`;
    const extra = Object.keys(v).filter((k) => k !== "value" && k !== "applyMethod");
    check.require(extra.length === 0, field, 'a string, or { value, applyMethod } ("immediate" or "pending-reboot")', v);
    values[name] = v.value;
    if (v.applyMethod === undefined) continue;
    const method = check.oneOf(`${field}.applyMethod`, v.applyMethod, METHODS, "immediate");
    check.require(
      !(method === "immediate" && STATIC_PARAMETERS.has(name)),
      `${field}.applyMethod`,
      `"pending-reboot" (${name} is static: RDS applies it only after a reboot)`,
      v.applyMethod,
    );
    applyMethods[name] = method;
  }
  return { values, applyMethods };
}
