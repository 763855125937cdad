// A platform repo's Pulumi program: Visor's database on AWS next to your own VPC.
import * as pulumi from "@pulumi/pulumi";
import { AwsVisorDatabase } from "visor-db-infra/aws";

const cfg = new pulumi.Config();
const db = new AwsVisorDatabase("visor", {
  vpcId: cfg.require("vpcId"),
  subnetIds: cfg.requireObject<string[]>("privateSubnetIds"),
  allowedSecurityGroupIds: [cfg.require("visorSecurityGroupId")],
});

export const writer = db.writerEndpoint;
export const pooler = db.poolerEndpoint;
export const appConnectionSecretId = db.appConnectionSecretId;
