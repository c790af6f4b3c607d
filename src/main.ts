#!/usr/bin/env bun
// teacher-id: one executable for the three services. `teacher-id --help` lists the commands.
import { ConfigError } from "./config/config";
import { backupCommand } from "./cli/backup-command";
import type { Command, CommandIO } from "./cli/command";
import { migrateCommand } from "./cli/migrate-command";
import { serveCommand } from "./cli/serve-command";
import { identityCommands } from "./identity/cli";
import { recordsCommands } from "./records/cli";

const commands: Command[] = [serveCommand, migrateCommand, identityCommands, recordsCommands, backupCommand];

function usage(): string {
  return [
    "Usage: teacher-id <command> [options]",
    "",
    "Register for a Teacher ID account through a magic link, and download a QTS certificate.",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    "",
    "Run 'teacher-id <command> --help' for a command's options.",
  ].join("\n");
}

export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return name ? 0 : 2;
  }
  if (name === "--version") {
    io.out("teacher-id 0.1.0");
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  if (args[0] === "--help" || args[0] === "-h") {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 78; // EX_CONFIG
    }
    if (error instanceof Error && ("code" in error ? String(error.code).startsWith("ERR_PARSE_ARGS") : false)) {
      io.err(`${error.message}\n\n${command.help}`);
      return 2;
    }
    if (error instanceof Error && error.message.startsWith("--")) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  const io: CommandIO = {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    env: process.env,
  };
  const code = await runCli(process.argv.slice(2), io);
  process.exit(code);
}
