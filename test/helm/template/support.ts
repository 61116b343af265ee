/**
 * A small Helm stand-in for testing the template engine on its own: a few sprig-like
 * functions with Helm's Go signatures, `include`/`tpl` bound as Helm binds them, Helm's
 * file ordering, `<no value>` removal and error rewording (engine.go), and the document
 * printing of `helm template` for simple charts. The real engine layer and function
 * library live in src/helm; this only lets template semantics be checked early.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { CallContext, GoFunc } from "../../../src/helm/funcs/types.js";
import { GoFuncError } from "../../../src/helm/funcs/types.js";
import {
  fromJsonValue,
  GoInt,
  GoMap,
  type GoValue,
  isTrue,
  quote,
  sprint,
  type Template,
  TemplateError,
  TemplateSet,
  utf8Encode,
} from "../../../src/helm/template/index.js";
import { readValuesDocuments } from "../../../src/helm/yaml.js";

const ANY = "interface {}";

function toInt64(v: GoValue): bigint {
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  if (typeof v === "number") return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === "string") return /^-?\d+$/.test(v) ? BigInt(v) : 0n;
  if (typeof v === "boolean") return v ? 1n : 0n;
  return 0n;
}

function toStr(v: GoValue): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return sprint([v]);
}

function indent(n: number, s: string): string {
  const pad = " ".repeat(n);
  return pad + s.replaceAll("\n", `\n${pad}`);
}

/** The functions the template-semantics cases use, with the Go signatures Helm has. */
export function miniFuncs(): Map<string, GoFunc> {
  const f = new Map<string, GoFunc>();
  const def = (name: string, params: string[], result: string, fn: GoFunc["fn"], variadic = false) =>
    f.set(name, { params, result, fn, variadic });
  def("list", [ANY], "[]interface {}", (...a) => a, true);
  def(
    "dict",
    [ANY],
    "map[string]interface {}",
    (...a) => {
      const m = new GoMap();
      for (let i = 0; i < a.length; i += 2) m.set(toStr(a[i]), i + 1 < a.length ? a[i + 1] : "");
      return m;
    },
    true,
  );
  def(
    "default",
    [ANY, ANY],
    ANY,
    (d, ...given) => {
      if (given.length === 0 || !isTrue(given[0] ?? null)) return d;
      return given[0];
    },
    true,
  );
  def("int", [ANY], "int", (v) => new GoInt("int", toInt64(v)));
  def("int64", [ANY], "int64", (v) => new GoInt("int64", toInt64(v)));
  def("upper", ["string"], "string", (s) => (s as string).toUpperCase());
  def(
    "quote",
    [ANY],
    "string",
    (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => quote(toStr(x)))
        .join(" "),
    true,
  );
  def(
    "squote",
    [ANY],
    "string",
    (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => `'${toStr(x)}'`)
        .join(" "),
    true,
  );
  def("toString", [ANY], "string", (v) => toStr(v));
  def("b64enc", ["string"], "string", (s) => Buffer.from(utf8Encode(s as string)).toString("base64"));
  def("trimSuffix", ["string", "string"], "string", (a, s) =>
    (s as string).endsWith(a as string) ? (s as string).slice(0, -(a as string).length) : (s as string),
  );
  def("indent", ["int", "string"], "string", (n, s) => indent(Number((n as GoInt).value), s as string));
  def(
    "nindent",
    ["int", "string"],
    "string",
    (n, s) => `\n${indent(Number((n as GoInt).value), s as string)}`,
  );
  def(
    "add",
    [ANY],
    "int64",
    (...a) =>
      new GoInt(
        "int64",
        a.reduce<bigint>((x, y) => x + toInt64(y), 0n),
      ),
    true,
  );
  def("sub", [ANY, ANY], "int64", (a, b) => new GoInt("int64", toInt64(a) - toInt64(b)));
  def(
    "hasKey",
    ["map[string]interface {}", "string"],
    "bool",
    (m, k) => (m as GoMap | null)?.has(k as string) ?? false,
  );
  def("fail", ["string"], "string", (msg) => {
    throw new GoFuncError(`HELM_ERR_START${msg}HELM_ERR_END`);
  });
  return f;
}

