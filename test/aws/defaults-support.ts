// Shared by the defaults-*.test.ts files: one AwsVisorDatabase built with only the required args, and
// shorthands for what the mocks registered for it. Import after setupAwsMocks() has run.
import { before } from "node:test";
import { MINIMAL, one, settle } from "./helpers";
import { AwsVisorDatabase } from "../../components/aws";

export const N = "vdef";
export const T = {
  instance: "aws:rds/instance:Instance",
  params: "aws:rds/parameterGroup:ParameterGroup",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
};
export let db: AwsVisorDatabase;

/** Registers the before() hook that builds and settles the default component of the calling test file. */
export function useDefaultDatabase(): void {
  before(async () => {
    db = new AwsVisorDatabase(N, MINIMAL);
    await settle(db);
  });
}

export const inputs = (type: string, name: string) => one(N, type, name).inputs;
export const componentUrn = `urn:pulumi:test::visor::visor-db-infra:index:AwsVisorDatabase::${N}`;
