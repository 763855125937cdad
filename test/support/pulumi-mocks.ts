// Pulumi's mocks for component tests: records every registered resource (type, name, inputs, parent,
// options) so tests assert on what `pulumi up` would create.
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  urn: string;
  id: string;
}

export const registered: Registered[] = [];

export function setupMocks(outputsFor: (r: pulumi.runtime.MockResourceArgs) => Record<string, unknown> = () => ({})): void {
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
        return args.inputs;
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
