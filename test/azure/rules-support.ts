// What the Azure rule tests ask of validation: the server parameters for some arguments, or the one
// refusal they get.
import assert from "node:assert/strict";
import { serverParameters, validateAzureArgs, VisorValidationError, type AzureVisorDatabaseArgs } from "../../components/azure";
import { MINIMAL } from "./helpers";

/** The server parameters MINIMAL plus `extra` produce, as name → value. */
export const params = (extra: Partial<AzureVisorDatabaseArgs>) =>
  Object.fromEntries(serverParameters(validateAzureArgs({ ...MINIMAL, ...extra })));

/** The message of the VisorValidationError MINIMAL plus `extra` gets. */
export function refusal(extra: Partial<AzureVisorDatabaseArgs>): string {
  try {
    validateAzureArgs({ ...MINIMAL, ...extra });
  } catch (e) {
    assert.ok(e instanceof VisorValidationError, String(e));
    return e.message;
  }
  return assert.fail("expected a VisorValidationError");
}
