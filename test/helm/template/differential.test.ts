import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TemplateError, utf8Decode } from "../../../src/helm/template/index.js";
import { requires } from "../../support/env.js";
import { helmTemplate } from "../../support/helm-oracle.js";
import { Rng } from "../../support/random.js";
import { generateValues, TemplateGenerator } from "./generate.js";
import { helmErrorText, MiniEngine, renderSimpleChart, rootData } from "./support.js";

/**
 * Differential test against Helm v4.1.4: seeded random templates (test/helm/template/generate.ts)
 * over random values, rendered by Slipway and by `helm template`. The templates that render are
 * checked in ONE Helm run (each is a partial of the chart, printed through include | b64enc, so
 * the bytes compare exactly, `<no value>` included); the ones that fail are checked one Helm
 * run each (capped), comparing Helm's error text. Reproduce with SLIPWAY_FUZZ_SEED=<seed>.
 */
const SEED = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261202);
const COUNT = Number(process.env.SLIPWAY_FUZZ_COUNT ?? 300);
const MAX_ERROR_RUNS = Number(process.env.SLIPWAY_FUZZ_ERRORS ?? 20);

const CHART = "chart";
const caseName = (i: number) => `${CHART}/templates/_c${i}.tpl`;

describe.runIf(requires("helm"))(`Slipway vs Helm on ${COUNT} random templates (seed ${SEED})`, () => {
  it("renders every template exactly as Helm does", () => {
    const rng = new Rng(SEED);
    const { yaml, paths } = generateValues(rng);
    const templates = Array.from({ length: COUNT }, (_, i) =>
      new TemplateGenerator(rng, paths, String(i)).template(),
    );

    // Slipway: all partials in one set, as Helm parses a chart; then each executed on its own.
    const files: Record<string, string> = { "values.yaml": yaml };
    templates.forEach((t, i) => {
      files[`templates/_c${i}.tpl`] = t;
    });
    const ours = new Map<number, { out?: string; err?: string }>();
    const engine = new MiniEngine();
    const data = rootData(yaml);
    let parseFailures = 0;
    templates.forEach((t, i) => {
      try {
        engine.set.parse(caseName(i), t);
      } catch (e) {
        parseFailures++;
        ours.set(i, { err: errorText(e) });
      }
    });
    templates.forEach((_, i) => {
      if (ours.has(i)) return;
      try {
        ours.set(i, { out: engine.set.execute(caseName(i), data, engine.ctx) });
      } catch (e) {
        ours.set(i, { err: errorText(e) });
      }
    });

    // Helm: the rendering ones in one chart.
    const good = templates.map((_, i) => i).filter((i) => ours.get(i)!.out !== undefined);
    const mismatches: string[] = [];
    let batch = good;
    let helmOut = new Map<number, string>();
    for (let attempt = 0; attempt < 10; attempt++) {
      const chart: Record<string, string> = { "values.yaml": yaml };
      for (const i of batch) chart[`templates/_c${i}.tpl`] = templates[i]!;
      chart["templates/t.yaml"] =
        `kind: T\n${batch.map((i) => `c${i}: {{ include "${caseName(i)}" . | b64enc }}`).join("\n")}\n`;
      const run = helmTemplate(chart, [], "rel");
      if (run.ok) {
        helmOut = decode(run.stdout);
        break;
      }
      const culprit = /_c(\d+)\.tpl/.exec(run.error);
      if (!culprit) throw new Error(`Helm failed on the batch: ${run.error.slice(0, 2000)}`);
      const i = Number(culprit[1]);
      mismatches.push(`#${i}: Slipway renders, Helm fails: ${run.error.slice(0, 500)}\n${templates[i]}`);
      batch = batch.filter((x) => x !== i);
    }
    let identical = 0;
    for (const i of batch) {
      const want = helmOut.get(i);
      const got = ours.get(i)!.out;
      if (want === got) identical++;
      else
        mismatches.push(
          `#${i}: output differs\n--- template\n${templates[i]}\n--- helm\n${JSON.stringify(want)}\n--- slipway\n${JSON.stringify(got)}`,
        );
    }

    // Errors: one Helm run each, the template as the chart's only file.
    const failing = templates.map((_, i) => i).filter((i) => ours.get(i)!.err !== undefined);
    let errorsIdentical = 0;
    for (const i of failing.slice(0, MAX_ERROR_RUNS)) {
      const single = { "values.yaml": yaml, "templates/t.yaml": templates[i]! };
      const run = helmTemplate(single, [], "rel");
      const ourText = renderSimpleChart(
        new Map([["Chart.yaml", "apiVersion: v2\nname: chart\nversion: 0.1.0\n"], ...Object.entries(single)]),
      );
      const want = run.ok
        ? "(renders)"
        : run.error.replace(/\s*Use --debug flag to render out invalid YAML$/, "");
      if (want === ourText) errorsIdentical++;
      else
        mismatches.push(
          `#${i}: error differs\n--- template\n${templates[i]}\n--- helm\n${want}\n--- slipway\n${ourText}`,
        );
    }

    process.stdout.write(
      `[helm-differential] seed ${SEED}: ${identical}/${batch.length} outputs identical, ${errorsIdentical}/${Math.min(failing.length, MAX_ERROR_RUNS)} errors identical (${failing.length} templates fail, ${parseFailures} at parse time)\n`,
    );
    // SLIPWAY_FUZZ_DUMP=file writes every mismatch (the assertion shows the first five).
    if (process.env.SLIPWAY_FUZZ_DUMP)
      writeFileSync(process.env.SLIPWAY_FUZZ_DUMP, mismatches.join("\n\n=====\n"));
    expect(mismatches.slice(0, 5).join("\n\n")).toBe("");
    expect(identical).toBeGreaterThan(COUNT / 3);
  });
});

