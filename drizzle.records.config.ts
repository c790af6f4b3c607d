import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/records/db/schema.ts",
  out: "./db/records",
});
