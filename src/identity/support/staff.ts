// Who acts in the support console. The console's staff guard (src/identity/admin/staff-guard.ts, built
// alongside) exports these same two types; until the branches meet they are defined here, and the
// routes take a resolver (request -> staff member or null) rather than knowing the guard.
export type StaffRole = "support" | "admin";
export type StaffMember = { id: string; email: string; role: StaffRole };

/** Finds the signed-in staff member of a request, or null (then the route refuses with 403). */
export type ResolveStaff = (request: Request) => StaffMember | null;

/** What every staff action carries into its event: who (`staff:<id>`) and why. */
export interface StaffAction {
  staff: StaffMember;
  reason: string;
}
