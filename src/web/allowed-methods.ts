// Which methods each path answers, read from the app's own registered routes: what a request with
// another method is told (405 with `Allow`, RFC 9110 §15.5.6), and what OPTIONS answers (§9.3.7).
// Nothing here runs for a request that matches a route: only for one the router did not match, or
// one the web layer is about to refuse before routing (body size, CSRF).

/** The methods a client may try; the walk over every route (test/integration/http-methods.test.ts) sends each. */
export const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** A route as Elysia lists it in `app.routes`. */
export interface RegisteredRoute {
  method: string;
  path: string;
}

/** One path pattern (Elysia's syntax: `:param`, `*`) and every method it answers, in httpMethods order. */
export interface RouteMethods {
  path: string;
  methods: string[];
}

const order = new Map<string, number>(httpMethods.map((m, i) => [m, i]));
const byMethodOrder = (a: string, b: string) => (order.get(a) ?? 99) - (order.get(b) ?? 99) || a.localeCompare(b);

/**
 * Every path pattern with the methods it answers: its own, HEAD wherever GET is (Bun answers HEAD
 * with the GET handler's headers and no body), and OPTIONS everywhere (the web layer answers it).
 */
export function routeMethods(routes: readonly RegisteredRoute[], extraGetPaths: Iterable<string> = []): RouteMethods[] {
  const byPath = new Map<string, Set<string>>();
  const add = (path: string, method: string) => {
    let methods = byPath.get(path);
    if (!methods) byPath.set(path, (methods = new Set()));
    if (method === "ALL") for (const m of httpMethods) methods.add(m);
    else methods.add(method.toUpperCase());
  };
  for (const route of routes) add(route.path, route.method);
  for (const path of extraGetPaths) add(path, "GET");
  return [...byPath].map(([path, methods]) => {
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    return { path, methods: [...methods].sort(byMethodOrder) };
  });
}

/** A pattern's matcher: `:name` is one segment, `:name?` an optional one, `*` the rest of the path. */
function patternMatcher(pattern: string): RegExp {
  let source = "";
  for (const segment of pattern.split("/").slice(1)) {
    if (segment === "*") source += "(?:/.*)?";
    else if (segment.startsWith(":") && segment.endsWith("?")) source += "(?:/[^/]+)?";
    else if (segment.startsWith(":")) source += "/[^/]+";
    else source += "/" + segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source || "/"}$`);
}

const isStatic = (pattern: string) => !pattern.includes(":") && !pattern.includes("*");

export interface AllowedMethods {
  /** The `Allow` header for a path (e.g. "GET, HEAD, OPTIONS"), or undefined when no route has this path. */
  allowFor(path: string): string | undefined;
  /** True when some route answers this method at this path. */
  answers(method: string, path: string): boolean;
}

/**
 * Looks paths up in the app's routes. `routes` is read when first needed, and again whenever its
 * length has changed: an app gains its routes after the web layer is made, before it serves.
 */
export function allowedMethods(routes: () => readonly RegisteredRoute[], extraGetPaths: readonly string[] = []): AllowedMethods {
  let compiledFrom = -1;
  let exact = new Map<string, string[]>();
  let patterns: { match: RegExp; methods: string[] }[] = [];
  const compile = () => {
    const current = routes();
    if (current.length === compiledFrom) return;
    compiledFrom = current.length;
    exact = new Map();
    patterns = [];
    for (const { path, methods } of routeMethods(current, extraGetPaths)) {
      if (isStatic(path)) exact.set(path, methods);
      else patterns.push({ match: patternMatcher(path), methods });
    }
  };
  const methodsFor = (rawPath: string): string[] | undefined => {
    compile();
    // Elysia (strictPath off) answers /path/ as /path.
    const path = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath;
    // A path a route names exactly is that route's address: its methods are the answer, even where
    // a parameter route's pattern fits it too (records' POST /v2/teachers/find and GET /v2/teachers/{trn}).
    let found = exact.get(path);
    if (found) return found;
    for (const pattern of patterns) {
      if (!pattern.match.test(path)) continue;
      found = found ? [...new Set([...found, ...pattern.methods])].sort(byMethodOrder) : pattern.methods;
    }
    return found;
  };
  return {
    allowFor: (path) => methodsFor(path)?.join(", "),
    answers: (method, path) => methodsFor(path)?.includes(method) ?? false,
  };
}
