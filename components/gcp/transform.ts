// Typed access to the shared transformChild for this component's children.
import type * as pulumi from "@pulumi/pulumi";
import { transformChild, type ChildTransform } from "../shared/args";
import type { GcpVisorDatabaseTransforms } from "./args";

type ArgsOf<K extends keyof GcpVisorDatabaseTransforms> =
  NonNullable<GcpVisorDatabaseTransforms[K]> extends ChildTransform<infer A> ? A : never;

/** Applies `transform[child]`, if given, to the child's args and options. */
export function tx<K extends keyof GcpVisorDatabaseTransforms>(
  transforms: GcpVisorDatabaseTransforms | undefined,
  child: K,
  args: ArgsOf<K>,
  opts: pulumi.CustomResourceOptions,
): [ArgsOf<K>, pulumi.CustomResourceOptions] {
  const one = { [child]: transforms?.[child] } as Partial<Record<string, ChildTransform<ArgsOf<K>>>>;
  return transformChild(one, child, args, opts);
}
