// The built binary's `serve` as a process the fault tests can kill (SIGKILL), stop (SIGTERM) and
// start again on the same DATA_DIR and the same ports, as systemd would restart it. Several such
// processes may share one data directory and one set of URLs (`serve --only identity,access` and
// `serve --only records`). It keeps every log line of every run, and reads the running process's
// CPU time from /proc, so a test can say what it did while a dependency was down.
import { readFileSync } from "node:fs";
import type { ServiceName } from "../../src/config/config";
import { startServeProcess, type ServeProcess } from "./binary";

export interface FaultServeOptions {
  /** The binary (a copy in `dir`, see binaryInFreshDir). */
  binary: string;
  dir: string;
  /** The whole environment (testEnv's, with the fault test's settings). */
  env: Record<string, string>;
  only?: ServiceName[];
}

export interface FaultServe {
  readonly env: Record<string, string>;
  /** How many times it has been started. */
  readonly starts: number;
  /** The running process's id (undefined while down). */
  readonly pid: number | undefined;
  readonly isUp: boolean;
  /** Starts it (again), resolving once its banner says every service listens. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  /**
   * Starts it and kills it with SIGKILL `afterMs` later, before or after its banner (migrations,
   * provisioning and recovery may be under way); it is down afterwards. Resolves with when the
   * signal was sent (Date.now()).
   */
  killWhileStarting(afterMs: number): Promise<number>;
  /** SIGTERM: the graceful stop. */
  stop(): Promise<void>;
  /** How many log lines (JSON, stdout) every run so far has written. */
  logLineCount(): number;
  /** Every log line of every run so far, parsed. */
  logs(): Record<string, unknown>[];
  /** CPU time (user + system, all threads) the running process has used, in ms. */
  cpuMs(): number;
}

let ticksPerSecond: number | undefined;
/** /proc/<pid>/stat counts CPU time in clock ticks (usually 100 a second). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const value = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim());
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** CPU time a process has used so far (utime + stime from /proc/<pid>/stat), in ms. */
export function processCpuMs(pid: number): number {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond();
}

export function createFaultServe(options: FaultServeOptions): FaultServe {
  const command = [options.binary, "serve", ...(options.only ? ["--only", options.only.join(",")] : [])];
  let current: ServeProcess | undefined;
  let starts = 0;
  /** stdout of the runs that have ended. */
  let previousStdout = "";

  const retire = async (signal: "SIGTERM" | "SIGKILL") => {
    const running = current;
    if (!running) return;
    await running.stop(signal);
    previousStdout += running.stdout();
    current = undefined;
  };
  const allStdout = () => previousStdout + (current?.stdout() ?? "");

  return {
    env: options.env,
    get starts() {
      return starts;
    },
    get pid() {
      return current?.process.pid;
    },
    get isUp() {
      return current !== undefined;
    },
    async start() {
      if (current) throw new Error("serve is already running");
      // The ports were this process's a moment ago; the kernel may still hold one briefly.
      for (let attempt = 1; ; attempt++) {
        try {
          current = await startServeProcess(command, { cwd: options.dir, env: options.env, timeoutMs: 30_000 });
          starts++;
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== "EADDRINUSE" || attempt >= 20) throw error;
          await Bun.sleep(250);
        }
      }
    },
    kill: () => retire("SIGKILL"),
    async killWhileStarting(afterMs) {
      if (current) throw new Error("serve is already running");
      const child = Bun.spawn(command, {
        cwd: options.dir,
        env: { PATH: process.env.PATH ?? "", ...options.env },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "ignore",
      });
      const output = new Response(child.stdout).text();
      await Bun.sleep(afterMs);
      const killedAt = Date.now();
      child.kill("SIGKILL");
      await child.exited;
      previousStdout += await output;
      return killedAt;
    },
    stop: () => retire("SIGTERM"),
    logLineCount: () => allStdout().split("\n").filter((line) => line.startsWith("{")).length,
    logs: () =>
      allStdout()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line)),
    cpuMs() {
      if (!current) throw new Error("serve is not running");
      return processCpuMs(current.process.pid);
    },
  };
}
