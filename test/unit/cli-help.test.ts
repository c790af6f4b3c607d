// Every command and subcommand answers --help with its own usage (exit 0), found by walking the
// "Commands:" lists from `teacher-id --help` down, so a new command is checked without listing it.
import { expect, test } from "bun:test";
import { runCli } from "../../src/main";

async function help(path: string[]) {
  const out: string[] = [];
  const code = await runCli([...path, "--help"], { out: (l) => out.push(l), err: (l) => out.push(l), env: {} });
  return { code, text: out.join("\n") };
}

function subcommands(helpText: string): string[] {
  const section = helpText.split("\nCommands:\n")[1];
  if (!section) return [];
  return section
    .split("\n")
    .map((line) => /^ {2}([a-z][a-z-]*) {2,}\S/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

test("--help on every command and subcommand shows its usage and exits 0", async () => {
  const visited: string[] = [];
  async function walk(path: string[]) {
    const { code, text } = await help(path);
    expect({ path: path.join(" "), code }).toEqual({ path: path.join(" "), code: 0 });
    expect(text).toStartWith(path.length ? `Usage: teacher-id ${path.join(" ")}` : "Usage: teacher-id <command>");
    visited.push(path.join(" "));
    for (const name of subcommands(text)) await walk([...path, name]);
  }
  await walk([]);
  expect(visited).toEqual(expect.arrayContaining(["serve", "migrate", "backup", "records import", "records demo", "records outbox list", "records outbox retry", "identity accounts", "identity accounts list", "identity accounts show", "identity events list"]));
});