function errorText(e: unknown): string {
  if (e instanceof TemplateError) return helmErrorText("", e);
  throw e;
}

function decode(stdout: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of stdout.split("\n")) {
    const m = /^c(\d+): (.*)$/.exec(line);
    if (m) out.set(Number(m[1]), utf8Decode(new Uint8Array(Buffer.from(m[2]!, "base64"))));
  }
  return out;
}

/**
 * Parse errors: generated templates with one random edit (a deleted character, a stray
 * delimiter, keyword, quote or paren), each rendered alone by Helm; Helm's wording of the
 * parse error (file, line and Go's message) must be Slipway's.
 */
describe.runIf(requires("helm"))(`Slipway vs Helm on broken templates (seed ${SEED})`, () => {
  it("fails where Helm fails, with the same message", () => {
    const rng = new Rng(SEED + 1);
    const { yaml, paths } = generateValues(rng);
    const EDITS = [
      "",
      "{{",
      "}}",
      "{{ end }}",
      "{{ else }}",
      "$x",
      "(",
      ")",
      "|",
      "'",
      '"',
      "`",
      "{{/*",
      "*/}}",
      ":=",
      "{{-",
      ".",
      "}",
    ];
    const mismatches: string[] = [];
    let compared = 0;
    for (let n = 0; n < 300 && compared < MAX_ERROR_RUNS; n++) {
      const t = new TemplateGenerator(rng, paths, `m${n}`).template();
      const at = rng.int(t.length + 1);
      const edit = rng.pick(EDITS);
      const broken = edit === "" ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + edit + t.slice(at);
      // Only parse: a mutant that still parses may well loop (a define calling itself).
      let ours: string;
      try {
        new MiniEngine().set.parse("chart/templates/t.yaml", broken);
        continue; // still parses: not this test's business
      } catch (e) {
        ours = `Error: ${errorText(e)}`;
      }
      compared++;
      const run = helmTemplate({ "values.yaml": yaml, "templates/t.yaml": broken }, [], "rel");
      const want = run.ok
        ? "(renders)"
        : run.error.replace(/\s*Use --debug flag to render out invalid YAML$/, "");
      if (want !== ours) mismatches.push(`--- template\n${broken}\n--- helm\n${want}\n--- slipway\n${ours}`);
    }
    process.stdout.write(
      `[helm-differential] seed ${SEED}: ${compared - mismatches.length}/${compared} parse errors identical\n`,
    );
    expect(mismatches.slice(0, 3).join("\n\n")).toBe("");
    expect(compared).toBeGreaterThan(5);
  });
});
