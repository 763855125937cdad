// A stack's config file (stacks/Pulumi.<stack>.yaml) as Pulumi's runtime takes it. Secure values cannot
// be decrypted offline; they become the plan's secret placeholder and are marked secret.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

import { SECRET_PLACEHOLDER } from "./redaction";

export interface StackConfig {
  stack: string;
  file: string;
  /** key → value as Pulumi passes it (objects JSON-encoded). */
  values: Record<string, string>;
  secretKeys: string[];
}

function replaceSecure(v: unknown, found: { secret: boolean }): unknown {
  if (Array.isArray(v)) return v.map((x) => replaceSecure(x, found));
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string") {
      found.secret = true;
      return SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, replaceSecure(x, found)]));
  }
  return v;
}

export function stackFile(stack: string, dir = "stacks"): string {
  return join(dir, `Pulumi.${stack}.yaml`);
}

/**
 * What the Pulumi CLI adds from Pulumi.yaml's `config` for keys the stack does not set: a declared key's
 * `default`, or `value` (pkg/workspace/config.go, mergeConfig).
 */
function projectDefaults(projectFile: string): Record<string, unknown> {
  if (!existsSync(projectFile)) return {};
  const project = (parse(readFileSync(projectFile, "utf8")) ?? {}) as { name?: string; config?: Record<string, unknown> };
  const out: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const d =
      decl && typeof decl === "object" && !Array.isArray(decl)
        ? (decl as { default?: unknown; value?: unknown })
        : { value: decl };
    const v = d.value ?? d.default;
    if (v !== undefined && v !== null) out[full] = v;
  }
  return out;
}

export function readStackConfig(stack: string, dir = "stacks", projectFile = "Pulumi.yaml"): StackConfig {
  const file = stackFile(stack, dir);
  if (!existsSync(file)) throw new Error(`no stack config ${file}`);
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries({ ...projectDefaults(projectFile), ...(doc.config ?? {}) })) {
    const found = { secret: false };
    const v = replaceSecure(raw, found);
    values[key] = typeof v === "string" ? v : JSON.stringify(v);
    if (found.secret) secretKeys.push(key);
  }
  return { stack, file, values, secretKeys };
}