/** A render like Helm's engine.render: include/tpl closures, sorted parse, execute non-partials. */
export class MiniEngine {
  readonly set: TemplateSet;
  private readonly included = new Map<string, number>();

  constructor(readonly ctx: CallContext = { templateName: "", random: Math.random, now: Date.now }) {
    const funcs = miniFuncs();
    funcs.set(
      "include",
      this.includeFunc(() => this.set),
    );
    funcs.set(
      "tpl",
      this.tplFunc(() => this.set),
    );
    this.set = new TemplateSet(funcs, { missingKey: "zero", name: "gotpl" });
  }

  includeFunc(set: () => TemplateSet): GoFunc {
    return {
      params: ["string", ANY],
      result: "string",
      fn: (name, data) => {
        const n = name as string;
        const count = this.included.get(n) ?? 0;
        if (count > 1000)
          throw new GoFuncError(
            `rendering template has a nested reference name: ${n}: unable to execute template`,
          );
        this.included.set(n, count + 1);
        try {
          return set().execute(n, data, this.ctx);
        } finally {
          this.included.set(n, (this.included.get(n) ?? 1) - 1);
        }
      },
    };
  }

  tplFunc(parent: () => TemplateSet): GoFunc {
    return {
      params: ["string", ANY],
      result: "string",
      fn: (text, vals) => {
        const clone = parent().clone();
        clone.addFuncs({ include: this.includeFunc(() => clone), tpl: this.tplFunc(() => clone) });
        let t: Template;
        try {
          t = clone.parse("gotpl", text as string);
        } catch (e) {
          throw new GoFuncError(`cannot parse template ${quote(text as string)}: ${(e as Error).message}`);
        }
        try {
          return clone.execute(t, vals, this.ctx).replaceAll("<no value>", "");
        } catch (e) {
          const err = new GoFuncError(
            `error during tpl function execution for ${quote(text as string)}: ${(e as Error).message}`,
          );
          (err as { cause?: unknown }).cause = e;
          throw err;
        }
      },
    };
  }
}

/** Helm's sortTemplates: deeper paths first, then reverse byte order. */
export function helmParseOrder(names: string[]): string[] {
  const depth = (s: string) => s.split("/").length;
  return [...names].sort((a, b) => depth(b) - depth(a) || (a < b ? 1 : a > b ? -1 : 0));
}

interface Traceable {
  location: string;
  message: string;
  executedFunction: string;
}

function parseExecErrorString(s: string): Traceable | undefined {
  if (!s.startsWith("template: ")) return undefined;
  const rest = s.slice("template: ".length);
  if (rest.startsWith("no template ")) return { location: "", message: s, executedFunction: "" };
  const idx = rest.indexOf(": executing ");
  if (idx >= 0) {
    const name = rest.slice(0, idx);
    const after = rest.slice(idx + ": executing ".length);
    if (after[0] === '"') {
      const endQuote = after.indexOf('"', 1);
      if (endQuote >= 0) {
        const fn = after.slice(1, endQuote);
        const afterFunc = after.slice(endQuote + 1);
        if (afterFunc.startsWith(" at <")) {
          const afterAt = afterFunc.slice(5);
          const endLoc = afterAt.indexOf(">: ");
          if (endLoc >= 0) {
            let msg = afterAt.slice(endLoc + 3);
            const cut = msg.indexOf(" template:");
            if (cut >= 0) msg = msg.slice(0, cut);
            return {
              location: name,
              message: msg,
              executedFunction: `executing "${fn}" at <${afterAt.slice(0, endLoc)}>:`,
            };
          }
        }
      }
    }
    return undefined;
  }
  const sep = rest.lastIndexOf(": ");
  if (sep < 0) return undefined;
  let msg = rest.slice(sep + 2);
  const cut = msg.indexOf(" template:");
  if (cut >= 0) msg = msg.slice(0, cut);
  return { location: rest.slice(0, sep), message: msg, executedFunction: "" };
}

