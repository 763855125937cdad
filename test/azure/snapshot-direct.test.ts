// The golden plan of `bootstrap: { via: "direct" }`: exactly the default plan from before the runner
// (issue 20), so pipelines inside the VNet that opt out see no change. Its own file: the component is
// named "visor" like the default plan's, and the plan is read by that name.
import { join } from "node:path";
import { test } from "node:test";
import { matchSnapshot } from "../support/snapshot";
import { MINIMAL, plan, settle, setupAzureMocks } from "./helpers";
setupAzureMocks();
import { AzureVisorDatabase } from "../../components/azure";

test("direct plan (bootstrap.via: direct) is the plan from before the runner", async () => {
  const db = new AzureVisorDatabase("visor", { ...MINIMAL, bootstrap: { via: "direct" } });
  await settle(db);
  matchSnapshot(join(__dirname, "__snapshots__", "direct.json"), plan("visor"));
});
