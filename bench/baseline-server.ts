// The benchmark's yardstick (DESIGN "Speed and size"): a bare Bun.serve that, per POST, makes a
// random token, hashes it and inserts a row into WAL SQLite, as the services' cheapest writes do.
// Usage: bun bench/baseline-server.ts PORT DB_PATH (or compiled, for the start-up yardstick).
import { Database } from "bun:sqlite";

const [port, path] = process.argv.slice(2);
const db = new Database(path, { create: true, strict: true });
db.run("PRAGMA journal_mode = WAL");
db.run("PRAGMA synchronous = NORMAL");
db.run("PRAGMA busy_timeout = 5000");
db.run("CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL)");
const insert = db.query("INSERT INTO tokens (hash, body, created_at) VALUES (?, ?, ?)");

Bun.serve({
  hostname: "127.0.0.1",
  port: Number(port),
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/health")
      return new Response('{"status":"ok"}', { headers: { "content-type": "application/json" } });
    if (request.method !== "POST" && request.method !== "PUT") return new Response("Not found", { status: 404 });
    const body = await request.text();
    const token = crypto.getRandomValues(new Uint8Array(32)).toBase64({ alphabet: "base64url", omitPadding: true });
    const hash = new Bun.CryptoHasher("sha256").update(token).digest("hex");
    insert.run(hash, body, Date.now());
    return new Response(JSON.stringify({ token }), { status: 201, headers: { "content-type": "application/json" } });
  },
});
