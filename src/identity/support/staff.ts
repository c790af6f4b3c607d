// Who acts in the support console: the console's own staff types (src/identity/admin/staff-guard.ts),
// and what every staff action carries into its event.
import type { StaffMember } from "../admin/staff-guard";

export type { ResolveStaff, StaffMember, StaffRole } from "../admin/staff-guard";

/** What every staff action carries into its event: who (`staff:<id>`) and why. */
export interface StaffAction {
  staff: StaffMember;
  reason: string;
}
