import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/access/db/schema.ts",
  out: "./db/access",
});
