// Which resources each input was computed from, as the engine tells a policy pack (propertyDependencies):
// the policies use it to tie a replica to its primary, a database to its parameter group and a lock to
// the server it scopes, where the offline plan's mock values could not.
import * as pulumi from "@pulumi/pulumi";

type WithResources = { allResources?: () => Promise<Set<pulumi.Resource>>; resources(): Set<pulumi.Resource> };

async function sources(v: unknown, into: Set<pulumi.Resource>): Promise<void> {
  if (pulumi.Output.isInstance(v)) {
    const o = v as unknown as WithResources;
    for (const r of o.allResources ? await o.allResources() : o.resources()) into.add(r);
    return;
  }
  if (Array.isArray(v)) for (const x of v) await sources(x, into);
  else if (v && typeof v === "object" && !pulumi.Resource.isInstance(v)) for (const x of Object.values(v)) await sources(x, into);
}

/** input → the names of the resources it depends on (inputs with none are left out). */
export async function propertyDependencies(props: Record<string, unknown>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(props)) {
    const found = new Set<pulumi.Resource>();
    await sources(v, found);
    const names = [...found].map((r) => (r as unknown as { __name?: string }).__name).filter((n): n is string => !!n);
    if (names.length) out[k] = names;
  }
  return out;
}
