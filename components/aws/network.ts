// The database's network: a DB subnet group over the given private subnets and a security group that
// admits PostgreSQL only from the allowed security groups and CIDRs (never from everywhere).
import type * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as rds from "@pulumi/aws/rds";
import * as vpc from "@pulumi/aws/vpc";
import { POSTGRES_PORT } from "../shared/defaults";
import type { AwsBuild } from "./context";

export interface Network {
  subnetGroup: rds.SubnetGroup;
  securityGroup: ec2.SecurityGroup;
  ingressRules: vpc.SecurityGroupIngressRule[];
}

/** A security group in the database's VPC. */
export function securityGroup(ctx: AwsBuild, suffix: string, description: string): ec2.SecurityGroup {
  const tags = { ...ctx.settings.base.tags, Name: `${ctx.name}-${suffix}` };
  return new ec2.SecurityGroup(
    `${ctx.name}-${suffix}`,
    ...ctx.children.prepare("securityGroup", { vpcId: ctx.settings.vpcId, description, tags }),
  );
}

/** One TCP ingress rule on `port`, from a security group or a CIDR. */
export function ingress(
  ctx: AwsBuild,
  name: string,
  target: ec2.SecurityGroup,
  port: number,
  from: { securityGroupId: pulumi.Input<string> } | { cidr: string },
  description: string,
): vpc.SecurityGroupIngressRule {
  return new vpc.SecurityGroupIngressRule(
    name,
    ...ctx.children.prepare("ingressRule", {
      securityGroupId: target.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      ...("cidr" in from ? { cidrIpv4: from.cidr } : { referencedSecurityGroupId: from.securityGroupId }),
      description,
      tags: ctx.settings.base.tags,
    }),
  );
}

/** One TCP egress rule on `port`, to a security group or a CIDR. */
export function egress(
  ctx: AwsBuild,
  name: string,
  source: ec2.SecurityGroup,
  to: { port: number } & ({ securityGroupId: pulumi.Input<string> } | { cidr: string }),
  description: string,
): vpc.SecurityGroupEgressRule {
  const rule = {
    ipProtocol: "tcp",
    fromPort: to.port,
    toPort: to.port,
    ...("cidr" in to ? { cidrIpv4: to.cidr } : { referencedSecurityGroupId: to.securityGroupId }),
  };
  return new vpc.SecurityGroupEgressRule(
    name,
    ...ctx.children.prepare("egressRule", { securityGroupId: source.id, ...rule, description, tags: ctx.settings.base.tags }),
  );
}

/** Ingress on `port` from every allowed security group and CIDR. */
export function allowClients(
  ctx: AwsBuild,
  prefix: string,
  target: ec2.SecurityGroup,
  port: number,
  what: string,
): vpc.SecurityGroupIngressRule[] {
  return [
    ...ctx.settings.allowedSecurityGroupIds.map((sg, i) =>
      ingress(ctx, `${prefix}-from-sg-${i}`, target, port, { securityGroupId: sg }, `${what} from allowed security group ${i}`),
    ),
    ...ctx.settings.allowedCidrBlocks.map((cidr, i) =>
      ingress(ctx, `${prefix}-from-cidr-${i}`, target, port, { cidr }, `${what} from ${cidr}`),
    ),
  ];
}

export function createNetwork(ctx: AwsBuild): Network {
  const subnetGroup = new rds.SubnetGroup(
    `${ctx.name}-subnets`,
    ...ctx.children.prepare("subnetGroup", {
      subnetIds: ctx.settings.subnetIds,
      description: `Visor database ${ctx.name}`,
      tags: ctx.settings.base.tags,
    }),
  );
  const sg = securityGroup(ctx, "db", `Visor database ${ctx.name}: PostgreSQL ${POSTGRES_PORT} from allowed sources only`);
  const ingressRules = allowClients(ctx, `${ctx.name}-db`, sg, POSTGRES_PORT, "PostgreSQL");
  return { subnetGroup, securityGroup: sg, ingressRules };
}
