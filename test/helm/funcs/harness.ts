/**
 * Differential testing of template functions against the Helm oracle: a call is a small
 * expression tree printed as template text (`(repeat 3 "ab")`), rendered by Helm and by our
 * template engine (src/helm/template) with our function map.
 *
 * Many calls go into ONE chart (one template file per batch, one line per call); a call
 * whose result differs, or that makes Helm fail, is reported with its template text.
 */

import type { CallContext } from "../../../src/helm/funcs/types.js";
import { quote, type TemplateSet, utf8Decode } from "../../../src/helm/template/index.js";
import { helmTemplate, helmTemplateAsync } from "../../support/helm-oracle.js";
import { mapLimit } from "../../support/kubectl.js";

export type Expr =
  | { kind: "str"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "float"; value: number; text: string }
  | { kind: "bool"; value: boolean }
  | { kind: "nil" }
  | { kind: "call"; name: string; args: Expr[] };

export const str = (value: string): Expr => ({ kind: "str", value });
export const int = (value: number | bigint): Expr => ({ kind: "int", value: BigInt(value) });
export const float = (value: number, text?: string): Expr => ({
  kind: "float",
  value,
  text: text ?? floatText(value),
});
export const bool = (value: boolean): Expr => ({ kind: "bool", value });
export const nil: Expr = { kind: "nil" };
export const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });

function floatText(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Template text of an expression (a call is parenthesised). */
export function toTemplate(e: Expr): string {
  switch (e.kind) {
    case "str":
      return quote(e.value);
    case "int":
      return e.value.toString();
    case "float":
      return e.text;
    case "bool":
      return String(e.value);
    case "nil":
      return "nil";
    case "call":
      return e.args.length === 0 ? `(${e.name})` : `(${e.name} ${e.args.map(toTemplate).join(" ")})`;
  }
}

export interface Outcome {
  /** What `print` shows, or the error message. */
  text: string;
  type: string;
  error: boolean;
}

/** Runs `print EXPR` and `typeOf EXPR` through our template engine. */
export function run(e: Expr, set: TemplateSet, ctx: CallContext): Outcome {
  const x = toTemplate(e);
  try {
    set.parse("t", `{{ print ${x} }}`);
    const text = set.execute("t", null, ctx);
    set.parse("t", `{{ typeOf ${x} }}`);
    const type = set.execute("t", null, ctx);
    return { text, type, error: false };
  } catch (err) {
    return { text: ourError((err as Error).message), type: "", error: true };
  }
}

export interface Mismatch {
  template: string;
  ours: string;
  helm: string;
}

const b64 = (s: string): string => Buffer.from(s, "base64").toString("latin1");
const bytesToGo = (latin1: string): string => utf8Decode(Uint8Array.from(latin1, (c) => c.charCodeAt(0)));

/**
 * Renders every expression with Helm in one chart (lines `# i <b64 of print> <typeOf>`), and
 * compares with ours. Expressions that fail in Helm are dropped and the batch re-rendered
 * (each failure is a mismatch unless ours fails too with the same message).
 */
export async function compareWithHelm(
  exprs: Expr[],
  set: TemplateSet,
  ctx: CallContext,
  errorsPerFunction = 3,
): Promise<{ checked: number; failing: number; mismatches: Mismatch[] }> {
  const mismatches: Mismatch[] = [];
  let live = exprs.map((e, i) => ({ i, e, ours: run(e, set, ctx) }));
  // Calls that fail for us would stop Helm's batch: a sample per function is checked one
  // chart each, several charts at a time.
  const perName = new Map<string, number>();
  const failing = live.filter((x) => {
    if (!x.ours.error) return false;
    const name = x.e.kind === "call" ? x.e.name : "";
    perName.set(name, (perName.get(name) ?? 0) + 1);
    return perName.get(name)! <= errorsPerFunction;
  });
  live = live.filter((x) => !x.ours.error);
  await mapLimit(failing, 4, async (x) => {
    const r = await helmTemplateAsync({ "templates/t.yaml": `# {{ print ${toTemplate(x.e)} }}\n` });
    const helmMsg = r.ok ? "no error" : callError(r.error);
    if (helmMsg !== x.ours.text) {
      mismatches.push({
        template: toTemplate(x.e),
        ours: `error: ${x.ours.text}`,
        helm: r.ok ? r.stdout : helmMsg,
      });
    }
  });
  for (let attempt = 0; attempt < 40 && live.length > 0; attempt++) {
    const lines = live.map(
      (x, k) => `# ${k} {{ print ${toTemplate(x.e)} | b64enc }} {{ typeOf ${toTemplate(x.e)} }}`,
    );
    const r = helmTemplate({ "templates/t.yaml": `${lines.join("\n")}\n` });
    if (!r.ok) {
      const m = /t\.yaml:(\d+):/.exec(r.error);
      const line = m ? Number(m[1]) - 1 : -1;
      if (line < 0 || line >= live.length) {
        mismatches.push({ template: "(batch)", ours: "", helm: r.error });
        break;
      }
      const x = live[line]!;
      mismatches.push({ template: toTemplate(x.e), ours: x.ours.text, helm: `error: ${callError(r.error)}` });
      live.splice(line, 1);
      continue;
    }
    const got = new Map<number, [string, string]>();
    for (const l of r.stdout.split("\n")) {
      const m = /^# (\d+) (\S*) (.*)$/.exec(l);
      if (m) got.set(Number(m[1]), [bytesToGo(b64(m[2]!)), m[3]!]);
    }
    live.forEach((x, k) => {
      const [text, type] = got.get(k) ?? ["<missing>", ""];
      if (text !== x.ours.text || type !== x.ours.type) {
        mismatches.push({
          template: toTemplate(x.e),
          ours: `${x.ours.text} (${x.ours.type})`,
          helm: `${text} (${type})`,
        });
      }
    });
    break;
  }
  return { checked: exprs.length, failing: failing.length, mismatches };
}

/** The cause in Helm's (reformatted) error: after `error calling NAME: `, else its last line. */
export function callError(error: string): string {
  const m = /error calling [^:]+: (.*)$/m.exec(error);
  if (m) return m[1]!;
  const lines = error
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("Use --debug"));
  return lines[lines.length - 1] ?? error;
}

/** The same part of Go's raw text/template error. */
export function ourError(message: string): string {
  const m = /error calling [^:]+: (.*)$/m.exec(message);
  if (m) return m[1]!;
  const at = message.lastIndexOf(">: ");
  return at >= 0 ? message.slice(at + 3) : message;
}
