import { parseArgs } from "node:util";
import { loadSharedConfig, publicUrlsInDevelopment } from "../config/config";
import { createLogger } from "../log/logger";
import { loadServeConfig } from "./configuration";
import { startServices } from "./serve";
import type { Command } from "./command";
import { parseOnly } from "./only-option";

export const serveCommand: Command = {
  name: "serve",
  summary: "Start the services (all three by default)",
  help: `Usage: teacher-id serve [--only identity,records,access] [--demo]

Starts the services, each on its own port, and applies database migrations first.
With no configuration it runs all three on 127.0.0.1:4000-4002 with data in ./data.
In development, a new data directory gets a handful of fictional demo teachers.

Options:
  --only LIST   Start only these services (comma-separated). Give the others' URLs
                in IDENTITY_URL, RECORDS_URL, ACCESS_URL.
  --demo        Load the demo teachers even if the data directory is not new
                (development only; those already there are left alone).
  --help        Show this help.

Reads the shared settings and those of the services it starts, and no others.
Stops gracefully on SIGTERM or SIGINT. Settings: see README "Configuration".`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { only: { type: "string" }, demo: { type: "boolean" } }, strict: true });
    const only = parseOnly(values.only);
    if (values.demo) {
      // Refused before the services' settings are checked: production would never take them anyway.
      if (loadSharedConfig(io.env).ENVIRONMENT === "production") {
        io.err("--demo loads fictional teachers: it is refused when ENVIRONMENT=production.");
        return 2;
      }
      if (!only.includes("records")) {
        io.err("--demo loads teachers into records: start records too.");
        return 2;
      }
    }
    const serveConfig = loadServeConfig(io.env, only);
    const config = serveConfig.shared;
    const logger = createLogger({ level: config.LOG_LEVEL }).child({ pid: process.pid });
    const exposed = publicUrlsInDevelopment(config);
    if (exposed.length > 0) {
      io.err(developmentWarning(exposed));
      logger.warn("development_mode_on_public_url", { settings: exposed.map((e) => e.name) });
    }
    if (values.demo) {
      // Imported here: only --demo needs the CSV importer before records starts.
      const { loadDemoTeachersIn } = await import("../records/demo/demo-teachers");
      logger.info("demo_teachers_loaded", { teachers: loadDemoTeachersIn(config.DATA_DIR) });
    }
    const system = await startServices(serveConfig, logger);
    const lines = [
      "",
      "teacher-id is running:",
      ...only.map((name) => `  ${name.padEnd(9)} ${config.urls[name]}   (listening on ${system.listening[name]})`),
      `  ${"metrics".padEnd(9)} ${system.metricsUrl}   (Prometheus${config.METRICS_TOKEN ? ", bearer token METRICS_TOKEN" : ""})`,
      ...system.announce,
      "",
      "Press Ctrl+C to stop.",
      "",
    ];
    // Listen for the stop signals before the banner says we are running: whoever reads the banner
    // may stop us at once.
    const stopped = new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        logger.info("shutdown_requested", { signal });
        system.stop().then(resolve);
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
    io.err(lines.join("\n"));
    await stopped;
    return 0;
  },
};

/** ENVIRONMENT defaults to development, which fails open: say so loudly when the URLs look real. */
function developmentWarning(exposed: { name: string; url: string }[]): string {
  const rule = "!".repeat(78);
  return [
    rule,
    "WARNING: ENVIRONMENT=development, but these public URLs are not on this machine:",
    ...exposed.map(({ name, url }) => `  ${name}=${url}`),
    "Development mode is for a developer's machine. It stores every email and text message",
    "(with live sign-in codes and links) in a dev mailbox page anyone can read, keeps the",
    "services' client secrets in a file in DATA_DIR, creates a demo client and demo teachers,",
    "and accepts http:// URLs. If this is a real deployment, set ENVIRONMENT=production.",
    rule,
  ].join("\n");
}
