// Read replicas (the guide's "Streaming Replication", managed by Cloud SQL via masterInstanceName). Visor itself
// always uses the writer; replicas serve reporting queries and are the cross-region copy.
import * as sql from "@pulumi/gcp/sql";
import { commonSettings, instanceName } from "./instance";
import type { PrivateServiceAccess } from "./network";
import type { GcpBuild } from "./context";

export function readReplicas(ctx: GcpBuild, primary: sql.DatabaseInstance, psa: PrivateServiceAccess): sql.DatabaseInstance[] {
  const { name, settings } = ctx;
  return settings.replicas.map((spec, i) => {
    const role = `replica-${i + 1}`;
    const [args, opts] = ctx.children.prepare(
      "replica",
      {
        name: instanceName(ctx, role, {
          master: primary.name,
          region: spec.region,
          encryptionKeyName: spec.encryptionKeyName ?? "",
        }),
        project: settings.project,
        region: spec.region,
        databaseVersion: settings.databaseVersion,
        masterInstanceName: primary.name,
        encryptionKeyName: spec.encryptionKeyName,
        deletionProtection: settings.base.deletionProtection,
        settings: {
          ...commonSettings(settings, psa),
          tier: spec.tier,
          availabilityType: spec.availabilityType,
          // Read replicas take no backups of their own; the primary's cover them.
          backupConfiguration: { enabled: false },
        },
      },
      { dependsOn: [primary, psa.dependency], ignoreChanges: ["settings.diskSize"] },
    );
    return new sql.DatabaseInstance(`${name}-${role}`, args, opts);
  });
}
