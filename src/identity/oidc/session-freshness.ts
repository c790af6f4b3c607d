// Placeholder until the rules branch lands (replaced by its version).
export function sessionIsFreshEnough(request: { prompt: string | null | undefined; maxAge: number | null | undefined }, authTime: number, now = Date.now()): boolean {
  if (request.prompt === "login") return false;
  if (request.maxAge !== null && request.maxAge !== undefined && now - authTime > request.maxAge * 1000) return false;
  return true;
}
