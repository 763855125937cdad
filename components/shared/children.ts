// The one child factory every cloud component uses: each child gets the component as its parent and
// passes through the user's `transform[key]` hook (new args and/or options) before it is registered.
import type * as pulumi from "@pulumi/pulumi";
import type { ChildTransform } from "./args";

/** The args type of the hook named `K` in a transforms interface `T`. */
export type ChildArgs<T, K extends keyof T> = NonNullable<T[K]> extends ChildTransform<infer A> ? A : never;

export class Children<T extends object> {
  constructor(
    /** The component's name, the prefix of every child's name. */
    readonly name: string,
    readonly parent: pulumi.Resource,
    private readonly transforms: T | undefined,
  ) {}

  /** A child's args and options, `parent` set and `transform[key]` applied: spread into the child's constructor. */
  prepare<K extends keyof T & string>(
    key: K,
    args: ChildArgs<T, K>,
    opts: pulumi.CustomResourceOptions = {},
  ): [ChildArgs<T, K>, pulumi.CustomResourceOptions] {
    const options = { parent: this.parent, ...opts };
    const hook = this.transforms?.[key] as ChildTransform<ChildArgs<T, K>> | undefined;
    if (!hook) return [args, options];
    const result = hook(args, options) ?? {};
    return [result.args ?? args, result.opts ?? options];
  }
}
