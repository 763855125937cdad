// What every child-building function needs: the component (parent), its name, the resolved arguments and
// the user's per-child transforms, applied to every child through `child()`.
import type * as pulumi from "@pulumi/pulumi";
import { transformChild, type ChildTransform } from "../shared/args";
import type { AwsVisorDatabaseTransforms } from "./args";
import type { ResolvedAws } from "./validate";

export interface ChildContext {
  name: string;
  parent: pulumi.Resource;
  r: ResolvedAws;
  transforms?: AwsVisorDatabaseTransforms;
}

/** The args type a transform key is for. */
export type ChildArgs<K extends keyof AwsVisorDatabaseTransforms> =
  NonNullable<AwsVisorDatabaseTransforms[K]> extends ChildTransform<infer A> ? A : never;

/** Applies `transform[child]` (if any) to a child's args and options, with `parent` already set. */
export function child<K extends keyof AwsVisorDatabaseTransforms>(
  ctx: ChildContext,
  key: K,
  args: ChildArgs<K>,
  opts: pulumi.CustomResourceOptions = {},
): [ChildArgs<K>, pulumi.CustomResourceOptions] {
  const transforms = ctx.transforms as Partial<Record<string, ChildTransform<ChildArgs<K>>>> | undefined;
  return transformChild(transforms, key, args, { parent: ctx.parent, ...opts });
}

/** A name safe for RDS identifiers, families and ECS: lower case letters, digits and single hyphens. */
export function safeName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(s) ? s.slice(0, 40) : `v-${s}`.slice(0, 40).replace(/-+$/, "");
}

/** The ARN partition of a region (aws, aws-cn, aws-us-gov); `aws` when the region is unknown. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith("cn-")) return "aws-cn";
  if (region?.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** An IAM trust policy for one AWS service principal. */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
