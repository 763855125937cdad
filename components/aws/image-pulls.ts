// PgBouncer's image pulls. Docker Hub rate-limits anonymous pulls (tasks behind one NAT share the
// limit), so an ECR image is supported: a mirror, or an ECR pull-through cache of Docker Hub.
import * as iam from "@pulumi/aws/iam";
import { partitionOf, type AwsBuild } from "./context";

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** An ECR image's account, region and repository; undefined for any other registry. */
export function ecrRepository(image: string): { account: string; region: string; repository: string } | undefined {
  const m = ECR_IMAGE.exec(image);
  return m ? { account: m[1]!, region: m[2]!, repository: m[3]! } : undefined;
}

/**
 * An ECR pull-through cache creates the repository and imports the image on the first pull, with the
 * puller's permissions; the task execution policy covers only pulling. For a mirrored ECR image this grant
 * is unused.
 */
export function ecrPullThroughPolicy(ctx: AwsBuild, name: string, role: iam.Role, image: string): iam.RolePolicy | undefined {
  const ecr = ecrRepository(image);
  if (!ecr) return undefined;
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        Resource: [`arn:${partitionOf(ecr.region)}:ecr:${ecr.region}:${ecr.account}:repository/${ecr.repository}`],
      },
    ],
  });
  return new iam.RolePolicy(name, ...ctx.children.prepare("rolePolicy", { role: role.id, policy }));
}
