// Someone who clones only this repository can follow every link in README.md and docs/: each
// relative link resolves to a file (or folder) in the repository, its #fragment to a heading there,
// and nothing points outside the repository with ../.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const documents = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** Markdown without fenced code blocks (a link-like text inside one is an example, not a link). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** Every link target: inline `[text](target "title")`, images, and reference definitions `[x]: target`. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)].map((m) => m[1]);
  return [...inline, ...references];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .replace(/`|\*\*|__/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

type Broken = { document: string; target: string; problem: string };

/** The links in `document` (a path relative to `root`) that a reader of a clone cannot follow. */
function brokenLinks(root: string, document: string): Broken[] {
  const markdown = readFileSync(join(root, document), "utf8");
  const broken: Broken[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not a file here
    const [path, fragment] = target.split("#", 2);
    const file = path === "" ? join(root, document) : resolve(root, dirname(document), decodeURIComponent(path));
    const inRepository = relative(root, file);
    if (inRepository.startsWith("..") || resolve(root, inRepository) !== file) {
      broken.push({ document, target, problem: "points outside the repository" });
      continue;
    }
    if (!existsSync(file)) {
      broken.push({ document, target, problem: "no such file in the repository" });
      continue;
    }
    if (fragment && file.endsWith(".md") && statSync(file).isFile() && !headingAnchors(readFileSync(file, "utf8")).has(fragment)) {
      broken.push({ document, target, problem: `no heading #${fragment} in ${inRepository}` });
    }
  }
  // A path written as text (e.g. in backticks) is still a pointer a reader follows.
  for (const [mention] of markdown.matchAll(/(?<![\w./])(?:\.\.\/)+[\w./-]*[\w/]/g)) {
    const file = resolve(root, dirname(document), mention);
    if (relative(root, file).startsWith("..")) broken.push({ document, target: mention, problem: "names a path outside the repository" });
    else if (!existsSync(file)) broken.push({ document, target: mention, problem: "names a path that is not in the repository" });
  }
  return broken;
}

test("README.md and every docs/*.md are checked", () => {
  expect(documents).toContain("README.md");
  expect(documents).toContain("docs/ARCHITECTURE.md");
  expect(documents).toContain("docs/CONTRACTS.md");
});

test("every relative link in README.md and docs/*.md resolves inside the repository", () => {
  expect(documents.flatMap((document) => brokenLinks(root, document))).toEqual([]);
});

test("the documents do link to each other (the check above is not vacuous)", () => {
  const architecture = linkTargets(readFileSync(join(root, "docs/ARCHITECTURE.md"), "utf8"));
  expect(architecture).toContain("CONTRACTS.md");
  expect(linkTargets(readFileSync(join(root, "README.md"), "utf8"))).toContain("docs/ARCHITECTURE.md");
});

test("the checker catches a missing file, a missing heading and a path out of the repository", () => {
  const fixture = mkdtempSync(join(tmpdir(), "docs-links-"));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));
  mkdirSync(join(fixture, "docs"));
  writeFileSync(join(fixture, "README.md"), "# Read me\n\n## Code map\n");
  writeFileSync(
    join(fixture, "docs/GUIDE.md"),
    [
      "# Guide",
      "## Known gaps",
      "Fine: [readme](../README.md), [section](../README.md#code-map), [here](#known-gaps), [web](https://example.com/x.md).",
      "Broken: [a](NOWHERE.md), [b](../README.md#missing), [c](../../outside/DESIGN.md).",
      "Also read `../shared/DESIGN.md` first.",
      "[ref]: ./gone.md",
    ].join("\n"),
  );
  expect(brokenLinks(fixture, "docs/GUIDE.md")).toEqual([
    { document: "docs/GUIDE.md", target: "NOWHERE.md", problem: "no such file in the repository" },
    { document: "docs/GUIDE.md", target: "../README.md#missing", problem: "no heading #missing in README.md" },
    { document: "docs/GUIDE.md", target: "../../outside/DESIGN.md", problem: "points outside the repository" },
    { document: "docs/GUIDE.md", target: "./gone.md", problem: "no such file in the repository" },
    { document: "docs/GUIDE.md", target: "../../outside/DESIGN.md", problem: "names a path outside the repository" },
    { document: "docs/GUIDE.md", target: "../shared/DESIGN.md", problem: "names a path that is not in the repository" },
  ]);
  expect(headingAnchors("## Identity: who owns what\n## `make` it\n## `make` it\n")).toEqual(
    new Set(["identity-who-owns-what", "make-it", "make-it-1"]),
  );
});
