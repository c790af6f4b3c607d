/** A query parameter given exactly once; a repeated one counts as absent (and so is refused). */
export function singleQueryParam(request: Request, name: string): string | undefined {
  const values = new URL(request.url).searchParams.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}
