/**
 * `diff --format markdown` is posted as a pull-request comment, and the pull request writes the
 * texts it quotes: file names, object names, render errors. GitHub renders HTML in a comment, so
 * an unescaped `<!--` in one error hid everything after it (the danger notes and changes of
 * every other Flux Kustomization) from the reviewer; a newline in a name ended a code block or a
 * quote early. Every quoted text must stay text, in place.
 */
import { describe, expect, it } from "vitest";
import { type DiffReport, formatMarkdown } from "../../src/diff/index.js";
import { formatPromotionMarkdown, type PromotionResult } from "../../src/promote/format.js";

const HOSTILE = "x<!-- `y` | </details><img src=x onerror=alert(1)>\n```\n# Looks fine\n";

function report(): DiffReport {
  return {
    mode: "revision",
    base: "main",
    head: "working tree",
    changedOnly: true,
    acceptFailed: true,
    clusters: [
      {
        cluster: "prod",
        change: "changed",
        kustomizations: [
          {
            cluster: "prod",
            id: `flux-system/a${HOSTILE}`,
            change: "changed",
            path: `apps/${HOSTILE}`,
            headStatus: "failed",
            errors: [`file 'apps/${HOSTILE}.yaml' does not exist`],
            counts: { added: 0, removed: 0, changed: 1 },
            objects: [
              {
                apiVersion: "v1",
                kind: "ConfigMap",
                namespace: "shop",
                name: `cm${HOSTILE}`,
                change: "changed",
                source: { file: `apps/${HOSTILE}.yaml`, line: 1 },
                fields: [{ path: `data.k${HOSTILE}`, change: "changed", old: "a", new: "b" }],
                dangers: [],
              },
            ],
            dangers: [{ kind: "prune-removes", message: `prunes ${HOSTILE}` }],
          },
          {
            cluster: "prod",
            id: "flux-system/z",
            change: "changed",
            errors: [],
            counts: { added: 0, removed: 1, changed: 0 },
            objects: [
              {
                apiVersion: "v1",
                kind: "Namespace",
                namespace: "",
                name: "payments",
                change: "removed",
                fields: [],
                dangers: [],
              },
            ],
            dangers: [{ kind: "namespace-removed", message: "removes Namespace payments" }],
          },
        ],
      },
    ],
    summary: { kustomizations: 2, added: 0, removed: 1, changed: 1, dangers: 2 },
    errors: [`other ${HOSTILE}`],
    notCompared: [
      { cluster: "prod", id: `flux-system/n${HOSTILE}`, reason: "failed", errors: [`boom ${HOSTILE}`] },
    ],
    suspended: [{ cluster: "prod", id: `flux-system/s${HOSTILE}`, path: `./apps/${HOSTILE}` }],
  };
}

describe("diff --format markdown quotes pull-request texts as text", () => {
  const md = formatMarkdown(report());
  const lines = md.split("\n");
  // Inside a fenced block nothing is HTML: what matters there is that the fence holds.
  const outsideFences = md.replace(/^```diff\n[\s\S]*?^```$/gm, "");

  it("no HTML from a quoted text reaches the comment", () => {
    expect(outsideFences).not.toContain("<!--");
    expect(outsideFences).not.toContain("<img");
    expect(outsideFences.match(/<\/details>/g)?.length).toBe(2); // one per Flux Kustomization, ours
  });

  it("no quoted newline starts a line of its own (a heading, a fence, the end of a quote)", () => {
    expect(lines.filter((l) => l.startsWith("```"))).toEqual(["```diff", "```", "```diff", "```"]);
    expect(lines.some((l) => l.startsWith("# Looks fine"))).toBe(false);
  });

  it("what follows is still shown: the other Kustomization's danger note and removed Namespace", () => {
    expect(md).toContain("> ⚠️ removes Namespace payments");
    expect(md).toContain("- Namespace payments");
  });
});

describe("promote --format markdown quotes pull-request texts as text", () => {
  // The promotion's description is a pull request's body: app names, labels, versions, file
  // names, notes and refusals come from the repository the pull request wrote.
  const result: PromotionResult = {
    plan: {
      from: "staging",
      to: "production",
      apps: [
        {
          app: `web${HOSTILE}`,
          source: "flux-system/web",
          target: "flux-system/web",
          changes: [
            {
              kind: "image",
              label: `image ghcr.io/acme/web${HOSTILE}`,
              object: `Deployment shop/web${HOSTILE}`,
              objectKey: "k",
              field: "spec.template.spec.containers[name=web].image",
              path: [],
              from: `1.0.0${HOSTILE}`,
              to: "1.1.0`<img src=x>",
              edits: [
                {
                  op: "set",
                  file: `apps/${HOSTILE}.yaml`,
                  doc: 0,
                  path: ["images", 0, "newTag"],
                  line: 3,
                  what: "newTag",
                  old: "1.0.0",
                  value: "1.1.0",
                },
              ],
              notes: [`ImagePolicy ${HOSTILE}`],
            },
          ],
        },
      ],
      skipped: [{ app: `api${HOSTILE}`, reason: `its source ${HOSTILE}` }],
      refusals: [{ code: "AMBIGUOUS", app: `db${HOSTILE}`, message: `set in ${HOSTILE}` }],
      notes: [`plan note ${HOSTILE}`],
    },
    written: [],
    commits: [],
    mode: "plan",
  };
  const md = formatPromotionMarkdown(result);

  it("no HTML from a quoted text reaches the description", () => {
    expect(md).not.toContain("<!--");
    expect(md).not.toContain("<img");
    expect(md).not.toContain("</details>");
  });

  it("no quoted newline starts a line of its own", () => {
    const lines = md.split("\n");
    expect(lines.some((l) => l.startsWith("```") || l.startsWith("# Looks fine"))).toBe(false);
  });
});
