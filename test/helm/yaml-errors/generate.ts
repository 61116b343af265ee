/**
 * Malformed YAML for the differential test of Helm's YAML error messages (yaml-errors.test.ts):
 * valid documents shaped like values files and manifests, each mutated once or twice by one of
 * the mutations below (a missing colon, a stray line, unclosed quotes and flow collections, tabs,
 * bad indentation, duplicate keys, anchors, document markers, block scalars, comments, CRLF, …).
 * Seeded, so the corpus is the same on every run and Helm's answers can be recorded.
 */

const BASES: readonly string[] = [
  [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: a",
    "  namespace: x",
    "  labels:",
    "    app: web",
    "    tier: front",
    "data:",
    "  key: value",
    "  script: |",
    "    echo hi",
    "    exit 0",
    "  other: 'quoted'",
    "",
  ].join("\n"),
  [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: web",
    "spec:",
    "  replicas: 2",
    "  template:",
    "    spec:",
    "      containers:",
    "        - name: app",
    "          image: nginx:1.25",
    "          ports:",
    "            - containerPort: 80",
    "              protocol: TCP",
    "          env:",
    "          - name: A",
    '            value: "1"',
    "",
  ].join("\n"),
  [
    "# values",
    "image:",
    "  repository: nginx",
    '  tag: "1.25"',
    "replicas: 3",
    "list:",
    "- a",
    "- b",
    "flow: [x, y, z]",
    "map: {k: v, n: 1}",
    "base: &base",
    "  cpu: 100m",
    "derived:",
    "  <<: *base",
    "  mem: 1Gi",
    "text: >",
    "  folded",
    "  lines",
    "empty:",
    "",
  ].join("\n"),
  [
    "a: 1",
    "b:",
    "  c:",
    "    d: [1, 2]",
    '    e: "x\\ty"',
    "  f:",
    "    - g: h",
    "      i: j",
    "    - k",
    "",
  ].join("\n"),
];

const WORDS = [
  "y",
  "foo",
  "x: 1",
  "- z",
  "]",
  "}",
  ",",
  "? q",
  ": v",
  "#c",
  "@at",
  "`tick",
  "%x",
  "|",
  ">",
  "&a",
  "*a",
  "!t x",
  "'q",
  '"q',
  "[a",
  "{a",
];

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] as never };
}

type Mutation = (lines: string[], r: Rng) => string;

const indentOf = (l: string) => l.length - l.trimStart().length;
const keyLines = (lines: string[]) =>
  lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[\w<]+:( |$)/.test(l));
const at = (lines: string[], r: Rng) => r.int(lines.length);
const pickKeyLine = (lines: string[], r: Rng) => {
  const ks = keyLines(lines);
  return ks.length === 0 ? at(lines, r) : r.pick(ks)[1];
};
const setValue = (lines: string[], i: number, value: string) => {
  lines[i] = (lines[i] as string).replace(/^(\s*(- )?[\w<]+:).*$/, `$1 ${value}`);
};

