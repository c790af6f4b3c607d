import { parseArgs } from "node:util";
import { loadConfig } from "../config/config";
import { createLogger } from "../log/logger";
import { startServices } from "../server/serve";
import type { Command } from "./command";
import { parseOnly } from "./only-option";

export const serveCommand: Command = {
  name: "serve",
  summary: "Start the services (all three by default)",
  help: `Usage: teacher-id serve [--only identity,records,access]

Starts the services, each on its own port, and applies database migrations first.
With no configuration it runs all three on 127.0.0.1:4000-4002 with data in ./data.

Options:
  --only LIST   Start only these services (comma-separated). Give the others' URLs
                in IDENTITY_URL, RECORDS_URL, ACCESS_URL.
  --help        Show this help.

Stops gracefully on SIGTERM or SIGINT. Settings: see README "Configuration".`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { only: { type: "string" } }, strict: true });
    const only = parseOnly(values.only);
    const config = loadConfig(io.env);
    const logger = createLogger({ level: config.LOG_LEVEL }).child({ pid: process.pid });
    const system = await startServices(config, logger, only);
    const lines = [
      "",
      "teacher-id is running:",
      ...only.map((name) => `  ${name.padEnd(9)} ${config.urls[name]}   (listening on ${system.listening[name]})`),
      ...system.announce,
      "",
      "Press Ctrl+C to stop.",
      "",
    ];
    io.err(lines.join("\n"));
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        logger.info("shutdown_requested", { signal });
        system.stop().then(resolve);
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
    return 0;
  },
};
