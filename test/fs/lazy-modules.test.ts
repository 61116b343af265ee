/**
 * src/fs/lazy-modules.ts loads tar's parser only (`tar/parse`): the package's index brings its
 * create, extract and unpack code with it, and with them node:fs/promises, node:readline and
 * the rest of node:crypto, none of which reading an archive uses. Checked in a fresh process,
 * since this one has loaded everything already.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/env.js";
import { tgz } from "../support/tgz.js";

const loader = path.join(repoRoot, "dist", "helm", "loader.js");
const built = existsSync(loader);
if (!built) process.stderr.write("[skipped] lazy-modules suite needs dist/ (npm run build)\n");

describe.runIf(built)("lazy modules", () => {
  it("reading a chart archive loads tar's parser, not the whole package", () => {
    const archive = Buffer.from(
      tgz([
        ["c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"],
        ["c/templates/cm.yaml", "kind: ConfigMap\n"],
      ]),
    ).toString("base64");
    const script = `
      const { loadChartArchiveBytes } = await import(${JSON.stringify(pathToFileURL(loader).href)});
      const before = new Set(process.moduleLoadList);
      const chart = loadChartArchiveBytes(Buffer.from(${JSON.stringify(archive)}, "base64"), "c-1.0.0.tgz");
      const loaded = process.moduleLoadList.filter((m) => !before.has(m));
      console.log(JSON.stringify({ templates: chart.templates.length, loaded }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }),
    );
    expect(out.templates).toBe(1);
    // node:zlib is loaded for the archive; tar's writers and their imports are not.
    expect(out.loaded).toContain("NativeModule zlib");
    expect(out.loaded).not.toContain("NativeModule fs/promises");
    expect(out.loaded).not.toContain("NativeModule internal/readline/interface");
  });
});
