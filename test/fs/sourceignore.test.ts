/**
 * source-controller's artifact rules (fluxcd/pkg sourceignore v0.18.0, go-git's gitignore
 * matcher; gitrepository_controller.go reconcileArtifact). The expectations are read from
 * that code: Flux itself is not run here.
 */
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import {
  type ArtifactKind,
  SourceArtifactFileSystem,
  type SpecIgnore,
} from "../../src/fs/source-artifact.js";
import { decidingPattern, parsePattern, readPatterns } from "../../src/fs/sourceignore.js";

const x = "x\n";

/** Every path the artifact holds below /r, files and directories (directories with a slash). */
function artifact(files: Record<string, string>, ignore?: SpecIgnore, kind?: ArtifactKind): string[] {
  const fs = new SourceArtifactFileSystem(new MemoryFileSystem(files), "/r", ignore, kind);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readDir(dir)) {
      const p = `${dir}/${name}`;
      if (fs.isDirectory(p)) {
        out.push(`${p.slice(3)}/`);
        walk(p);
      } else out.push(p.slice(3));
    }
  };
  walk("/r");
  return out.sort();
}

describe("sourceignore patterns (go-git's matcher)", () => {
  const decide = (lines: string, rel: string, isDir = false) =>
    decidingPattern(readPatterns(lines, []), rel.split("/"), isDir)?.inclusion === false;

  it.each([
    // [patterns, path, isDir, excluded]
    ["ignore-dir/*\n!ignore-dir/include", "ignore-dir/file.yaml", false, true],
    ["ignore-dir/*\n!ignore-dir/include", "ignore-dir/include", false, false],
    ["ignore-dir/*\n# !ignore-dir/include", "ignore-dir/include", false, true],
    ["*.txt", "a/b/c.txt", false, true],
    ["*.txt", "a.TXT", false, false],
    ["build/", "build", false, false],
    ["build/", "build", true, true],
    ["build/", "build/x.yaml", false, true],
    ["build/", "src/build/x.yaml", false, true],
    ["a/b", "a/b/c.yaml", false, true],
    ["a/b", "x/a/b", false, false],
    ["/a", "a/c.yaml", false, true],
    ["/a", "x/a", false, false],
    ["**/c.yaml", "a/b/c.yaml", false, true],
    ["a/**/c.yaml", "a/b/d/c.yaml", false, true],
    ["a/**", "a", true, true],
    ["x.yaml   ", "x.yaml", false, true],
    ["x.yaml\\ ", "x.yaml ", false, true],
    [" x.yaml", "x.yaml", false, false],
    ["x.yaml\r\n!x.yaml\r\n", "x.yaml", false, false],
    ["[", "[", false, false],
    ["[^a]", "b", false, true],
  ])("%j on %s (dir %s): excluded %s", (lines, rel, isDir, excluded) => {
    expect(decide(lines, rel, isDir)).toBe(excluded);
  });

  it("reads no pattern from comments and blank lines (Go's TrimSpace, not JavaScript's trim)", () => {
    expect(readPatterns("# a\n\n   \n\t\n", [])).toEqual([]);
    expect(readPatterns("\u0085\n", [])).toEqual([]);
    expect(readPatterns("\ufeff\n", []).map((p) => p.text)).toEqual(["\ufeff"]);
    expect(readPatterns(" # not a comment", []).map((p) => p.text)).toEqual([" # not a comment"]);
  });

  it("scopes a pattern to its directory", () => {
    const p = parsePattern("*.yaml", ["apps"]);
    expect(decidingPattern([p], ["apps", "a.yaml"], false)).toBe(p);
    expect(decidingPattern([p], ["infra", "a.yaml"], false)).toBeUndefined();
    expect(decidingPattern([p], ["apps"], true)).toBeUndefined();
  });

  it.each([
    // [pattern, domain, path, isDir, decides]: a nested .sourceignore's patterns, matched from
    // below their directory (anchored, `**`, directory-only and simple names)
    ["/b/*.yaml", ["apps"], "apps/b/x.yaml", false, true],
    ["/b/*.yaml", ["apps"], "apps/x/b/x.yaml", false, false],
    ["/b/*.yaml", ["apps"], "b/x.yaml", false, false],
    ["b/c", ["apps", "x"], "apps/x/b/c", false, true],
    ["b/c", ["apps", "x"], "apps/b/c", false, false],
    ["**/c.yaml", ["apps"], "apps/a/b/c.yaml", false, true],
    ["**/c.yaml", ["apps"], "apps/c.yaml", false, true],
    ["**/c.yaml", ["apps"], "apps/a/c.yml", false, false],
    ["a/**/c.yaml", ["apps"], "apps/a/b/d/c.yaml", false, true],
    ["a/**/c.yaml", ["apps"], "apps/a/c.yaml", false, true],
    ["a/**/c.yaml", ["apps"], "apps/b/a/c.yaml", false, false],
    ["a/**", ["apps"], "apps/a", true, true],
    ["a/**", ["apps"], "apps/a/b", false, true],
    ["a/b/", ["apps"], "apps/a/b", false, false],
    ["a/b/", ["apps"], "apps/a/b", true, true],
    ["a/b/", ["apps"], "apps/a/b/c.yaml", false, true],
    ["build/", ["apps"], "apps/x/build", false, false],
    ["build/", ["apps"], "apps/x/build", true, true],
    ["build/", ["apps"], "apps/build/x.yaml", false, true],
    ["*.yaml", ["apps", "x"], "apps/x/y/z.yaml", false, true],
    ["*.yaml", ["apps", "x"], "apps/y/z.yaml", false, false],
    ["apps", ["apps"], "apps/x", false, false],
    ["apps", ["apps"], "apps/apps", false, true],
  ] as Array<[string, string[], string, boolean, boolean]>)(
    "%j in %j on %s (dir %s): decides %s",
    (text, domain, rel, isDir, decides) => {
      const p = parsePattern(text, domain);
      expect(decidingPattern([p], rel.split("/"), isDir) === p).toBe(decides);
    },
  );
});