const MUTATIONS: Record<string, Mutation> = {
  missingColon(lines, r) {
    const i = pickKeyLine(lines, r);
    lines[i] = (lines[i] as string).replace(/:( |$)/, r.next() < 0.5 ? "$1" : " ");
    return "missing colon";
  },
  strayLine(lines, r) {
    const i = r.int(lines.length + 1);
    lines.splice(i, 0, " ".repeat(r.pick([0, 1, 2, 3, 4, 6, 8])) + r.pick(WORDS));
    return "stray line";
  },
  unclosedQuote(lines, r) {
    setValue(lines, pickKeyLine(lines, r), r.pick(['"abc', "'abc", '"a\\', '"ab\\qc"', "'it''s", '"x" y']));
    return "quote";
  },
  unclosedFlow(lines, r) {
    setValue(
      lines,
      pickKeyLine(lines, r),
      r.pick([
        "[a, b",
        "{a: 1, b: 2",
        "[a, [b]",
        "{a: [1}",
        "[a,",
        "{",
        "[",
        "[a b: c]",
        "{a, b: c d}",
        "[a]]",
        "{a: 1}}",
        "[{a: 1]",
      ]),
    );
    return "flow";
  },
  trailingAfterFlow(lines, r) {
    setValue(
      lines,
      pickKeyLine(lines, r),
      r.pick(["[a, b] c", "{a: 1} x", "[a] # ok", "[a]x", "{a: 1}, b", '"q" z', "'q' z: 1"]),
    );
    return "trailing after flow";
  },
  tab(lines, r) {
    const i = at(lines, r);
    const l = lines[i] as string;
    const mode = r.int(4);
    if (mode === 0) lines[i] = `\t${l.trimStart()}`;
    else if (mode === 1) lines[i] = `${" ".repeat(indentOf(l))}\t${l.trimStart()}`;
    else if (mode === 2) lines[i] = l.replace(": ", ":\t");
    else lines[i] = `${l}\t`;
    return "tab";
  },
  reindent(lines, r) {
    const i = pickKeyLine(lines, r);
    const l = lines[i] as string;
    const d = r.pick([-3, -2, -1, 1, 2, 3]);
    lines[i] = " ".repeat(Math.max(0, indentOf(l) + d)) + l.trimStart();
    return "reindent";
  },
  badSeqIndent(lines, r) {
    const i = pickKeyLine(lines, r);
    const ind = indentOf(lines[i] as string);
    setValue(lines, i, "");
    lines.splice(
      i + 1,
      0,
      `${" ".repeat(ind + 2)}- one`,
      `${" ".repeat(Math.max(0, ind + r.pick([-1, 0, 1, 3])))}- two`,
    );
    if (r.next() < 0.5) lines.splice(i + 3, 0, `${" ".repeat(ind + 2)}k: v`);
    return "seq indent";
  },
  duplicateKey(lines, r) {
    const i = pickKeyLine(lines, r);
    lines.splice(i + 1, 0, lines[i] as string);
    return "duplicate key";
  },
  anchors(lines, r) {
    const i = pickKeyLine(lines, r);
    setValue(
      lines,
      i,
      r.pick([
        "*nope",
        "&a",
        "&a &b x",
        "*a",
        "&a x",
        "! x",
        "!!int abc",
        "!<x",
        "!!map x",
        "&a [1, *a]",
        "*",
        "&",
        "&a\n  *a",
      ]),
    );
    if (r.next() < 0.3) lines.splice(r.int(lines.length), 0, r.pick(["*a: 1", "&a k: v", "? *a", "x: *a"]));
    return "anchors";
  },
  docMarkers(lines, r) {
    const i = r.int(lines.length + 1);
    lines.splice(
      i,
      0,
      " ".repeat(r.pick([0, 0, 0, 2])) +
        r.pick([
          "---",
          "...",
          "--- x",
          "... x",
          "---x",
          "--- # c",
          "--- |",
          "--- [a",
          "%YAML 1.1",
          "%TAG ! x",
          "--- !x",
        ]),
    );
    return "doc markers";
  },
  blockScalar(lines, r) {
    const i = pickKeyLine(lines, r);
    const ind = indentOf(lines[i] as string);
    setValue(lines, i, r.pick(["|", ">", "|-", "|2", "|+", ">9", "|x", "| #c", "|0", "|-2"]));
    const pad = (d: number) => " ".repeat(Math.max(0, ind + d));
    lines.splice(
      i + 1,
      0,
      ...r.pick([
        [`${pad(4)}more`, `${pad(2)}less`],
        [`${pad(1)}one`, `${pad(0)}zero: 1`],
        [`${pad(2)}a`, `\t${pad(2)}b`],
        [`${pad(3)}x`, `${pad(2)}y`],
        [""],
        [`${pad(2)}a`, `${pad(1)}b`],
      ]),
    );
    return "block scalar";
  },
  comments(lines, r) {
    const i = pickKeyLine(lines, r);
    const l = lines[i] as string;
    const mode = r.int(5);
    if (mode === 0) lines[i] = l.replace(/:( |$)/, " #c:$1");
    else if (mode === 1) lines[i] = `${l}#c`;
    else if (mode === 2) lines[i] = `${l} # c: d`;
    else if (mode === 3) lines.splice(i + 1, 0, `${" ".repeat(r.int(9))}# comment`);
    else lines[i] = l.replace(": ", ":#");
    return "comments";
  },
  compactNested(lines, r) {
    setValue(
      lines,
      pickKeyLine(lines, r),
      r.pick(["a: b", "a: b: c", "- a", "x - y", "a:b", "? x", ": y", "k:"]),
    );
    return "nested";
  },
  badStart(lines, r) {
    setValue(lines, pickKeyLine(lines, r), r.pick(["@x", "`x", "%x", "|x", "x\u0085y", ",x", "]", "}"]));
    return "bad start";
  },
  longKey(lines, r) {
    // libyaml forgets a simple key candidate after 1024 characters.
    const i = pickKeyLine(lines, r);
    const n = r.pick([1000, 1030, 1100]);
    lines[i] = (lines[i] as string).replace(/^(\s*(- )?)[\w<]+:/, `$1${"k".repeat(n)}:`);
    return "long key";
  },
  unicodeBreaks(lines, r) {
    const i = pickKeyLine(lines, r);
    const brk = r.pick(["\u0085", "\u2028", "\u2029", "\r", "\ufeff"]);
    lines[i] = r.next() < 0.5 ? `${lines[i]}${brk}x` : `${lines[i]}${brk}`;
    return "unicode break";
  },
  bom(lines) {
    lines[0] = `\ufeff${lines[0]}`;
    return "bom";
  },
  complexKey(lines, r) {
    const i = r.int(lines.length + 1);
    const pad = " ".repeat(r.pick([0, 0, 2]));
    lines.splice(
      i,
      0,
      ...r.pick([
        [`${pad}? a`, `${pad}: b`],
        [`${pad}? [a]`, `${pad}: 1`],
        [`${pad}? a`],
        [`${pad}: b`],
        [`${pad}? a`, `${pad}  : b`],
        [`${pad}?`, `${pad}:`],
      ]),
    );
    return "complex key";
  },
  multilineFlow(lines, r) {
    const i = pickKeyLine(lines, r);
    const ind = indentOf(lines[i] as string);
    const pad = (d: number) => " ".repeat(Math.max(0, ind + d));
    setValue(lines, i, r.pick(["[a,", "{a: 1,", '"a', "'a", "[", "{"]));
    const rest = r.pick(["b]", "b: 2}", 'b"', "b'", "]", "}", "c", "- d"]);
    lines.splice(i + 1, 0, pad(r.pick([-2, 0, 1, 2])) + rest);
    return "multiline flow";
  },
  seqOfSeq(lines, r) {
    const i = r.int(lines.length + 1);
    const pad = " ".repeat(r.pick([0, 2, 4]));
    lines.splice(
      i,
      0,
      ...r.pick([
        [`${pad}-   - a`, `${pad}    - b`],
        [`${pad}- - a`, `${pad}  - b`, `${pad} - c`],
        [`${pad}-`, `${pad}-`],
        [`${pad}- a: 1`, `${pad}  - b`],
      ]),
    );
    return "seq of seq";
  },
  keyOnly(lines, r) {
    const i = pickKeyLine(lines, r);
    lines[i] = (lines[i] as string).replace(/:.*$/, "");
    return "key only";
  },
};

