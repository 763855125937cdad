// The one rule for "this stack needs HA", shared by the policy pack and `visor-db plan`: the stack's own
// config key `visor-db-infra:requireHa` (default true: every stack needs a standby or a replica unless it
// opts out). The plan reads it from the stack file; the pack from the stack config the Pulumi engine hands
// every policy pack in PULUMI_CONFIG (pulumi/pulumi 1b5949891b3c, pkg/resource/plugin/analyzer_plugin.go,
// constructEnv; an engine that does not pass it leaves the default, true).

export const HA_REQUIRED_KEY = "visor-db-infra:requireHa";

/** `config`: stack config as Pulumi passes it (key → string). Anything but true/false is refused. */
export function haRequired(config: Record<string, string | undefined>): boolean {
  const raw = config[HA_REQUIRED_KEY];
  if (raw === undefined) return true;
  const v = String(raw).trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  throw new Error(`${HA_REQUIRED_KEY} must be true or false (got ${JSON.stringify(raw)})`);
}

/** As the policy pack sees it: the stack config the engine puts in PULUMI_CONFIG (JSON, key → string). */
export function haRequiredFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return haRequired(JSON.parse(env.PULUMI_CONFIG || "{}") as Record<string, string>);
}
