// `tags` become Google Cloud labels on every child that takes them: checked here with the field named, rather
// than refused by the API halfway through a deployment. Google's label rules: at most 64 labels; keys 1–63
// characters, starting with a lower-case letter; keys and values of lower-case letters, digits, `_` and `-`;
// values at most 63 characters (may be empty).
import type { Validator } from "../shared/validation";

const KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const VALUE = /^[a-z0-9_-]{0,63}$/;
export const MAX_LABELS = 64;

export function requireLabels(check: Validator, tags: Record<string, string>): Record<string, string> {
  const keys = Object.keys(tags);
  check.require(keys.length <= MAX_LABELS, "tags", `at most ${MAX_LABELS} labels (with "managed-by")`, `${keys.length} labels`);
  for (const key of keys) {
    check.require(
      KEY.test(key),
      `tags.${key}`,
      "a label key of 1–63 characters: a lower-case letter, then lower-case letters, digits, _ or -",
      key,
    );
    check.require(
      typeof tags[key] === "string" && VALUE.test(tags[key]),
      `tags.${key}`,
      "a label value of at most 63 lower-case letters, digits, _ or -",
      tags[key],
    );
  }
  return tags;
}
