import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/identity/db/schema.ts",
  out: "./db/identity",
});
