// The runner of the AWS validation tables: each bad input must fail in the constructor with one message
// naming the field and what it may be, and register nothing, not even the component.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MINIMAL, byPrefix } from "./helpers";
import { AwsVisorDatabase, type AwsVisorDatabaseArgs } from "../../components/aws";
import { VisorValidationError } from "../../components/shared/validation";

export interface Case {
  what: string;
  args: Partial<AwsVisorDatabaseArgs> & Record<string, unknown>;
  field: string;
  allowed: string;
}

const settle = () => new Promise((r) => setTimeout(r, 50));

/** One test over `cases`, a subtest each; `prefix` keeps the component names of two tables apart. */
export function runValidationTable(cases: readonly Case[], prefix = "bad"): void {
  test(`validation table: ${cases.length} bad inputs, each refused before anything is registered`, async (t) => {
    for (const [i, c] of cases.entries()) {
      await t.test(c.what, async () => {
        const name = `${prefix}${i}`;
        let err: unknown;
        try {
          new AwsVisorDatabase(name, { ...MINIMAL, ...c.args } as AwsVisorDatabaseArgs);
        } catch (e) {
          err = e;
        }
        assert.ok(err instanceof VisorValidationError, `expected a VisorValidationError, got ${String(err)}`);
        assert.equal(err.field, c.field);
        assert.ok(err.message.startsWith(`AwsVisorDatabase: ${c.field} must be ${c.allowed} (got `), err.message);
        await settle();
        assert.deepEqual(
          byPrefix(name).map((r) => r.name),
          [],
          "nothing, not even the component, may be registered",
        );
      });
    }
  });
}
