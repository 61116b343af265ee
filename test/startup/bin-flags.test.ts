/**
 * The node flags of bin/slipway.js's #! line (its comment says why each is there): every command a
 * user runs starts with them, so a flag node does not take would stop every run, and Linux kernels
 * before 5.1 cut a #! line at 127 bytes, which would drop or truncate the last flag silently.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/env.js";

const shebang = readFileSync(path.join(repoRoot, "bin/slipway.js"), "utf8").split("\n", 1)[0]!;
const prefix = "#!/usr/bin/env -S node ";

describe("bin/slipway.js #! line", () => {
  it("runs node through env -S with its flags", () => {
    expect(shebang.startsWith(prefix)).toBe(true);
  });

  it("fits the 127 bytes older kernels read of a #! line", () => {
    expect(Buffer.byteLength(shebang, "utf8")).toBeLessThanOrEqual(127);
  });

  it("holds only flags this node accepts", () => {
    const flags = shebang.slice(prefix.length).split(" ");
    expect(flags.every((f) => f.startsWith("--"))).toBe(true);
    const r = spawnSync(process.execPath, [...flags, "-e", "0"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
