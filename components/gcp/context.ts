// What every Google Cloud builder needs: the resolved arguments and the shared child factory (parent and
// the user's `transform` hooks).
import type { Children } from "../shared/children";
import type { GcpVisorDatabaseTransforms } from "./args";
import type { ResolvedGcp } from "./resolved";

export interface GcpBuild {
  /** The component's name, the prefix of every child's name. */
  name: string;
  settings: ResolvedGcp;
  children: Children<GcpVisorDatabaseTransforms>;
}
