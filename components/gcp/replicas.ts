// Read replicas (the guide's "Streaming Replication", managed by Cloud SQL via masterInstanceName). Visor itself
// always uses the writer; replicas serve reporting queries and are the cross-region copy.
import type * as pulumi from "@pulumi/pulumi";
import * as sql from "@pulumi/gcp/sql";
import type { GcpVisorDatabaseTransforms } from "./args";
import { commonSettings, instanceName } from "./instance";
import type { PrivateServiceAccess } from "./network";
import { tx } from "./transform";
import type { ResolvedGcp } from "./validate";

export function readReplicas(
  name: string,
  parent: pulumi.Resource,
  r: ResolvedGcp,
  primary: sql.DatabaseInstance,
  psa: PrivateServiceAccess,
  t?: GcpVisorDatabaseTransforms,
): sql.DatabaseInstance[] {
  return r.replicas.map((spec, i) => {
    const role = `replica-${i + 1}`;
    const [args, opts] = tx(
      t,
      "replica",
      {
        name: instanceName(
          name,
          role,
          parent,
          { master: primary.name, region: spec.region, encryptionKeyName: spec.encryptionKeyName ?? "" },
          t,
        ),
        project: r.project,
        region: spec.region,
        databaseVersion: r.databaseVersion,
        masterInstanceName: primary.name,
        encryptionKeyName: spec.encryptionKeyName,
        deletionProtection: r.base.deletionProtection,
        settings: {
          ...commonSettings(r, psa),
          tier: spec.tier,
          availabilityType: spec.availabilityType,
          // Read replicas take no backups of their own; the primary's cover them.
          backupConfiguration: { enabled: false },
        },
      },
      { parent, dependsOn: [primary, psa.dependency], ignoreChanges: ["settings.diskSize"] },
    );
    return new sql.DatabaseInstance(`${name}-${role}`, args, opts);
  });
}