export interface Case {
  name: string;
  yaml: string;
}

/**
 * `text` (lines ending in a line break) with `times` mutations picked by `r` applied: the
 * mutations' names and the text. Other generators reuse them (test/kustomize/yaml-streams.test.ts).
 */
export function mutate(text: string, r: Rng, times: number): { applied: string[]; text: string } {
  const names = Object.keys(MUTATIONS);
  const lines = text.split("\n");
  lines.pop();
  const applied: string[] = [];
  for (let t = 0; t < times; t++) {
    const m = r.pick(names);
    applied.push((MUTATIONS[m] as Mutation)(lines, r));
  }
  return { applied, text: `${lines.join("\n")}\n` };
}

/** `count` malformed documents from `seed`. */
export function generate(seed: number, count: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  const seen = new Set<string>();
  for (let n = 0; out.length < count && n < count * 10; n++) {
    const base = r.pick(BASES);
    const mutated = mutate(base, r, r.next() < 0.25 ? 2 : 1);
    const applied = mutated.applied;
    let text = mutated.text;
    const ending = r.next();
    if (ending < 0.1) text = text.replace(/\n/g, "\r\n");
    else if (ending < 0.2) text = text.slice(0, -1);
    if (text.includes("{{") || seen.has(text)) continue;
    seen.add(text);
    out.push({ name: `${out.length}: ${applied.join(", ")}`, yaml: text });
  }
  return out;
}