/** Helm's wording of a template error (engine.go cleanupParseError / reformatExecErrorMsg). */
export function helmErrorText(file: string, e: TemplateError): string {
  if (e.kind === "parse") {
    const tokens = e.message.split(": ");
    return `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`;
  }
  const tokens = e.message.split(": ");
  if (tokens.length < 3) return `execution error in (${file}): ${e.message}`;
  const rest = e.message.slice(tokens[0]!.length + tokens[1]!.length + 4);
  const warn = /HELM_ERR_START([\s\S]*)HELM_ERR_END/.exec(rest);
  if (warn) return `execution error at (${tokens[1]}): ${warn[1]}`;
  // Go's chain: the ExecError, its fmt.Errorf (same text), then each wrapped cause.
  const chain: string[] = [e.message, e.message];
  let cur: unknown = e.cause;
  while (cur instanceof Error) {
    chain.push(cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  const locs: Traceable[] = [];
  for (const msg of chain) {
    const tr = parseExecErrorString(msg);
    if (!tr) return e.message;
    const last = locs[locs.length - 1];
    if (
      !last ||
      last.location !== tr.location ||
      last.message !== tr.message ||
      last.executedFunction !== tr.executedFunction
    )
      locs.push(tr);
  }
  return locs
    .map((t) => {
      let s = "";
      if (t.location) s += `${t.location}\n  `;
      if (t.executedFunction) s += `${t.executedFunction}\n    `;
      if (t.message) s += `${t.message}\n`;
      return s;
    })
    .join("")
    .trim();
}

function walk(dir: string, base = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p, `${base}${e}/`));
    else out.push(`${base}${e}`);
  }
  return out;
}

/** A chart as files: path relative to the chart root → text. */
export type ChartFiles = Map<string, string>;

