// A bash session fed through a pipe, as a terminal is by pasting: variables set by one block are
// there for the next. After each block it prints a marker with the last command's status to
// stdout and stderr, so each block's own output can be told apart. Used by the tests that paste a
// document's ```sh blocks (README walkthrough, docs/RELYING-PARTIES.md).
export interface PastedBlock {
  stdout: string;
  stderr: string;
  status: number;
}

export interface BashSession {
  paste(commands: string): Promise<PastedBlock>;
  close(): void;
}

export function startBash(cwd: string, env: Record<string, string>): BashSession {
  const bash = Bun.spawn(["bash"], { cwd, env, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  let out = "";
  let err = "";
  const drain = async (stream: ReadableStream<Uint8Array>, append: (t: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) append(decoder.decode(chunk, { stream: true }));
  };
  void drain(bash.stdout, (t) => (out += t));
  void drain(bash.stderr, (t) => (err += t));
  let pasted = 0;
  return {
    async paste(commands) {
      const marker = `@@pasted-block-${++pasted}@@`;
      const [outStart, errStart] = [out.length, err.length];
      bash.stdin.write(`${commands}\necho "${marker}$?"; echo "${marker}" >&2\n`);
      await bash.stdin.flush();
      const deadline = Date.now() + 8_000;
      while (!(out.includes(marker, outStart) && err.includes(marker, errStart))) {
        if (Date.now() > deadline) throw new Error(`bash did not finish:\n${commands}\n--- so far ---\n${out.slice(outStart)}${err.slice(errStart)}`);
        if (bash.exitCode !== null) throw new Error(`bash exited (${bash.exitCode}) during:\n${commands}`);
        await Bun.sleep(10);
      }
      const stdout = out.slice(outStart);
      const at = stdout.indexOf(marker);
      return {
        stdout: stdout.slice(0, at),
        stderr: err.slice(errStart, err.indexOf(marker, errStart)),
        status: Number.parseInt(stdout.slice(at + marker.length), 10),
      };
    },
    close() {
      bash.stdin.end();
      bash.kill();
    },
  };
}

/** A document's fenced blocks in order, and its prose (everything outside the fences). */
export function fencedBlocks(markdown: string): { blocks: { lang: string; text: string }[]; prose: string } {
  const blocks: { lang: string; text: string }[] = [];
  const prose = markdown.replace(/^```(\w*)\n([\s\S]*?)^```$/gm, (_, lang: string, text: string) => {
    blocks.push({ lang, text: text.replace(/\n$/, "") });
    return "";
  });
  return { blocks, prose };
}
