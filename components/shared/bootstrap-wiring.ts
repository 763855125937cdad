// The same bootstrap on every cloud: VisorSchema on the writer, then VisorHaSmokeTest on the writer
// and the pooler, after the database, its app role and the pooler are ready.
import * as pulumi from "@pulumi/pulumi";
import type { RunnerTargetArgs, VisorConnectionArgs } from "../visor/providers/connection-args";
import { VisorSchema, type VisorSchemaArgs } from "../visor/providers/visor-schema";
import { VisorHaSmokeTest } from "../visor/providers/visor-ha-smoke-test";
import type { ResolvedBase } from "./base-validation";
import type { SharedChildTransforms } from "./args";
import type { Children } from "./children";

export interface BootstrapWiringArgs {
  /** Writer connection as the app role (secret). */
  writer: pulumi.Input<VisorConnectionArgs>;
  /** Pooler connection as the app role, when there is a pooler. */
  pooler?: pulumi.Input<VisorConnectionArgs>;
  /** Everything that must exist first (database, role, grants, pooler service). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  settings: ResolvedBase;
  /** Run both inside the database's network through this runner. */
  runner?: pulumi.Input<RunnerTargetArgs>;
  /** The initial setup VisorSchema runs first (role, database, grants), when no other resource does it. */
  setup?: VisorSchemaArgs["setup"];
}

export interface BootstrapResources {
  schema?: VisorSchema;
  smokeTest?: VisorHaSmokeTest;
}

export function wireBootstrap(children: Children<SharedChildTransforms>, args: BootstrapWiringArgs): BootstrapResources {
  const settings = args.settings.bootstrap;
  if (!settings) return {};
  const connectRetry = { timeoutMs: settings.connectTimeoutMs };
  const schema = new VisorSchema(
    `${children.name}-schema`,
    ...children.prepare(
      "schema",
      {
        connection: args.writer,
        retainOnDelete: settings.retainOnDelete,
        connectRetry,
        ...(args.runner ? { runner: args.runner } : {}),
        ...(args.setup ? { setup: args.setup } : {}),
      },
      { dependsOn: args.dependsOn },
    ),
  );
  if (!settings.smokeTest) return { schema };
  const smokeTest = new VisorHaSmokeTest(
    `${children.name}-smoke-test`,
    ...children.prepare(
      "smokeTest",
      {
        connection: args.writer,
        poolerConnection: args.pooler,
        nodes: settings.nodes,
        lockTtlMs: args.settings.ha.lockTtlMs,
        heartbeatMs: args.settings.ha.heartbeatMs,
        rerunOnEveryUp: settings.rerunOnEveryUp,
        connectRetry,
        ...(args.runner ? { runner: args.runner } : {}),
      },
      { dependsOn: [schema, ...args.dependsOn] },
    ),
  );
  return { schema, smokeTest };
}
