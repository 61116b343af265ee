/**
 * fromToml against Helm 4.1.4 (BurntSushi/toml v1.6.0): seeded valid and broken documents
 * plus fixed edge cases, each decoded by a tiny chart and printed through toJson, toYaml,
 * printf "%v", toToml and typeOf per key (base64, so any output is valid YAML). The documents travel as chart files, so
 * bytes (CRLF, control characters, BOM) reach both sides untouched. A few hundred documents
 * share one `helm template` run per batch. Replay another seed with SLIPWAY_FUZZ_SEED.
 */
import { describe, expect, it } from "vitest";
import { requires } from "../../support/env.js";
import { Rng } from "../../support/random.js";
import { both, type Tree } from "../differential.js";
import { FIXED_CASES, type TomlCase, TomlGen } from "./toml-gen.js";

const SEED = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261202);
const BATCH = 150;

const TEMPLATE = (n: number) => `{{- range $i, $_ := until ${n} }}
{{- $d := $.Files.Get (printf "files/d%04d.toml" $i) | fromToml }}
j{{ $i }}: {{ $d | toJson | b64enc }}
y{{ $i }}: {{ $d | toYaml | b64enc }}
v{{ $i }}: {{ printf "%v" $d | b64enc }}
t{{ $i }}: {{ $d | toToml | b64enc }}
{{- $types := "" }}{{ range $k, $v := $d }}{{ $types = printf "%s%s=%s;" $types $k (typeOf $v) }}{{ end }}
k{{ $i }}: {{ $types | b64enc }}
{{- end }}
`;

function chartOf(cases: TomlCase[]): Tree {
  const tree: Tree = {
    "chart/Chart.yaml": "apiVersion: v2\nname: toml\nversion: 0.1.0\n",
    "chart/templates/t.yaml": TEMPLATE(cases.length),
  };
  cases.forEach((c, i) => {
    tree[`chart/files/d${String(i).padStart(4, "0")}.toml`] = c.doc;
  });
  return tree;
}

/** "j12: <base64>" lines → decoded text by key. */
function outputs(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const at = line.indexOf(": ");
    if (/^[jyvtk]\d+$/.test(line.slice(0, at))) {
      m.set(line.slice(0, at), Buffer.from(line.slice(at + 2), "base64").toString("utf8"));
    }
  }
  return m;
}

interface Mismatch {
  name: string;
  doc: string;
  helm: string[];
  slipway: string[];
}

interface BatchResult {
  identical: number;
  /** Documents Helm reported a syntax error for (its JSON has the "Error" key). */
  failed: number;
  mismatches: Mismatch[];
  error?: string;
}

function compareBatch(cases: TomlCase[]): BatchResult {
  const { helm, slipway } = both(chartOf(cases), ["r", "chart"]);
  if (!helm.ok || !slipway.ok) {
    return {
      identical: 0,
      failed: 0,
      mismatches: [],
      error: `helm: ${helm.stderr}\nslipway: ${slipway.stderr}`,
    };
  }
  const h = outputs(helm.stdout);
  const s = outputs(slipway.stdout);
  const mismatches: Mismatch[] = [];
  let identical = 0;
  let failed = 0;
  cases.forEach((c, i) => {
    // Known difference: Go's -nan keeps its sign bit and toToml prints "-nan"; a JavaScript
    // NaN has no observable sign, so ours prints "nan". Only toToml can tell them apart.
    const keys = [`j${i}`, `y${i}`, `v${i}`, `k${i}`, ...(c.doc.includes("-nan") ? [] : [`t${i}`])];
    const hv = keys.map((k) => h.get(k) ?? "<missing>");
    const sv = keys.map((k) => s.get(k) ?? "<missing>");
    if (hv[0]!.startsWith('{"Error":"toml: ')) failed++;
    if (hv.every((v, j) => v === sv[j])) identical++;
    else mismatches.push({ name: c.name, doc: c.doc, helm: hv, slipway: sv });
  });
  return { identical, failed, mismatches };
}

describe.runIf(requires("helm"))("fromToml agrees with Helm 4.1.4 (BurntSushi/toml v1.6.0)", () => {
  const gen = new TomlGen(new Rng(SEED));
  const cases = [...FIXED_CASES, ...gen.cases(220, 280)];

  it(`${cases.length} documents decode, fail and print identically (seed ${SEED})`, () => {
    let identical = 0;
    let failed = 0;
    const mismatches: Mismatch[] = [];
    for (let i = 0; i < cases.length; i += BATCH) {
      const r = compareBatch(cases.slice(i, i + BATCH));
      expect(r.error).toBeUndefined();
      identical += r.identical;
      failed += r.failed;
      mismatches.push(...r.mismatches);
    }
    const errors = cases.length - identical - mismatches.length;
    process.stderr.write(
      `[fromToml differential] ${cases.length} documents (${failed} rejected by Helm), ${identical} identical, ${mismatches.length} different${errors ? `, ${errors} unchecked` : ""}\n`,
    );
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(identical).toBe(cases.length);
  }, 300_000);
});
