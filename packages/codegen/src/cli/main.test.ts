import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./main";

describe("synapseops CLI", () => {
  // issue 18: `synapseops --version` exited 2 (usage error).
  it("prints the package version for --version and -v and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "-v"]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli([flag], { cwd: __dirname, out: (l) => out.push(l), err: (l) => err.push(l) });
      expect({ code, out, err }).toEqual({ code: 0, out: [version], err: [] });
    }
  });

  it("still exits 2 on an unknown flag and on no command", async () => {
    const lines: string[] = [];
    const io = { cwd: __dirname, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await runCli(["--verison"], io)).toBe(2);
    expect(lines.at(-1)).toMatch(/unknown flag --verison/);
    expect(await runCli([], io)).toBe(2);
  });
});
