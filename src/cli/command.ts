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
}

/** A command made of subcommands (e.g. `identity clients add`). */
export function commandGroup(name: string, summary: string, commands: Command[]): Command {
  const help = () =>
    [`Usage: teacher-id ${name} <command> [options]`, "", summary, "", "Commands:"]
      .concat(commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`))
      .concat(["", `Run 'teacher-id ${name} <command> --help' for a command's options.`])
      .join("\n");
  return {
    name,
    summary,
    get help() {
      return help();
    },
    async run(args, io) {
      const [sub, ...rest] = args;
      if (!sub || sub === "--help" || sub === "-h" || sub === "help") {
        io.out(help());
        return sub ? 0 : 2;
      }
      const command = commands.find((c) => c.name === sub);
      if (!command) {
        io.err(`Unknown command '${name} ${sub}'.\n\n${help()}`);
        return 2;
      }
      if (rest.includes("--help") || rest.includes("-h")) {
        io.out(command.help);
        return 0;
      }
      return command.run(rest, io);
    },
  };
}
