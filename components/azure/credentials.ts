// The app connection Visor instances read: one JSON document (host, port, database, user, password,
// sslmode and the pooler), stored as a Key Vault secret when the user names a vault.
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import type { Endpoint } from "../shared/args";
import type { AzureKeyVaultSecret, AzureVisorDatabaseTransforms } from "./args";
import { applyTransform } from "./transform";

export interface AppConnectionDocument {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  sslmode: "verify-full";
  pooler?: Endpoint;
  url: string;
}

/** Secret: the document as JSON. */
export function appConnectionJson(
  writer: pulumi.Input<Endpoint>,
  pooler: pulumi.Input<Endpoint | undefined>,
  database: string,
  user: string,
  password: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([writer, pooler, password]).apply(([w, p, pw]) => {
      // Visor connects through the pooler when there is one (the guide's "point Visor to PgBouncer").
      const via = p ?? w;
      const doc: AppConnectionDocument = {
        host: w.host,
        port: w.port,
        database,
        user,
        password: pw,
        sslmode: "verify-full",
        pooler: p,
        url: `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@${via.host}:${via.port}/${encodeURIComponent(database)}?sslmode=verify-full`,
      };
      return JSON.stringify(doc);
    }),
  );
}

export function createKeyVaultSecret(
  name: string,
  parent: pulumi.Resource,
  kv: AzureKeyVaultSecret,
  resourceGroupName: pulumi.Input<string>,
  value: pulumi.Output<string>,
  transforms: AzureVisorDatabaseTransforms | undefined,
  tags: Record<string, string>,
): keyvault.Secret {
  const [a, o] = applyTransform(
    transforms,
    "keyVaultSecret",
    {
      resourceGroupName: kv.resourceGroupName ?? resourceGroupName,
      vaultName: kv.vaultName,
      secretName: kv.secretName ?? "visor-db-connection",
      properties: { value: pulumi.secret(value), contentType: "application/json" },
      tags,
    },
    { parent },
  );
  return new keyvault.Secret(`${name}-app-connection`, a, o);
}