describe("what the artifact holds: .sourceignore files, spec.ignore and the defaults combined", () => {
  const tree = {
    "/r/.git/HEAD": x,
    "/r/.gitignore": x,
    "/r/.sops.yaml": x,
    "/r/logo.png": x,
    "/r/kubernetes/app.yaml": x,
    "/r/kubernetes/.sops.yaml": x,
    "/r/docs/readme.md": x,
    "/r/config/crd/experimental/a.yaml": x,
    "/r/config/crd/standard/b.yaml": x,
  };

  it("without patterns: VCS and the default exclusions", () => {
    expect(artifact(tree)).toEqual([
      "config/",
      "config/crd/",
      "config/crd/experimental/",
      "config/crd/experimental/a.yaml",
      "config/crd/standard/",
      "config/crd/standard/b.yaml",
      "docs/",
      "docs/readme.md",
      "kubernetes/",
      "kubernetes/app.yaml",
    ]);
  });

  it("spec.ignore replaces the default exclusions, not the VCS ones", () => {
    expect(artifact(tree, { text: "docs/\n" })).toEqual([
      ".sops.yaml",
      "config/",
      "config/crd/",
      "config/crd/experimental/",
      "config/crd/experimental/a.yaml",
      "config/crd/standard/",
      "config/crd/standard/b.yaml",
      "kubernetes/",
      "kubernetes/.sops.yaml",
      "kubernetes/app.yaml",
      "logo.png",
    ]);
  });

  it("a spec.ignore of comments only gives no pattern: the defaults apply", () => {
    expect(artifact(tree, { text: "# nothing\n\n" })).toEqual(artifact(tree));
    expect(artifact(tree, { text: "" })).toEqual(artifact(tree));
  });

  it("a .sourceignore of comments only gives no pattern: the defaults apply", () => {
    const withFile = { ...tree, "/r/docs/.sourceignore": "# keep everything\n" };
    expect(artifact(withFile)).toEqual([...artifact(tree), "docs/.sourceignore"].sort());
  });

  it("`/*` then `!/kubernetes`: only kubernetes/ (the exclude-all idiom of home-ops repositories)", () => {
    expect(artifact(tree, { text: "# exclude all\n/*\n# include\n!/kubernetes\n" })).toEqual([
      "kubernetes/",
      "kubernetes/.sops.yaml",
      "kubernetes/app.yaml",
    ]);
  });

  it("re-includes below an excluded directory (the archive walk does not prune directories)", () => {
    // carpenike/k8s-gitops' cilium CRDs: `/*` then `!config/crd/experimental`. Git would keep
    // `config/` excluded and everything in it; Flux's artifact holds the experimental CRDs.
    expect(artifact(tree, { text: "/*\n!config/crd/experimental\n" })).toEqual([
      "config/",
      "config/crd/",
      "config/crd/experimental/",
      "config/crd/experimental/a.yaml",
    ]);
  });

  it("the last matching pattern decides, spec.ignore after every .sourceignore, a subdirectory's after its parent's", () => {
    const files = {
      "/r/.sourceignore": "*.txt\n",
      "/r/a/keep.txt": x,
      "/r/a/drop.txt": x,
      "/r/b/.sourceignore": "!*.txt\n",
      "/r/b/back.txt": x,
      "/r/c.txt": x,
    };
    expect(artifact(files)).toEqual([".sourceignore", "a/", "b/", "b/.sourceignore", "b/back.txt"]);
    expect(artifact(files, { text: "!keep.txt\n" })).toEqual([
      ".sourceignore",
      "a/",
      "a/keep.txt",
      "b/",
      "b/.sourceignore",
      "b/back.txt",
    ]);
  });

  it("a later pattern can re-include VCS files", () => {
    expect(artifact({ "/r/.gitignore": x, "/r/a.yaml": x }, { text: "!.gitignore\n" })).toEqual([
      ".gitignore",
      "a.yaml",
    ]);
  });

  it("names the pattern that leaves a path out", () => {
    const fs = new SourceArtifactFileSystem(new MemoryFileSystem(tree), "/r", {
      text: "/*\n!/kubernetes\n",
      source: "spec.ignore of GitRepository flux-system/home (flux/config/cluster.yaml:12)",
    });
    expect(fs.excludedBy("/r/docs")).toBe(
      "'/*' (spec.ignore of GitRepository flux-system/home (flux/config/cluster.yaml:12), line 1)",
    );
    expect(fs.excludedBy("/r/kubernetes")).toBeUndefined();
    expect(fs.excludedBy("/r/nowhere")).toBeUndefined();
    expect(() => fs.readFile("/r/docs/readme.md")).toThrow(/excluded from the source artifact by '\/\*'/);
    const byFile = new SourceArtifactFileSystem(
      new MemoryFileSystem({ ...tree, "/r/config/.sourceignore": "\ncrd/\n" }),
      "/r",
    );
    expect(byFile.excludedBy("/r/config/crd/standard")).toBe("'crd/' (config/.sourceignore, line 2)");
  });

  it("a Bucket: the root .sourceignore (left out itself) and spec.ignore only, no VCS or default exclusions", () => {
    const files = {
      "/r/.sourceignore": "docs/\n",
      "/r/.gitignore": x,
      "/r/.sops.yaml": x,
      "/r/logo.png": x,
      "/r/docs/readme.md": x,
      "/r/apps/.sourceignore": "*.yaml\n",
      "/r/apps/a.yaml": x,
      "/r/empty/.keep": x,
    };
    expect(artifact(files, { text: "empty/\n" }, "bucket")).toEqual([
      ".gitignore",
      ".sops.yaml",
      "apps/",
      "apps/.sourceignore",
      "apps/a.yaml",
      "logo.png",
    ]);
    expect(artifact(files, undefined, "archive")).toContain("empty/");
  });
});
