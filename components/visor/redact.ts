// Passwords never reach logs, errors or outputs: every message that may contain a connection string or
// a password passes through here.

/** `postgresql://visor:secret@host/db` → `postgresql://visor:***@host/db`. */
export function redactUrl(url: string): string {
  // Up to the last "@": an unencoded "@" in a password must not leave its tail visible.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):.*@/i, "$1:***@");
}

/** Replaces every occurrence of each secret (and its URL-encoded form) in `text` with `***`. */
export function redactSecrets(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join("***");
  }
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, "$1:***@");
}
