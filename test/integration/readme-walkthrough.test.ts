// README "Try it in five minutes" cannot drift: its ```sh blocks (all but `make run`) are pasted,
// as written, into one bash session beside a fresh `serve` of the built binary, the way a newcomer
// pastes them into a second terminal in the clone. The only change is the three default addresses
// (http://127.0.0.1:4000-4002), replaced with this test's free ports. Each block's output must have
// the shape of the ```text block the README shows under it, and every address the section tells
// the reader to open must answer 200. The browser steps are test/browser/magic-link-journey.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ServiceName } from "../../src/config/config";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { fencedBlocks, startBash, type BashSession } from "../helpers/bash-session";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

const readme = readFileSync(resolve(import.meta.dir, "../../README.md"), "utf8");
const defaultUrls: Record<ServiceName, string> = {
  identity: "http://127.0.0.1:4000",
  records: "http://127.0.0.1:4001",
  access: "http://127.0.0.1:4002",
};

interface Block {
  lang: string;
  text: string;
}

/** The section's text, its fenced blocks in order, and its prose (everything outside the fences). */
function walkthroughSection(): { blocks: Block[]; prose: string } {
  const start = readme.indexOf("\n## Try it in five minutes\n");
  if (start < 0) throw new Error('README.md has no "## Try it in five minutes" section');
  const next = readme.indexOf("\n## ", start + 1);
  return fencedBlocks(readme.slice(start, next < 0 ? undefined : next));
}

/** Each command block to paste (not `make run`), with the output block the README shows under it. */
function commandSteps(blocks: Block[]): { commands: string; shown: string }[] {
  const steps: { commands: string; shown: string }[] = [];
  blocks.forEach((block, i) => {
    if (block.lang !== "sh" || block.text.trim() === "make run") return;
    const after = blocks[i + 1];
    if (after?.lang !== "text") throw new Error(`README walkthrough: no \`\`\`text output under:\n${block.text}`);
    steps.push({ commands: block.text, shown: after.text });
  });
  return steps;
}

/** Values that differ on every run (JWTs, link tokens) become placeholders, so shapes compare. */
const normalise = (text: string) =>
  text
    .trim()
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "<JWT>")
    .replace(/trn_token=[\w-]+/g, "trn_token=<TRN-TOKEN>");

/** Follows redirects as a browser would, keeping cookies (all three services are on 127.0.0.1). */
async function openLikeABrowser(url: string): Promise<{ status: number; url: string; body: string }> {
  const cookies = new Map<string, string>();
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(current, { redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      current = new URL(location, current).toString();
      continue;
    }
    return { status: response.status, url: current, body: await response.text() };
  }
  throw new Error(`more than 10 redirects from ${url}`);
}

let served: ServedBinary;
let terminal: BashSession;
let here: (text: string) => string;

beforeAll(async () => {
  served = await serveBinary();
  // The newcomer's second terminal is in the clone, where `make run` built dist/teacher-id and
  // keeps ./data. Here the served copy's directory plays the clone: its data dir is ./data.
  expect(served.dataDir).toBe(join(served.dir, "data"));
  mkdirSync(join(served.dir, "dist"));
  symlinkSync("../teacher-id", join(served.dir, "dist/teacher-id"));
  const urls = served.urls;
  here = (text) =>
    text
      .replace(/http:\/\/127\.0\.0\.1:4000(?!\d)/g, urls.identity)
      .replace(/http:\/\/127\.0\.0\.1:4001(?!\d)/g, urls.records)
      .replace(/http:\/\/127\.0\.0\.1:4002(?!\d)/g, urls.access);
  // A plain terminal: no DATA_DIR, ports or URLs in the environment, only the defaults.
  terminal = startBash(served.dir, { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: served.dir });
}, 20_000);

afterAll(async () => {
  terminal?.close();
  await served?.stop();
});

