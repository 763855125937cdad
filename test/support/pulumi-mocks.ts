// Pulumi's mocks for component tests: records every registered resource (type, name, inputs, parent,
// options) so tests assert on what `pulumi up` would create.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  urn: string;
  id: string;
}

export const registered: Registered[] = [];

export function setupMocks(
  outputsFor: (r: pulumi.runtime.MockResourceArgs) => Record<string, unknown> = () => ({}),
  /** What a function call (invoke) answers; default: its own inputs. */
  callFor: (c: pulumi.runtime.MockCallArgs) => Record<string, unknown> | undefined = () => undefined,
): void {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          urn: `urn:pulumi:test::visor::${args.type}::${args.name}`,
          id,
        });
        return { id, state: { ...args.inputs, ...outputsFor(args) } };
      },
      call(args) {
        return callFor(args) ?? args.inputs;
      },
    },
    "visor",
    "test",
    false,
  );
}

/** Resolves an Output's value (and whether it is secret) under mocks. */
export async function resolve<T>(o: pulumi.Output<T> | pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
  const out = pulumi.output(o);
  const value = await new Promise<T>((r) => out.apply((v) => r(v as T)));
  const secret = await (out as unknown as { isSecret: Promise<boolean> }).isSecret;
  return { value, secret };
}

/** Resources registered by the component named `name` (its children are all named `<name>-…`). */
export function byPrefix(name: string): Registered[] {
  return registered.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
}

/** The one resource of `type` named `childName` under component `name`; throws unless exactly one. */
export function one(name: string, type: string, childName: string): Registered {
  const found = byPrefix(name).filter((r) => r.type === type && r.name === childName);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${childName}, found ${found.length}`);
  return found[0]!;
}

function collectResources(v: unknown, out: pulumi.Resource[], seen = new Set<unknown>()): void {
  if (!v || typeof v !== "object" || seen.has(v) || pulumi.Output.isInstance(v)) return;
  seen.add(v);
  if (pulumi.Resource.isInstance(v)) {
    out.push(v);
    return;
  }
  for (const x of Object.values(v as object)) collectResources(x, out, seen);
}

/** Every child resource a component exposes in its `resources` output. */
export function exposedResources(component: { resources: object }): pulumi.Resource[] {
  const all: pulumi.Resource[] = [];
  collectResources(component.resources, all);
  return all;
}

/** Waits until the component and every child it exposes are registered, and registrations have stopped. */
export async function settleComponent(component: pulumi.ComponentResource & { resources: object }): Promise<void> {
  await Promise.all([component, ...exposedResources(component)].map((r) => resolve(r.urn)));
  let before = -1;
  while (before !== registered.length) {
    before = registered.length;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Pulumi's wire marker for a secret value, as the mocks record secret inputs. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a registered input was sent as a Pulumi secret. */
export function isSecretInput(v: unknown): boolean {
  return !!v && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/** A registered input's value, unwrapping a secret. */
export function unwrapSecret<T = unknown>(v: unknown): T {
  return (isSecretInput(v) ? (v as { value: unknown }).value : v) as T;
}

/** Inputs with only values Pulumi marks secret left out; nothing is hidden by field name. */
function withoutSecretValues(v: unknown): unknown {
  if (isSecretInput(v)) return "[marked secret]";
  if (Array.isArray(v)) return v.map(withoutSecretValues);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, withoutSecretValues(x)]));
  return v;
}

/**
 * Leak check on the UNREDACTED plan of component `name`: every input as registered, except values sent as
 * Pulumi secrets. A snapshot's redaction by field name would hide the very leak this looks for.
 */
export function assertNoLeaks(name: string, secrets: Record<string, string | RegExp>): void {
  const text = JSON.stringify(byPrefix(name).map((r) => withoutSecretValues(r.inputs)));
  for (const [what, needle] of Object.entries(secrets)) {
    const found = typeof needle === "string" ? text.includes(needle) : needle.test(text);
    assert.ok(!found, `${what} leaked into the plan of ${name} outside a Pulumi secret`);
  }
}
