// The Pulumi CLI's rules for a project's `config` block and for each stack's values against it, written
// out from pulumi/pulumi at commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8:
//   sdk/go/common/workspace/project.json  properties.config, $defs.configTypeDeclaration, simpleConfigType,
//                                         configItemsType (the JSON schema every Pulumi.yaml is checked with)
//   sdk/go/common/workspace/project.go    Project.Validate, ValidateConfigValue
//   pkg/workspace/config.go               mergeConfig (missing keys), validateStackConfigValue (types)
// Each function returns the errors the CLI would report (empty: accepted).

const SIMPLE_TYPES = ["string", "integer", "boolean", "array", "object"];
const DECLARATION_ATTRIBUTES = ["type", "items", "description", "secret", "default", "value"];

export interface ConfigDeclaration {
  type?: string;
  items?: ItemsType;
  description?: string;
  secret?: boolean;
  default?: unknown;
  value?: unknown;
}
interface ItemsType {
  type: string;
  items?: ItemsType;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** The project's namespace owns bare keys and `<project>:key`; anything else belongs to another package. */
export const namespacedByProject = (project: string, key: string) => !key.includes(":") || key.startsWith(`${project}:`);

/**
 * ValidateConfigValue: does `value` fit `type`? Stack values that are not objects reach it as strings, so
 * integers and booleans are also accepted as their string forms; YAML numbers that are whole count as
 * integers.
 */
export function fitsType(type: string, items: ItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return isMap(value);
    default:
      return Array.isArray(value) && !!items && value.every((x) => fitsType(items.type, items.items, x));
  }
}

/** The project file: `name` required, and each `config` entry valid (schema + Project.Validate). */
export function projectErrors(project: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (typeof project.name !== "string" || project.name === "")
    errors.push("project is missing a non-empty string 'name' attribute");
  if (project.runtime === undefined) errors.push("project is missing a 'runtime' attribute");
  const config = project.config;
  if (config === undefined || config === null || typeof config === "string") return errors;
  if (!isMap(config)) return [...errors, "config must be an object"];
  for (const [key, raw] of Object.entries(config)) {
    // Shorthand: a plain string, integer, boolean or array is the key's value.
    if (typeof raw === "string" || typeof raw === "boolean" || Array.isArray(raw) || Number.isInteger(raw)) continue;
    if (!isMap(raw)) {
      errors.push(`${key}: must be a string, integer, boolean, array or a config type declaration`);
      continue;
    }
    const decl = raw as ConfigDeclaration;
    for (const attr of Object.keys(raw))
      if (!DECLARATION_ATTRIBUTES.includes(attr)) errors.push(`${key}: attribute '${attr}' not allowed`);
    if (decl.type !== undefined && !SIMPLE_TYPES.includes(decl.type))
      errors.push(`${key}: type must be one of ${SIMPLE_TYPES.join(", ")}`);
    if (decl.default !== undefined && decl.value !== undefined)
      errors.push(`${key}: cannot have both a 'default' and 'value' attribute`);
    if (namespacedByProject(String(project.name), key)) {
      if (decl.type === "array" && !decl.items) errors.push(`${key}: declares an array but no 'items' type`);
      if (decl.type !== undefined && decl.default !== undefined && !fitsType(decl.type, decl.items, decl.default))
        errors.push(`${key}: the default value is not of the expected type '${decl.type}'`);
    } else {
      if (decl.type !== undefined) errors.push(`${key}: is not namespaced by the project and should not define a type`);
      if (decl.default !== undefined) errors.push(`${key}: is not namespaced by the project and should not define a default`);
      if (decl.value === undefined) errors.push(`${key}: must provide an attribute 'value'`);
    }
  }
  return errors;
}

/** `{ secure: "…" }` alone is an encrypted scalar; it decrypts to a string. */
const isSecure = (v: unknown) => isMap(v) && Object.keys(v).length === 1 && typeof v.secure === "string";

/**
 * A stack file's config against the project's: every declared key of the project without a default or
 * value must be set; a set key with a declared type must fit it; a `secret` key must be encrypted.
 * Scalars are compared as the CLI holds them: strings.
 */
export function stackErrors(project: Record<string, unknown>, stackConfig: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const name = String(project.name);
  const full = (key: string) => (key.includes(":") ? key : `${name}:${key}`);
  for (const [key, raw] of Object.entries((project.config ?? {}) as Record<string, unknown>)) {
    if (!isMap(raw)) continue;
    const decl = raw as ConfigDeclaration;
    const k = full(key);
    const set = Object.prototype.hasOwnProperty.call(stackConfig, k);
    if (!set) {
      if (decl.default === undefined && decl.value === undefined && k.startsWith(`${name}:`))
        errors.push(`missing configuration value '${key}'`);
      continue;
    }
    const v = stackConfig[k];
    if (decl.secret && !isSecure(v)) errors.push(`configuration key '${key}' must be encrypted as it's secret`);
    if (decl.type === undefined) continue;
    const asHeld = isSecure(v) ? "(a decrypted string)" : isMap(v) || Array.isArray(v) ? v : String(v);
    if (!fitsType(decl.type, decl.items, asHeld)) errors.push(`configuration key '${key}' must be of type '${decl.type}'`);
  }
  return errors;
}
