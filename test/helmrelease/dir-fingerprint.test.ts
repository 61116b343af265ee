import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { directoryChartProvider } from "../../src/helmrelease/charts.js";
import { treeFingerprint } from "../../src/helmrelease/dir-fingerprint.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function chartDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-fp-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "templates"));
  writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n");
  writeFileSync(path.join(dir, "values.yaml"), "replicas: 1\n");
  writeFileSync(
    path.join(dir, "templates", "cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  replicas: {{ .Values.replicas | quote }}\n",
  );
  return dir;
}

/** A clock far enough ahead that the files just written are not racy. */
const later = () => (BigInt(Date.now()) + 60_000n) * 1_000_000n;

describe("treeFingerprint", () => {
  it("is stable for an unchanged tree and changes with any file, added, edited or removed", () => {
    const dir = chartDir();
    const first = treeFingerprint(dir, later());
    expect(first).toBeDefined();
    expect(treeFingerprint(dir, later())).toBe(first);
    writeFileSync(path.join(dir, "values.yaml"), "replicas: 2\n"); // same size: the times tell
    const edited = treeFingerprint(dir, later());
    expect(edited).not.toBe(first);
    writeFileSync(path.join(dir, "templates", "extra.yaml"), "");
    const added = treeFingerprint(dir, later());
    expect(added).not.toBe(edited);
    rmSync(path.join(dir, "templates", "extra.yaml"));
    expect(treeFingerprint(dir, later())).not.toBe(added);
  });

  it("vouches for nothing just written (racy) or behind a symbolic link", () => {
    const dir = chartDir();
    expect(treeFingerprint(dir)).toBeUndefined();
    symlinkSync(path.join(dir, "values.yaml"), path.join(dir, "link.yaml"));
    expect(treeFingerprint(dir, later())).toBeUndefined();
  });
});

describe("directoryChartProvider", () => {
  it("names a chart directory by its content, again after it changes", () => {
    const dir = chartDir();
    const provider = directoryChartProvider({ app: dir });
    const identity = () => {
      const found = provider.locate!({ source: "oci://example", name: "app", version: "*" });
      if (!("located" in found)) throw new Error("not located");
      return found.located.identity;
    };
    const first = identity();
    expect(identity()).toBe(first);
    writeFileSync(path.join(dir, "values.yaml"), "replicas: 3\n");
    expect(identity()).not.toBe(first);
  });
});
