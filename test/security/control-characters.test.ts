/**
 * Names a pull request writes can hold terminal control sequences, carriage returns, newlines
 * and bidirectional-text controls. Printed for people they are escapes: a finding stays one
 * line, a render header stays one YAML comment (a newline there started YAML of its own: an
 * object injected into `slipway render | kubectl apply -f -`), and stderr carries no ESC.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { printable, withoutControls } from "../../src/printable.js";
import { slipway, tempTree } from "../support/cli.js";
import { repoRoot } from "../support/env.js";
import { ks, SYNC } from "../support/flux.js";

const ESC = "\u001b";

describe("control characters from the repository", () => {
  it("are escaped as Go and JSON write them", () => {
    expect(printable("a\nb\rc\td\u001b[31m\u202eE\u0085")).toBe("a\\nb\\rc\\td\\u001b[31m\\u202eE\\u0085");
    expect(withoutControls("a\nb\rc\td\u001b")).toBe("a\nb\\rc\td\\u001b");
    expect(printable("plain ünïcödé · ok")).toBe("plain ünïcödé · ok");
  });

  it("check text: each finding is one line without terminal controls", () => {
    const dir = tempTree({
      "overlays/prod/kustomization.yaml": "resources:\n  - d.yaml\n",
      "overlays/prod/d.yaml":
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "x\\e[2J\\rOVER\\nfake"\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: nginx:1.27\n',
    });
    const r = slipway(["check", dir]);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).not.toContain("\r");
    const findingLines = r.stdout.split("\n").filter((l) => /^\s+\d+\s+(error|warning|info)\s/.test(l));
    expect(findingLines.length).toBeGreaterThan(0);
    for (const l of findingLines) expect(l).toContain("x\\u001b[2J\\rOVER\\nfake");
    expect(r.stdout.split("\n").some((l) => l.startsWith("fake"))).toBe(false);
  });

  it("render: a Flux Kustomization's name cannot add YAML to the stream", () => {
    const dir = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/app.yaml": ks(
        '"app\\n---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: injected"',
        "  path: ./app\n",
      ).replace(/name: "app/, 'name: "app'),
      "app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: real\n",
    });
    const r = slipway(["render", dir]);
    const names = parseAllDocuments(r.stdout).map((d) => d.toJS()?.metadata?.name);
    expect(names).not.toContain("injected");
    expect(names).toContain("real");
    expect(r.stdout).toContain("Kustomization flux-system/app\\n---\\napiVersion");
  });

  it("graph (text, mermaid, dot), images, diff: no terminal controls; Mermaid labels hold no HTML", () => {
    const dir = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/app.yaml": ks('"app\\e[31m<img src=x onerror=alert(1)>"', "  path: ./app\n"),
      "app/d.yaml":
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: "nginx:1.27\\e[2J"\n',
    });
    for (const args of [
      ["graph"],
      ["graph", "--format", "mermaid"],
      ["graph", "--format", "dot"],
      ["images", "list"],
    ]) {
      const r = slipway([...args, dir]);
      expect(r.stdout, args.join(" ")).not.toContain(ESC);
      expect(r.stdout.length, args.join(" ")).toBeGreaterThan(0);
    }
    const mermaid = slipway(["graph", "--format", "mermaid", dir]).stdout;
    expect(mermaid).not.toContain("<img");
    expect(mermaid).toContain("#60;img src=x onerror=alert(1)#62;");
    const env = slipway(["diff", "--env", "c", "--vs", "c", dir]);
    expect(env.stdout + env.stderr).not.toContain(ESC);
  });

  it("secrets status: a file name with controls is printed escaped", () => {
    const sops = readFileSync(
      path.join(
        repoRoot,
        "examples/platform/infrastructure/overlays/dev/kube-prometheus-stack/alertmanager-slack.sops.yaml",
      ),
    );
    const dir = tempTree({ "secrets/evil\u001b[2J\r.sops.yaml": sops });
    const r = slipway(["secrets", "status", dir]);
    expect(r.stdout).toContain("evil\\u001b[2J\\r.sops.yaml");
    expect(r.stdout + r.stderr).not.toContain(ESC);
  });

  it("stderr: an error naming a file with controls carries no ESC or carriage return", () => {
    const dir = tempTree({ "kustomization.yaml": 'resources:\n  - "missing\\e]52;c;aGk=\\a\\r.yaml"\n' });
    const r = slipway(["build", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("missing\\u001b]52;c;aGk=\\u0007\\r.yaml");
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).not.toContain("\r");
  });
});
