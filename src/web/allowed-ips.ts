// An allow-list of client addresses (identity's ADMIN_ALLOWED_IPS for its support console): an optional comma-separated list of addresses or CIDR ranges (IPv4 or IPv6)
// that may reach /admin at all. Without it, any address may (the sign-in still needs two factors).
import { BlockList, isIP } from "node:net";

export type AllowedIps = ((ip: string) => boolean) | null;

/** Why the setting is not a list of addresses and CIDR ranges, or undefined. */
export function allowedIpsProblem(value: string): string | undefined {
  for (const entry of splitEntries(value)) if (!parseEntry(entry)) return `'${entry}' is not an IP address or CIDR range (e.g. 203.0.113.0/24, 2001:db8::/32)`;
  return undefined;
}

const splitEntries = (value: string) => value.split(/[\s,]+/).filter(Boolean);

function parseEntry(entry: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  const [address, prefixText, extra] = entry.split("/");
  if (extra !== undefined || !address) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return undefined;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** A check for the client IP, or null when every address is allowed. */
export function allowedIps(value: string | undefined): AllowedIps {
  if (!value || splitEntries(value).length === 0) return null;
  const list = new BlockList();
  for (const entry of splitEntries(value)) {
    const parsed = parseEntry(entry);
    if (!parsed) throw new Error(`the address allow-list: ${allowedIpsProblem(value)}`);
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return (ip) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
    const version = isIP(mapped);
    if (version === 0) return false;
    return list.check(mapped, version === 4 ? "ipv4" : "ipv6");
  };
}
