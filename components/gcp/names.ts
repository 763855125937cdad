// Google Cloud resource names from the component's name: Compute network tags, instance-group base names,
// template prefixes, Backup and DR ids and Cloud DNS zone names are RFC 1035 labels, which must start with a
// lower-case letter, so leading digits and hyphens are stripped (as serviceAccountId in pooler.ts does).

/** `[a-z]([-a-z0-9]*[a-z0-9])?`, at most `max` characters, `<stem>-<suffix>`; "visor" when nothing of the name is left. */
export function rfc1035Name(name: string, suffix: string, max = 63): string {
  const tail = suffix ? `-${suffix}` : "";
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, Math.max(1, max - tail.length))
    .replace(/-+$/, "");
  return `${stem || "visor"}${tail}`;
}

/** An RFC 1035 label as the APIs check it. */
export const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * An explicit name for an auto-named Compute child only when the component's name does not start with a letter
 * (Pulumi's auto-name, `<name>-<suffix>-<random>`, would then break RFC 1035); otherwise undefined, which keeps
 * the auto-name (and its random suffix for replacements) of existing stacks.
 */
export function computeName(name: string, suffix: string): string | undefined {
  return /^[a-z]/.test(name) ? undefined : rfc1035Name(name, suffix);
}
