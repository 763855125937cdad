// A platform repo's Pulumi program: Visor's database on Azure Flexible Server in your VNet.
import * as pulumi from "@pulumi/pulumi";
import { AzureVisorDatabase } from "visor-db-infra/azure";

const cfg = new pulumi.Config();
const db = new AzureVisorDatabase("visor", {
  resourceGroupName: cfg.require("resourceGroupName"),
  location: cfg.require("location"),
  delegatedSubnetId: cfg.require("delegatedSubnetId"),
  privateDnsZoneId: cfg.require("privateDnsZoneId"),
});

export const writer = db.writerEndpoint;
export const pooler = db.poolerEndpoint;
