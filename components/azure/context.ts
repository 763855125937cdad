// What every Azure builder needs: the resolved arguments and the shared child factory (parent and the
// user's `transform` hooks).
import type { Children } from "../shared/children";
import type { AzureVisorDatabaseTransforms } from "./args";
import type { ResolvedAzure } from "./resolved";

export interface AzureBuild {
  /** The component's name, the prefix of every child's name. */
  name: string;
  settings: ResolvedAzure;
  children: Children<AzureVisorDatabaseTransforms>;
}
