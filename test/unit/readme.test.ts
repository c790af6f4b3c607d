// README.md is the operator's manual: it must not drift from the code.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { settingNames } from "../../src/cli/configuration";

const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
const configurationSection = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## APIs"));

test("the configuration table names every setting the code reads", () => {
  const missing = settingNames().filter((name) => !configurationSection.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});

test("the configuration table names no setting the code does not read", () => {
  const known = new Set(settingNames());
  const named = [...configurationSection.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]);
  expect(named.filter((name) => !known.has(name))).toEqual([]);
});

test("the first screen gives the two set-up commands", () => {
  const firstScreen = readme.split("\n").slice(0, 40).join("\n");
  expect(firstScreen).toContain("make run");
  expect(firstScreen).toContain("make test");
});
