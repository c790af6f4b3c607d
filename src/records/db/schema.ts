// records' tables. Times are unix milliseconds; dates are ISO yyyy-mm-dd strings.
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
export { outbox } from "../../outbox/schema";

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
