// The app connection Visor instances read: the shared document (AppConnectionDocument), stored as a Key
// Vault secret when the user names a vault.
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import type { AzureBuild } from "./context";

export function createKeyVaultSecret(ctx: AzureBuild, value: pulumi.Output<string>): keyvault.Secret | undefined {
  const vault = ctx.settings.keyVault;
  if (!vault) return undefined;
  return new keyvault.Secret(
    `${ctx.name}-app-connection`,
    ...ctx.children.prepare("keyVaultSecret", {
      resourceGroupName: vault.resourceGroupName ?? ctx.settings.resourceGroupName,
      vaultName: vault.vaultName,
      secretName: vault.secretName,
      properties: { value: pulumi.secret(value), contentType: "application/json" },
      tags: ctx.settings.base.tags,
    }),
  );
}
