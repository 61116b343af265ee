/**
 * A repository is read through DiskFileSystem: a FIFO or device at a manifest's name must not
 * block or never end a command (a planted `x.yaml` FIFO hung `check` forever).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskFileSystem } from "../../src/fs/filesystem.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { loadPlatform } from "../../src/platform/index.js";

describe("DiskFileSystem reads regular files only", () => {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-disk-regular-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(path.join(root, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
  writeFileSync(path.join(root, "kustomization.yaml"), "resources: [cm.yaml]\n");
  execFileSync("mkfifo", [path.join(root, "planted.yaml")]);

  it("refuses a FIFO at once (EINVAL) and a device, reads a file", () => {
    const fs = new DiskFileSystem();
    expect(fs.readFile(path.join(root, "cm.yaml")).toString()).toContain("kind: ConfigMap");
    expect(() => fs.readFile(path.join(root, "planted.yaml"))).toThrow(/not a regular file/);
    expect(() => fs.readFile("/dev/zero")).toThrow(/not a regular file/);
  });

  it("reads every byte, whatever the size (empty, pooled, large, a stat that says 0)", () => {
    const fs = new DiskFileSystem();
    for (const [name, size] of [
      ["empty", 0],
      ["one", 1],
      ["small", 100],
      ["pool", 4095],
      ["large", 3 * 1024 * 1024 + 7],
    ] as const) {
      const file = path.join(root, name);
      writeFileSync(file, Buffer.alloc(size, name));
      expect(fs.readFile(file).equals(readFileSync(file))).toBe(true);
      expect(fs.readFile(file).length).toBe(size);
    }
    // procfs: a regular file whose stat gives size 0 holds text.
    expect(fs.readFile("/proc/self/status").toString()).toContain("Name:");
  });

  it("a repository with a FIFO named like a manifest loads; the scan passes it by and says so", () => {
    const p = loadPlatform(root);
    expect(p.clusters.map((c) => c.kustomizations.length)).toBeDefined();
    expect(p.discovery?.notes).toContainEqual({
      kind: "unread",
      message: "not scanned for Flux objects: not a regular file",
      file: "planted.yaml",
    });
  });

  it("a kustomization that lists the FIFO fails at once, saying what it is (not 'no such file')", () => {
    const dir = path.join(root, "lists-fifo");
    execFileSync("mkdir", [dir]);
    writeFileSync(path.join(dir, "kustomization.yaml"), "resources: [../planted.yaml]\n");
    expect(() => buildYaml(dir, { loadRestrictor: "LoadRestrictionsNone" })).toThrow(
      /planted\.yaml: not a regular file/,
    );
  });
});
