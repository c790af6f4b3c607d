import { serviceNames, type ServiceName } from "../config/config";

/** Parses `--only identity,records`; throws a message naming the bad value. */
export function parseOnly(value: string | undefined): ServiceName[] {
  if (value === undefined) return [...serviceNames];
  const names = value.split(",").map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(serviceNames as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes a comma-separated list of ${serviceNames.join(", ")} (got ${JSON.stringify(value)})`);
  }
  return serviceNames.filter((n) => names.includes(n));
}
