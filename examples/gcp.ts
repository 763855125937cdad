// A platform repo's Pulumi program: Visor's database on Cloud SQL in your VPC.
import * as pulumi from "@pulumi/pulumi";
import { GcpVisorDatabase } from "visor-db-infra/gcp";

const cfg = new pulumi.Config();
const db = new GcpVisorDatabase("visor", {
  region: cfg.require("region"),
  network: cfg.require("networkSelfLink"),
});

export const writer = db.writerEndpoint;
export const connectionName = db.connectionName;
