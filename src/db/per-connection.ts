// drizzle rebuilds the SQL text of every query it runs (~25 µs for a one-row lookup): after SQLite
// itself the largest share of serve's CPU in a registration (bench, BENCH_PROFILE). Hot lookups use
// a drizzle prepared query instead, built once per connection with sql.placeholder() parameters.

/**
 * Returns `build(db)` built once per connection. A transaction shares its database's session (the
 * connection), so a query prepared on either runs on both.
 */
export function perConnection<D extends object, Q>(build: (db: D) => Q): (db: D) => Q {
  const built = new WeakMap<object, Q>();
  return (db) => {
    const key = (db as { session?: object }).session ?? db;
    let query = built.get(key);
    if (query === undefined) built.set(key, (query = build(db)));
    return query;
  };
}
