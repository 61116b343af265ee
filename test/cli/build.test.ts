import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { slipway, tempTree } from "../support/cli.js";
import { hasKubectl, repoRoot, requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;

/** Asserts the build failed cleanly: exit 1, nothing on stdout, a message mentioning `needle`. */
function expectFailure(dir: string, needle: string | RegExp, args: string[] = []) {
  const r = slipway(["build", ...args, dir]);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(needle);
  expect(r.stderr.trim().split("\n").length, "one clear message, no stack trace").toBe(1);
  return r;
}

describe("slipway build: bad input", () => {
  it("malformed YAML names file, line and column", () => {
    const dir = tempTree({
      "kustomization.yaml": "resources:\n  - deploy.yaml\n",
      "deploy.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n",
    });
    expectFailure(dir, /deploy\.yaml:\d+:\d+/);
  });

  it("duplicate keys", () => {
    const dir = tempTree({
      "kustomization.yaml": "resources:\n  - cm.yaml\n",
      "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n  a: 2\n",
    });
    expectFailure(dir, /cm\.yaml.*(duplicate|already defined|unique)/i);
  });

  it("a YAML alias bomb is bounded", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++) {
      const prev = String.fromCharCode(97 + i);
      const cur = String.fromCharCode(98 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const dir = tempTree({
      "kustomization.yaml": "resources:\n  - bomb.yaml\n",
      "bomb.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ${lines.join("\n  ")}\n`,
    });
    expectFailure(dir, /bomb\.yaml.*alias/i);
  });

  it("a resource cycle a -> b -> a", () => {
    const dir = tempTree({
      "a/kustomization.yaml": "resources:\n  - ../b\n",
      "b/kustomization.yaml": "resources:\n  - ../a\n",
    });
    expectFailure(path.join(dir, "a"), /cycle detected/);
  });

  it("a file outside the root under LoadRestrictionsRootOnly, allowed with None", () => {
    const dir = tempTree({
      "overlay/kustomization.yaml": "resources:\n  - ../shared/cm.yaml\n",
      "shared/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    });
    expectFailure(path.join(dir, "overlay"), /is not in or below/);
    const ok = slipway(["build", "--load-restrictor=LoadRestrictionsNone", path.join(dir, "overlay")]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("name: x");
  });

  it("a missing file", () => {
    const dir = tempTree({ "kustomization.yaml": "resources:\n  - nope.yaml\n" });
    expectFailure(dir, /nope\.yaml/);
  });

  it("duplicate resource ids", () => {
    const dir = tempTree({
      "kustomization.yaml": "resources:\n  - a.yaml\n  - b.yaml\n",
      "a.yaml": deployment("web"),
      "b.yaml": deployment("web"),
    });
    expectFailure(dir, /already registered id: Deployment\.v1\.apps\/web/);
  });

  it("an unknown field in kustomization.yaml", () => {
    const dir = tempTree({
      "kustomization.yaml": "resources:\n  - a.yaml\nresourcez:\n  - b.yaml\n",
      "a.yaml": deployment("a"),
    });
    expectFailure(dir, /kustomization\.yaml:3.*unknown field "resourcez"/);
  });

  it("an empty kustomization", () => {
    const dir = tempTree({
      "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
    });
    expectFailure(dir, /empty/);
  });

  it("a remote base with no network", () => {
    const dir = tempTree({
      "kustomization.yaml":
        "resources:\n  - github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6\n",
    });
    expectFailure(dir, /kustomization\.yaml.*remote.*(offline|vendor)/i);
  });

  it("helm charts are reported, not hung on", () => {
    const dir = tempTree({
      "kustomization.yaml":
        "helmCharts:\n  - name: nginx\n    repo: https://charts.example.com\n    version: 1.0.0\n",
    });
    expectFailure(dir, /helm/i, ["--enable-helm"]);
  });
});

describe("slipway build: outputs", () => {
  it("-o writes the file; a failure leaves an existing file untouched", () => {
    const dir = tempTree({
      "ok/kustomization.yaml": "resources:\n  - a.yaml\n",
      "ok/a.yaml": deployment("a"),
    });
    const out = path.join(dir, "out.yaml");
    expect(slipway(["build", path.join(dir, "ok"), "-o", out]).code).toBe(0);
    const first = readFileSync(out, "utf8");
    expect(first).toContain("name: a");
    const bad = tempTree({ "kustomization.yaml": "resources:\n  - missing.yaml\n" });
    expect(slipway(["build", bad, "-o", out]).code).toBe(1);
    expect(readFileSync(out, "utf8")).toBe(first);
  });

  it("several directories: every one is built and reported; a failure means nothing is written", () => {
    const dir = tempTree({
      "a/kustomization.yaml": "resources:\n  - d.yaml\n",
      "a/d.yaml": deployment("a"),
      "b/kustomization.yaml": "resources:\n  - missing.yaml\n",
      "c/kustomization.yaml": "resources:\n  - d.yaml\n",
      "c/d.yaml": deployment("c"),
    });
    const out = path.join(dir, "out");
    const r = slipway(["build", "a", "b", "c", "--out-dir", out], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/b: .*missing\.yaml/);
    expect(r.stderr).toMatch(/1 of 3 directories failed; nothing written/);
    expect(existsSync(out)).toBe(false);
    const ok = slipway(["build", "a", "c", "--out-dir", out], dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(path.join(out, "a.yaml"), "utf8")).toContain("name: a");
    expect(readFileSync(path.join(out, "c.yaml"), "utf8")).toContain("name: c");
  });

  it("--out-dir refuses two directories that map to one file name, before writing anything", () => {
    const dir = tempTree({
      "a/b/kustomization.yaml": "resources:\n  - d.yaml\n",
      "a/b/d.yaml": deployment("ab"),
      "a_b/kustomization.yaml": "resources:\n  - d.yaml\n",
      "a_b/d.yaml": deployment("a-b"),
    });
    const out = path.join(dir, "out");
    const r = slipway(["build", "a/b", "a_b", "--out-dir", out], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'a\/b' and 'a_b' would both be written to a_b\.yaml/);
    expect(existsSync(out)).toBe(false);
  });

  it("--out-dir builds a directory named twice once", () => {
    const dir = tempTree({ "a/kustomization.yaml": "resources:\n  - d.yaml\n", "a/d.yaml": deployment("a") });
    const out = path.join(dir, "out");
    const r = slipway(["build", "a", "./a/", "--out-dir", out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(["a.yaml"]);
  });

  it("a reader that stops early ends the run quietly: exit 141 as for SIGPIPE, no EPIPE trace", () => {
    const err = path.join(tempTree({}), "stderr");
    const r = spawnSync(
      "bash",
      [
        "-c",
        'node bin/slipway.js render examples/platform 2>"$ERR" | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"',
      ],
      { cwd: repoRoot, encoding: "utf8", env: { ...process.env, ERR: err } },
    );
    expect(r.stdout.trim()).toBe("141");
    expect(readFileSync(err, "utf8")).not.toMatch(/EPIPE|node:events|\n\s+at /);
  });

  it("bad flags exit 2", () => {
    expect(slipway(["build", "--load-restrictor", "Sometimes", "."]).code).toBe(2);
    expect(slipway(["frobnicate"]).code).toBe(2);
  });
});

describe.runIf(hasKubectl || requires("kubectl"))("slipway build vs kubectl on the bundled examples", () => {
  it("examples/hello/overlays/dev is byte-identical", async () => {
    const dir = path.join(repoRoot, "examples/hello/overlays/dev");
    const expected = await kubectlKustomize(dir);
    expect(expected.ok, expected.stderr).toBe(true);
    const r = slipway(["build", dir]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(expected.stdout);
  });
});