export function readChartDir(dir: string): ChartFiles {
  return new Map(walk(dir).map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
}

function readValues(text: string | undefined): GoMap {
  if (text === undefined) return new GoMap();
  return readValuesDocuments(text, "values.yaml");
}

/** Values coalescing, simplified: user values over chart defaults, maps merged deeply. */
function coalesce(user: GoValue, defaults: GoMap): GoMap {
  const out = new GoMap(defaults, "common.Values");
  if (!(user instanceof GoMap)) return out;
  for (const [k, v] of user) {
    const d = out.get(k);
    out.set(k, v instanceof GoMap && d instanceof GoMap ? coalesce(v, d) : v);
  }
  return out;
}

interface Renderable {
  text: string;
  data: GoMap;
  basePath: string;
}

function collect(
  files: ChartFiles,
  root: string,
  prefix: string,
  values: GoMap,
  release: GoMap,
  out: Map<string, Renderable>,
): void {
  const chartMeta = parseYaml(files.get(`${root}Chart.yaml`) ?? "name: chart") as Record<string, unknown>;
  const name = String(chartMeta.name);
  const full = prefix === "" ? name : `${prefix}/charts/${name}`;
  const data = new GoMap(
    [
      ["Values", values],
      ["Release", release],
      ["Chart", fromJsonValue({ Name: name, Version: chartMeta.version, IsRoot: prefix === "" })],
    ],
    "map[string]interface {}",
  );
  const subcharts = new Set<string>();
  for (const f of files.keys()) {
    if (!f.startsWith(`${root}charts/`)) continue;
    const rest = f.slice(`${root}charts/`.length).split("/");
    if (rest.length === 2 && rest[1] === "Chart.yaml") subcharts.add(rest[0]!);
  }
  for (const sub of [...subcharts].sort()) {
    const subRoot = `${root}charts/${sub}/`;
    const subName = String((parseYaml(files.get(`${subRoot}Chart.yaml`)!) as { name: string }).name);
    collect(
      files,
      subRoot,
      full,
      coalesce(values.get(subName), readValues(files.get(`${subRoot}values.yaml`))),
      release,
      out,
    );
  }
  for (const [f, text] of files) {
    if (!f.startsWith(`${root}templates/`)) continue;
    const rel = f.slice(root.length);
    if (rel.slice("templates/".length).includes("charts/")) continue;
    out.set(`${full}/${rel}`, { text, data, basePath: `${full}/templates` });
  }
}

/**
 * `helm template rel <chart> --namespace ns` for charts without files, hooks, dependencies
 * settings or CRDs: stdout, or "Error: …" as Helm words it.
 */
/** The data Helm gives a root-chart template (.Values, .Release, .Chart, .Template). */
export function rootData(valuesYaml: string, templateName = "chart/templates/t.yaml"): GoMap {
  const files: ChartFiles = new Map([
    ["Chart.yaml", "apiVersion: v2\nname: chart\nversion: 0.1.0\n"],
    ["values.yaml", valuesYaml],
  ]);
  const out = new Map<string, Renderable>();
  files.set(`templates/${templateName.split("/").pop()}`, "");
  collect(files, "", "", coalesce(null, readValues(valuesYaml)), defaultRelease(), out);
  const d = new GoMap(out.get(templateName)!.data, "common.Values");
  d.set(
    "Template",
    new GoMap(
      [
        ["Name", templateName],
        ["BasePath", "chart/templates"],
      ],
      "common.Values",
    ),
  );
  return d;
}

function defaultRelease(): GoMap {
  return new GoMap([
    ["Name", "rel"],
    ["Namespace", "ns"],
    ["IsInstall", true],
    ["IsUpgrade", false],
    ["Revision", new GoInt("int", 1)],
    ["Service", "Helm"],
  ]);
}

export function renderSimpleChart(chart: string | ChartFiles): string {
  return renderChart(typeof chart === "string" ? readChartDir(chart) : chart);
}

/**
 * The raw text one template file produces in a chart with these values (before Helm's
 * `<no value>` removal), or "Error: …" as Helm words it.
 */
export function renderTemplate(template: string, valuesYaml: string): string {
  return renderChart(
    new Map([
      ["Chart.yaml", "apiVersion: v2\nname: chart\nversion: 0.1.0\n"],
      ["values.yaml", valuesYaml],
      ["templates/_case.tpl", template],
    ]),
    "chart/templates/_case.tpl",
  );
}

function renderChart(files: ChartFiles, only?: string): string {
  const release = defaultRelease();
  const sources = new Map<string, Renderable>();
  collect(files, "", "", coalesce(null, readValues(files.get("values.yaml"))), release, sources);
  const engine = new MiniEngine();
  const order = helmParseOrder([...sources.keys()]);
  try {
    for (const f of order) engine.set.parse(f, sources.get(f)!.text);
  } catch (e) {
    if (e instanceof TemplateError) return `Error: ${helmErrorText("", e)}`;
    throw e;
  }
  const rendered = new Map<string, string>();
  for (const f of order) {
    if (only !== undefined ? f !== only : path.basename(f).startsWith("_") || f.endsWith("NOTES.txt"))
      continue;
    const src = sources.get(f)!;
    const d = new GoMap(src.data, "common.Values");
    d.set(
      "Template",
      new GoMap(
        [
          ["Name", f],
          ["BasePath", src.basePath],
        ],
        "common.Values",
      ),
    );
    try {
      const text = engine.set.execute(f, d, engine.ctx);
      if (only !== undefined) return text;
      rendered.set(f, text.replaceAll("<no value>", ""));
    } catch (e) {
      if (e instanceof TemplateError) return `Error: ${helmErrorText(f, e)}`;
      throw e;
    }
  }
  // Documents in file order, then stably by kind (these cases use only kinds unknown to
  // Helm's install order, which sort by name).
  const docs: Array<{ kind: string; text: string }> = [];
  for (const f of [...rendered.keys()].sort()) {
    const text = rendered.get(f)!.trim();
    for (const doc of text.split(/(?:^|\s*\n)---\s*/)) {
      const d = doc.trim();
      if (d === "") continue;
      docs.push({ kind: /^kind: *(\S+)/m.exec(d)?.[1] ?? "", text: `---\n# Source: ${f}\n${d}\n` });
    }
  }
  docs.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  const out = docs.map((d) => d.text).join("");
  return out === "" ? "\n" : out;
}
