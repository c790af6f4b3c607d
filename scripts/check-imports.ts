// `make check-imports`: the import rules of docs/ARCHITECTURE.md, checked with dependency-cruiser.
//
// Two kinds of problem fail the build (exit 1):
// - a rule of .dependency-cruiser.cjs is broken (e.g. src/config/ imports a service);
// - two folders import each other, directly or through a longer loop. Each folder
//   src/<service>/<feature>/ and each shared folder src/<shared>/ counts as one node; a file right
//   under src/<service>/ (service.tsx, settings.ts, cli.ts) or src/ is a node of its own, since the
//   composition root imports every feature and a feature may read its service's settings.
//   dependency-cruiser's own `circular` rule sees loops between modules only, not between folders.
//
// Usage: bun scripts/check-imports.ts [--root DIR]   (DIR holds src/; default: this repository)
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { cruise, type ICruiseResult, type IModule } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const repositoryRoot = resolve(import.meta.dir, "..");
const configFile = join(repositoryRoot, ".dependency-cruiser.cjs");
export const services = ["identity", "records", "access"];

/** The node of the folder graph a file belongs to, or undefined for files outside src/. */
export function folderOf(file: string): string | undefined {
  const parts = file.split("/");
  if (parts[0] !== "src" || parts.length < 2) return undefined;
  if (parts.length === 2) return file; // src/main.ts
  if (!services.includes(parts[1])) return `src/${parts[1]}`; // shared folder
  if (parts.length === 3) return file; // a file right under src/<service>/
  return `src/${parts[1]}/${parts[2]}`;
}

/** One folder importing another: how many imports, and the first one as an example. */
export type FolderEdge = {
  from: string;
  to: string;
  count: number;
  /** every one of these imports is `import type` (still a dependency of the code's shape) */
  typeOnly: boolean;
  example: { from: string; to: string };
};

export function folderEdges(modules: IModule[]): FolderEdge[] {
  const edges = new Map<string, FolderEdge>();
  for (const module of modules) {
    const from = folderOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (!to || to === from) continue;
      const key = `${from}\0${to}`;
      const typeOnly = dependency.dependencyTypes.includes("type-only");
      const edge = edges.get(key);
      if (edge) {
        edge.count += 1;
        edge.typeOnly &&= typeOnly;
      } else {
        edges.set(key, { from, to, count: 1, typeOnly, example: { from: module.source, to: dependency.resolved } });
      }
    }
  }
  return [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** Groups of folders that reach each other (strongly connected components of two or more: Tarjan). */
export function folderCycles(edges: FolderEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const other of next.get(node)!) {
      if (!index.has(other)) {
        visit(other);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(other)!));
      } else if (onStack.has(other)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(other)!));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.sort((a, b) => a[0].localeCompare(b[0]));
}

export async function cruiseSources(root: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(configFile);
  options.baseDir = root;
  const tsConfigFile = join(root, "tsconfig.json");
  const tsConfig = existsSync(tsConfigFile) ? extractTSConfig(tsConfigFile) : undefined;
  if (tsConfig) options.tsConfig = { fileName: tsConfigFile };
  else delete options.tsConfig;
  const { output } = await cruise(["src"], options, {}, { tsConfig });
  return typeof output === "string" ? (JSON.parse(output) as ICruiseResult) : output;
}

/** The shortest loop from `start` back to itself along `edges`, as the edges taken. */
function shortestLoop(start: string, edges: FolderEdge[]): FolderEdge[] {
  const cameBy = new Map<string, FolderEdge>();
  let frontier = [start];
  while (frontier.length > 0) {
    const reached: string[] = [];
    for (const node of frontier) {
      for (const edge of edges.filter((e) => e.from === node)) {
        if (edge.to === start) {
          const loop = [edge];
          for (let at = node; at !== start; at = cameBy.get(at)!.from) loop.unshift(cameBy.get(at)!);
          return loop;
        }
        if (!cameBy.has(edge.to)) {
          cameBy.set(edge.to, edge);
          reached.push(edge.to);
        }
      }
    }
    frontier = reached;
  }
  return [];
}

function describeEdge(edge: FolderEdge): string {
  const imports = edge.count === 1 ? "1 import" : `${edge.count} imports`;
  const typeOnly = edge.typeOnly ? ", all type-only" : "";
  return `    ${edge.from} -> ${edge.to} (${imports}${typeOnly}), e.g. ${edge.example.from} imports ${edge.example.to}`;
}

/**
 * Each loop between folders, as lines a person reads: the folders caught in it, then every pair that
 * imports each other directly (one import each way), then a shortest loop through each folder that
 * is in no such pair.
 */
export function describeFolderLoops(edges: FolderEdge[]): string[] {
  const lines: string[] = [];
  for (const group of folderCycles(edges)) {
    const inside = edges.filter((e) => group.includes(e.from) && group.includes(e.to));
    lines.push(`Folders import each other (${group.length} folders in one loop): ${group.join(", ")}`);
    const explained = new Set<string>();
    for (const edge of inside) {
      const back = inside.find((e) => e.from === edge.to && e.to === edge.from);
      if (!back || edge.from > edge.to) continue;
      lines.push(`  ${edge.from} <-> ${edge.to}`, describeEdge(edge), describeEdge(back));
      explained.add(edge.from).add(edge.to);
    }
    const loopsShown = new Set<string>();
    for (const folder of group) {
      if (explained.has(folder)) continue;
      const loop = shortestLoop(folder, inside);
      const key = loop.map((e) => e.from).sort().join(" ");
      if (loopsShown.has(key)) continue;
      loopsShown.add(key);
      lines.push(`  ${[...loop.map((e) => e.from), folder].join(" -> ")}`, ...loop.map(describeEdge));
    }
  }
  return lines;
}

/** Every problem, as lines a person reads; empty when the tree keeps the rules. */
export function describeProblems(result: ICruiseResult): string[] {
  const lines = describeFolderLoops(folderEdges(result.modules));
  const comments = new Map((result.summary.ruleSetUsed?.forbidden ?? []).map((rule) => [rule.name, rule.comment]));
  const byRule = new Map<string, string[]>();
  for (const violation of result.summary.violations) {
    if (violation.rule.severity !== "error") continue;
    const list = byRule.get(violation.rule.name) ?? [];
    list.push(`  ${violation.from} imports ${violation.to}`);
    byRule.set(violation.rule.name, list);
  }
  for (const [rule, found] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`Rule ${rule} broken ${found.length === 1 ? "once" : `${found.length} times`}: ${comments.get(rule) ?? ""}`);
    lines.push(...found.sort());
  }
  return lines;
}

if (import.meta.main) {
  const rootFlag = process.argv.indexOf("--root");
  const root = rootFlag > 0 ? resolve(process.argv[rootFlag + 1]) : repositoryRoot;
  const result = await cruiseSources(root);
  const problems = describeProblems(result);
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    console.error(`\ncheck-imports: the import rules are broken (see docs/ARCHITECTURE.md "Import rules").`);
    process.exit(1);
  }
  console.log(`check-imports: ${result.summary.totalCruised} modules, no folder loops, every import rule kept.`);
}
