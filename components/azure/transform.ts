// The typed bridge between `args.transform` (one differently-typed hook per child) and the shared
// `transformChild`, so each call site keeps its child's args type.
import type * as pulumi from "@pulumi/pulumi";
import { transformChild, type ChildTransform } from "../shared/args";
import type { AzureVisorDatabaseTransforms } from "./args";

type ArgsOf<K extends keyof AzureVisorDatabaseTransforms> =
  NonNullable<AzureVisorDatabaseTransforms[K]> extends ChildTransform<infer A> ? A : never;

export function applyTransform<K extends keyof AzureVisorDatabaseTransforms>(
  transforms: AzureVisorDatabaseTransforms | undefined,
  child: K,
  args: ArgsOf<K>,
  opts: pulumi.CustomResourceOptions,
): [ArgsOf<K>, pulumi.CustomResourceOptions] {
  const hooks = { [child]: transforms?.[child] } as Partial<Record<string, ChildTransform<ArgsOf<K>>>>;
  return transformChild(hooks, child, args, opts);
}
