// The shape of a CLI command, so each service can contribute its own (src/<service>/cli.ts).
export interface CommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

export interface Command {
  name: string;
  summary: string;
  /** Full --help text. */
  help: string;
  run(args: string[], io: CommandIO): Promise<number>;
  /** Set on groups: places the group under its parent (`records outbox`), so its help names the full command. */
  nestUnder?(parentPath: string): void;
}

/** A command made of subcommands (e.g. `identity clients add`). */
export function commandGroup(name: string, summary: string, commands: Command[]): Command {
  let path = name;
  for (const command of commands) command.nestUnder?.(path);
  const help = () =>
    [`Usage: teacher-id ${path} <command> [options]`, "", summary, "", "Commands:"]
      .concat(commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`))
      .concat(["", `Run 'teacher-id ${path} <command> --help' for a command's options.`])
      .join("\n");
  return {
    name,
    summary,
    get help() {
      return help();
    },
    nestUnder(parentPath) {
      path = `${parentPath} ${name}`;
      for (const command of commands) command.nestUnder?.(path);
    },
    async run(args, io) {
      const [sub, ...rest] = args;
      if (!sub || sub === "--help" || sub === "-h" || sub === "help") {
        io.out(help());
        return sub ? 0 : 2;
      }
      const command = commands.find((c) => c.name === sub);
      if (!command) {
        io.err(`Unknown command '${path} ${sub}'.\n\n${help()}`);
        return 2;
      }
      // A group answers --help for its own subcommands.
      if (!command.nestUnder && (rest.includes("--help") || rest.includes("-h"))) {
        io.out(command.help);
        return 0;
      }
      return command.run(rest, io);
    },
  };
}
