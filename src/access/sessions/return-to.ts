// Where to go after signing in: only a path on access itself, never another site.
export const defaultReturnTo = "/qualifications";

export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 200) return defaultReturnTo;
  // One leading slash, then plain path characters: no "//evil.example", no "/\evil", no scheme.
  return /^\/(?![/\\])[A-Za-z0-9/_.-]*$/.test(value) ? value : defaultReturnTo;
}

/** The sign-in address that brings the teacher back to `path` afterwards. */
export function signInHref(path: string): string {
  return `/sign-in?return_to=${encodeURIComponent(safeReturnTo(path))}`;
}
