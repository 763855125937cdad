// What every AWS builder needs: the resolved arguments and the shared child factory (parent and the
// user's `transform` hooks), plus small AWS naming helpers.
import type { Children } from "../shared/children";
import type { AwsVisorDatabaseTransforms } from "./args";
import type { ResolvedAws } from "./resolved";

export interface AwsBuild {
  /** The component's name, the prefix of every child's name. */
  name: string;
  settings: ResolvedAws;
  children: Children<AwsVisorDatabaseTransforms>;
}

/** A name safe for RDS identifiers, families and ECS: lower case letters, digits and single hyphens. */
export function safeName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(slug) ? slug.slice(0, 40) : `v-${slug}`.slice(0, 40).replace(/-+$/, "");
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
