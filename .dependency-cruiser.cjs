// Import rules for src/, checked by `make check-imports` (scripts/check-imports.ts), which also
// fails on any loop between folders (dependency-cruiser's `circular` rule sees only module loops).
// Paths are relative to the repository root. See docs/ARCHITECTURE.md "Import rules".
const services = "(identity|records|access)";
const journeys = "(journey|register|sign-in|recovery|new-link|find-record|interaction)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "services-talk-over-http",
      comment:
        "A service never imports another service's code: identity, records and access talk only over HTTP, " +
        "as if they ran on different machines. Shared code lives in src/<shared>/.",
      severity: "error",
      from: { path: `^src/${services}/` },
      to: { path: `^src/${services}/`, pathNot: "^src/$1/" },
    },
    {
      name: "config-imports-no-service",
      comment:
        "src/config/ holds the shared settings only; each service parses its own settings, " +
        "so src/config/ imports nothing from src/identity, src/records or src/access.",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: `^src/${services}/` },
    },
    {
      name: "oidc-imports-no-journey",
      comment:
        "The protocol code (src/identity/oidc/) knows no journey: journeys reach it through " +
        "oidc/hand-off.ts only, never the other way round.",
      severity: "error",
      from: { path: "^src/identity/oidc/" },
      to: { path: `^src/identity/${journeys}/` },
    },
    {
      name: "journey-core-imports-no-journey",
      comment:
        "The shared journey core (src/identity/journey/) imports none of the journeys that use it " +
        "(register, sign-in, recovery, new-link, find-record, interaction).",
      severity: "error",
      from: { path: "^src/identity/journey/" },
      to: { path: "^src/identity/(register|sign-in|recovery|new-link|find-record|interaction)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    // A type-only import is still one folder leaning on another: count it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