describe('README "Try it in five minutes"', () => {
  const { blocks, prose } = walkthroughSection();
  const steps = commandSteps(blocks);

  test("starts with `make run`, shows the banner serve prints, then three blocks to paste", () => {
    const first = blocks.findIndex((b) => b.lang === "sh");
    expect(blocks[first].text.trim()).toBe("make run");
    expect(steps).toHaveLength(3);
    // Every line of the banner the README shows is in what serve printed (bar the secret).
    const banner = blocks[first + 1];
    expect(banner.lang).toBe("text");
    const maskSecret = (text: string) => text.replace(/client_secret: \S+/g, "client_secret: <SECRET>");
    const printed = maskSecret(served.stderr()).split("\n");
    for (const line of maskSecret(here(banner.text)).split("\n")) {
      if (line.trim() === "" || line.trim() === "…") continue;
      expect(printed).toContain(line);
    }
  });

  test("each block, pasted as written, prints what the README shows under it", async () => {
    expect(steps).toHaveLength(3);
    const [tokenStep, passStep, mailboxStep] = steps;

    // 1. A token as the demo awarding service (its secret rotated with the CLI).
    const token = await terminal.paste(here(tokenStep.commands));
    expect(token).toMatchObject({ status: 0, stderr: "" });
    expect(normalise(token.stdout)).toBe(normalise(tokenStep.shown));
    expect(normalise(tokenStep.shown)).toBe("<JWT>");
    const claims = JSON.parse(Buffer.from(token.stdout.trim().split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ client_id: "demo-awarding-service", scope: "itt_outcome:write", iss: served.urls.identity });
    expect(claims.aud).toContain(served.urls.records);

    // 2. The Pass: exactly the answer the README shows.
    const pass = await terminal.paste(here(passStep.commands));
    expect(pass).toMatchObject({ status: 0, stderr: "" });
    expect(pass.stdout.trim()).toBe(passStep.shown.trim());
    expect(JSON.parse(pass.stdout)).toEqual({ trn: "1234567", qtsDate: "2026-07-15" });

    // 3. The link from the dev mailbox. The outbox sends within moments; like the README says,
    // an empty answer means paste it again.
    let mailbox = await terminal.paste(here(mailboxStep.commands));
    for (let i = 0; i < 50 && mailbox.stdout.trim() === ""; i++) {
      await Bun.sleep(100);
      mailbox = await terminal.paste(here(mailboxStep.commands));
    }
    expect(mailbox).toMatchObject({ status: 0, stderr: "" });
    expect(normalise(mailbox.stdout)).toBe(normalise(here(mailboxStep.shown)));
    const link = mailbox.stdout.trim();
    expect(link).toMatch(new RegExp(`^${served.urls.access}/register\\?trn_token=[\\w-]{20,}$`));

    // The email the README describes is the one holding that link.
    const [email] = readDevMailbox(served.dataDir).filter((m) => m.channel === "email");
    expect(email).toMatchObject({ to: "amelia.clarke@example.com", subject: "You have been awarded qualified teacher status (QTS)" });
    expect(email.text).toContain(link);
    expect(prose).toContain(email.subject!);

    // Clicking the link lands on step 4's first page, Teacher ID's "Create a Teacher ID account".
    const opened = await openLikeABrowser(link);
    expect(opened.status).toBe(200);
    expect(new URL(opened.url).origin).toBe(served.urls.identity);
    expect(opened.body).toContain("Create a Teacher ID account");
  }, 20_000);

  test("every address the section tells the reader to open answers 200", async () => {
    const addresses = [...new Set(prose.match(/http:\/\/127\.0\.0\.1:400[0-2][^\s`)<>"'*]*/g) ?? [])].map((url) =>
      url.replace(/[.,;:]+$/, ""),
    );
    expect(addresses).toContain(`${defaultUrls.records}/dev/mailbox`);
    for (const address of addresses) {
      const { status, url } = await openLikeABrowser(here(address));
      expect({ address, status, url }).toEqual({ address, status: 200, url });
    }
  });
});
