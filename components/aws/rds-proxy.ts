// RDS Proxy in front of the writer (`pooler: "rds-proxy"`): TLS required, logging in with the app
// connection secret's username/password by SCRAM, its pool sized from the guide's pool as a share of
// max_connections (with headroom, and AWS's default idle share), its target registered only once the
// secret's value exists.
import type * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as rds from "@pulumi/aws/rds";
import type * as vpc from "@pulumi/aws/vpc";
import { POSTGRES_PORT } from "../shared/defaults";
import { assumeRolePolicy, type AwsBuild } from "./context";
import type { Credentials } from "./credentials";
import type { Writer } from "./database";
import { allowClients, egress, ingress, securityGroup, type Network } from "./network";
import { readSecretPolicy, type Pooler } from "./pooler";
import { proxyPool } from "./validate-options";

export interface RdsProxyResources {
  kind: "rds-proxy";
  securityGroup: ec2.SecurityGroup;
  rules: (vpc.SecurityGroupIngressRule | vpc.SecurityGroupEgressRule)[];
  role: iam.Role;
  proxy: rds.Proxy;
  targetGroup: rds.ProxyDefaultTargetGroup;
  /** Registered by `Pooler.afterAppSecret`, once the app secret has its value. */
  target?: rds.ProxyTarget;
}

export function createRdsProxy(ctx: AwsBuild, network: Network, writer: Writer, creds: Credentials): Pooler {
  const { settings, name } = ctx;
  const tags = settings.base.tags;
  const base = `${name}-proxy`;
  const sg = securityGroup(ctx, "proxy", `Visor RDS Proxy ${name}: ${POSTGRES_PORT} from allowed sources`);
  const rules = [
    ...allowClients(ctx, base, sg, POSTGRES_PORT, "RDS Proxy"),
    egress(
      ctx,
      `${base}-to-db`,
      sg,
      { port: POSTGRES_PORT, securityGroupId: network.securityGroup.id },
      "RDS Proxy to the writer",
    ),
    ingress(
      ctx,
      `${name}-db-from-proxy`,
      network.securityGroup,
      POSTGRES_PORT,
      { securityGroupId: sg.id },
      "PostgreSQL from RDS Proxy",
    ),
  ];
  const role = new iam.Role(
    base,
    ...ctx.children.prepare("proxyRole", {
      assumeRolePolicy: assumeRolePolicy("rds.amazonaws.com"),
      description: `RDS Proxy for Visor database ${name}`,
      tags,
    }),
  );
  const readSecret = readSecretPolicy(ctx, `${base}-read-secret`, role, creds.secret.arn);
  const proxy = new rds.Proxy(
    base,
    ...ctx.children.prepare(
      "proxy",
      {
        engineFamily: "POSTGRESQL",
        requireTls: true,
        roleArn: role.arn,
        vpcSubnetIds: settings.pooler.subnetIds,
        vpcSecurityGroupIds: [sg.id],
        idleClientTimeout: 1800,
        debugLogging: false,
        // The proxy logs in with the app secret's username/password, by SCRAM.
        auths: [
          {
            authScheme: "SECRETS",
            secretArn: creds.secret.arn,
            iamAuth: "DISABLED",
            clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
            description: `Visor app role ${settings.base.appUser}`,
          },
        ],
        tags,
      },
      { dependsOn: [readSecret] },
    ),
  );
  // The guide's pool as a share of max_connections, with headroom; idle connections kept as AWS's default.
  const pool = proxyPool(settings.base);
  const targetGroup = new rds.ProxyDefaultTargetGroup(
    base,
    ...ctx.children.prepare("proxyTargetGroup", {
      dbProxyName: proxy.name,
      connectionPoolConfig: {
        maxConnectionsPercent: pool.maxConnectionsPercent,
        maxIdleConnectionsPercent: pool.maxIdleConnectionsPercent,
        connectionBorrowTimeout: 120,
      },
    }),
  );
  const resources: RdsProxyResources = { kind: "rds-proxy", securityGroup: sg, rules, role, proxy, targetGroup };
  return {
    resources,
    endpoint: proxy.endpoint.apply((host) => ({ host, port: POSTGRES_PORT })),
    clientSsl: { mode: "verify-full" },
    ready: [],
    // The proxy logs in with the secret's value: its target waits for that value, not just the secret.
    afterAppSecret: (appSecretValue) => {
      resources.target = new rds.ProxyTarget(
        base,
        ...ctx.children.prepare(
          "proxyTarget",
          {
            dbProxyName: proxy.name,
            targetGroupName: targetGroup.name,
            ...(settings.engine === "rds"
              ? { dbInstanceIdentifier: writer.identifier }
              : { dbClusterIdentifier: writer.identifier }),
          },
          { dependsOn: [...writer.ready, appSecretValue] },
        ),
      );
      return [resources.target];
    },
  };
}
