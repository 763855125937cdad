import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { DEPLOYMENT_SHAPES, recommendedPool, type DeploymentShape } from "../../components/pgbouncer";

describe("recommendedPool", () => {
  it("returns the operations guide's table", () => {
    assert.deepEqual(recommendedPool("single"), { min: 0, max: 5, usePgBouncer: false, note: "Minimal overhead" });
    assert.deepEqual(recommendedPool("small-ha"), { min: 1, max: 5, usePgBouncer: false, note: "Keep warm connections" });
    assert.deepEqual(recommendedPool("large-ha"), { min: 0, max: 3, usePgBouncer: true, note: "Use PgBouncer upstream" });
    assert.deepEqual(recommendedPool("serverless"), { min: 0, max: 2, usePgBouncer: false, note: "Short-lived, release fast" });
    assert.deepEqual(DEPLOYMENT_SHAPES, ["single", "small-ha", "large-ha", "serverless"]);
  });

  it("refuses unknown deployments, listing the allowed values", () => {
    for (const bad of ["medium", "", "toString", "__proto__"]) {
      assert.throws(() => recommendedPool(bad as DeploymentShape), {
        name: "RangeError",
        message: `Unknown deployment ${JSON.stringify(bad)}: expected one of "single", "small-ha", "large-ha", "serverless"`,
      });
    }
    assert.throws(() => recommendedPool(undefined as never), /Unknown deployment undefined: expected one of/);
  });

  it("hands out copies, so callers cannot change the table", () => {
    recommendedPool("single").max = 99;
    assert.equal(recommendedPool("single").max, 5);
  });
});
