/**
 * Seeded random templates and values for the differential test against Helm: pipelines,
 * if/else-if/with/range (with variables, else, break/continue), variables declared and
 * reassigned, printf with random verbs/flags/widths, comparisons, and/or/not, index/len,
 * the escapers, defines called with {{template}}, trim markers and comments. Operands are
 * mostly chosen by type so that most templates render, but type errors stay possible.
 */
import type { Rng } from "../../support/random.js";

type Kind = "int" | "float" | "string" | "bool" | "list" | "map" | "any";

interface ValuePath {
  path: string;
  kind: Kind;
}

/** Values as YAML (JSON syntax), and the paths templates may read. */
export function generateValues(rng: Rng): { yaml: string; paths: ValuePath[] } {
  const paths: ValuePath[] = [];
  const scalar = (): [unknown, Kind] => {
    switch (rng.int(7)) {
      case 0:
        return [rng.pick([0, 1, 3, 42, -7, 1000000, 12345678, 65]), "float"];
      case 1:
        return [rng.pick([1.5, 0.1, -2.25, 1e21, 0.000012]), "float"];
      case 2:
        return [rng.pick(["hello", "", "0", "a b", "é", "<x>&'y'", "50%", "false", "x\ty"]), "string"];
      case 3:
        return [rng.bool(), "bool"];
      case 4:
        return [null, "any"];
      case 5:
        return [rng.pick(["web", "db", "z"]), "string"];
      default:
        return [rng.int(5), "float"];
    }
  };
  const build = (prefix: string, depth: number): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    const n = 2 + rng.int(4);
    for (let i = 0; i < n; i++) {
      const key =
        rng.pick(["name", "port", "items", "conf", "tag", "mode", "list", "opts", "count", "label"]) + i;
      const path = `${prefix}.${key}`;
      const r = rng.int(10);
      if (r < 6 || depth > 1) {
        const [v, kind] = scalar();
        obj[key] = v;
        paths.push({ path, kind });
      } else if (r < 8) {
        const list = Array.from({ length: rng.int(4) }, () => scalar()[0]);
        obj[key] = list;
        paths.push({ path, kind: "list" });
      } else {
        obj[key] = build(path, depth + 1);
        paths.push({ path, kind: "map" });
      }
    }
    return obj;
  };
  const values = build(".Values", 0);
  paths.push({ path: ".Values.missing", kind: "any" }, { path: ".Values.absent.deeper", kind: "any" });
  return { yaml: `${JSON.stringify(values, null, 1)}\n`, paths };
}

const TEXTS = ["a", " ", "\n", "-", "x y", "é", "\t", "  \n  ", "k: v\n", "[", "]", "\r\n", " \r\n\t"];
const STRINGS = ['"s"', '""', "`raw\\t`", '"é"', '"a b"', '"%d"', '"<b>"', '"tab\\t"', '"0"'];
const INTS = ["0", "1", "3", "-2", "0x1F", "'a'", "1_000", "0o17", "0b101", "07"];
const FLOATS = ["1.5", "2.0", "1e3", "-0.5", "0.1", "1e-7", "123456789.0"];
const VERBS = ["v", "d", "s", "q", "x", "X", "f", "e", "g", "t", "T", "c", "o", "b", "U", "+v", "#v", "%"];

export class TemplateGenerator {
  private vars: string[][] = [["$"]];
  private varCount = 0;
  private defines: string[] = [];
  /** Defines whose body is complete: the only ones a body may call (no runaway recursion). */
  private callable: string[] = [];
  private defineBodies: string[] = [];
  private inRange = 0;
  /** Inside with/range/define, dot is not the root: read values through $. */
  private dotMoved = 0;
  /** Inside a define, $ is the argument, not the root: no value paths. */
  private inDefine = 0;

  constructor(
    private readonly rng: Rng,
    private readonly paths: ValuePath[],
    private readonly id: string,
  ) {}

  /** One template file: defines first, then a body of random items. */
  template(): string {
    const body = this.items(2 + this.rng.int(6), 0);
    return this.defineBodies.join("") + body;
  }

  private visibleVars(): string[] {
    return this.vars.flat().filter((v) => v !== "$");
  }

  private items(n: number, depth: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += this.item(depth);
    return out;
  }

  private open(): string {
    return this.rng.chance(0.2) ? "{{- " : "{{ ";
  }

  private close(): string {
    return this.rng.chance(0.2) ? " -}}" : " }}";
  }

  private item(depth: number): string {
    const r = this.rng.int(depth > 2 ? 4 : 14);
    switch (r) {
      case 0:
      case 1:
        return this.rng.pick(TEXTS);
      case 2:
      case 3:
        return `${this.open()}${this.pipeline()}${this.close()}`;
      case 4:
        return `${this.open()}${this.printf()}${this.close()}`;
      case 5:
        return this.ifItem(depth);
      case 6:
        return this.withItem(depth);
      case 7:
        return this.rangeItem(depth);
      case 8: {
        const name = `$v${this.varCount++}`;
        const decl = `${this.open()}${name} := ${this.pipeline()}${this.close()}`;
        this.vars[this.vars.length - 1]!.push(name);
        return decl;
      }
      case 9: {
        const vars = this.visibleVars();
        if (vars.length === 0) return this.rng.pick(TEXTS);
        return `${this.open()}${this.rng.pick(vars)} = ${this.pipeline()}${this.close()}`;
      }
      case 10:
        return this.rng.chance(0.25) && this.inDefine === 0 ? this.blockItem() : this.templateCall();
      case 11:
        if (this.inRange > 0 && this.rng.chance(0.5))
          return `{{ if ${this.boolExpr()} }}{{ ${this.rng.pick(["break", "continue"])} }}{{ end }}`;
        return `{{/* ${this.rng.pick(["c", "note", "x y"])} */}}`;
      case 12:
        return `${this.open()}${this.compare()}${this.close()}`;
      default:
        return `${this.open()}${this.rng.pick(["html", "js", "urlquery", "print", "println"])} ${this.operand("any")} ${this.operand("any")}${this.close()}`;
    }
  }

  private block(depth: number, fn: () => string): string {
    this.vars.push([]);
    try {
      return fn() + this.items(1 + this.rng.int(3), depth + 1);
    } finally {
      this.vars.pop();
    }
  }

  private elsePart(depth: number): string {
    return this.rng.chance(0.4) ? `{{ else }}${this.block(depth, () => "")}` : "";
  }

  private ifItem(depth: number): string {
    let s = `{{ if ${this.condition()} }}${this.block(depth, () => "")}`;
    while (this.rng.chance(0.3)) s += `{{ else if ${this.condition()} }}${this.block(depth, () => "")}`;
    return `${s}${this.elsePart(depth)}{{ end }}`;
  }

  private withItem(depth: number): string {
    const decl = this.rng.chance(0.3) ? `$w${this.varCount++} := ` : "";
    let head = `{{ with ${decl}${this.operand("any")} }}`;
    this.dotMoved++;
    head += this.block(depth, () => {
      if (decl) this.vars[this.vars.length - 1]!.push(decl.slice(0, -4));
      return this.rng.chance(0.6) ? "[{{ . }}]" : "";
    });
    this.dotMoved--;
    if (this.rng.chance(0.25)) {
      const alt = this.operand("any");
      this.dotMoved++;
      head += `{{ else with ${alt} }}${this.block(depth, () => "{{ . }}")}`;
      this.dotMoved--;
    }
    return `${head}${this.elsePart(depth)}{{ end }}`;
  }

  private rangeItem(depth: number): string {
    const over =
      this.rng.chance(0.2) || this.inDefine > 0
        ? this.rng.pick(["3", "0", "1"])
        : this.rng.chance(0.2)
          ? "$.Values"
          : this.valuePath(["list", "map"]);
    const two = this.rng.chance(0.5) && !/^\d$/.test(over);
    const a = `$i${this.varCount++}`;
    const b = `$e${this.varCount++}`;
    const decl = two ? `${a}, ${b} := ` : this.rng.chance(0.3) ? `${b} := ` : "";
    this.inRange++;
    this.dotMoved++;
    try {
      const body = this.block(depth, () => {
        if (decl) this.vars[this.vars.length - 1]!.push(...(two ? [a, b] : [b]));
        return this.rng.chance(0.7) ? "<{{ . }}>" : "";
      });
      this.inRange--;
      this.dotMoved--;
      const alt = this.rng.chance(0.3) ? `{{ else }}${this.block(depth, () => "none")}` : "";
      this.dotMoved++;
      this.inRange++;
      return `{{ range ${decl}${over} }}${body}${alt}{{ end }}`;
    } finally {
      this.inRange--;
      this.dotMoved--;
    }
  }

  /** {{block "name" pipeline}}body{{end}}: defines the template and calls it in place. */
  private blockItem(): string {
    const name = `b${this.id}_${this.defines.length}`;
    this.defines.push(name);
    const arg = this.operand("any");
    const saved = this.vars;
    const savedRange = this.inRange;
    this.vars = [["$"]];
    this.inRange = 0;
    this.dotMoved++;
    this.inDefine++;
    const body = this.items(1 + this.rng.int(2), 2);
    this.inDefine--;
    this.dotMoved--;
    this.vars = saved;
    this.inRange = savedRange;
    this.callable.push(name);
    return `{{ block "${name}" ${arg} }}${body}{{ end }}`;
  }

  private templateCall(): string {
    if (this.defines.length < 2 && this.inDefine === 0 && this.rng.chance(0.7)) {
      const name = `d${this.id}_${this.defines.length}`;
      this.defines.push(name);
      const saved = this.vars;
      const savedRange = this.inRange;
      this.vars = [["$"]];
      this.inRange = 0;
      this.dotMoved++;
      this.inDefine++;
      const body = this.items(1 + this.rng.int(3), 2);
      this.inDefine--;
      this.dotMoved--;
      this.vars = saved;
      this.inRange = savedRange;
      this.defineBodies.push(`{{- define "${name}" }}${body}{{ end -}}\n`);
      this.callable.push(name);
    }
    if (this.callable.length === 0) return "";
    const name = this.rng.pick(this.callable);
    return `{{ template "${name}"${this.rng.chance(0.7) ? ` ${this.operand("any")}` : ""} }}`;
  }

  private valuePath(kinds: Kind[]): string {
    if (this.inDefine > 0) return this.rng.pick(this.rng.chance(0.5) ? STRINGS : INTS);
    const ok = this.paths.filter(
      (p) => kinds.includes(p.kind) && (!p.path.includes("absent") || this.rng.chance(0.1)),
    );
    const root = this.dotMoved > 0 || this.rng.chance(0.2) ? "$" : "";
    if (ok.length === 0) {
      // No value of that kind: the values map itself is a map (and ranges like a list).
      if (kinds.includes("map") || kinds.includes("list")) return `${root || "$"}.Values`;
      return this.rng.pick(
        kinds.includes("string") ? STRINGS : kinds.includes("bool") ? ["true", "false"] : FLOATS,
      );
    }
    return `${root}${this.rng.pick(ok).path}`;
  }

  operand(kind: Kind): string {
    const r = this.rng.int(10);
    switch (kind) {
      case "int":
        return r < 6
          ? this.rng.pick(INTS)
          : `(len ${this.operand(this.rng.pick(["string", "list", "map"]))})`;
      case "float":
        return r < 5 ? this.rng.pick(FLOATS) : this.valuePath(["float"]);
      case "string":
        return r < 5
          ? this.rng.pick(STRINGS)
          : r < 8
            ? this.valuePath(["string"])
            : `(print ${this.operand("any")})`;
      case "bool":
        return r < 4
          ? this.rng.pick(["true", "false"])
          : r < 7
            ? this.valuePath(["bool"])
            : `(${this.compare()})`;
      case "list":
        return this.valuePath(["list"]);
      case "map":
        return this.valuePath(["map"]);
      default: {
        if (r < 3) return this.valuePath(["float", "string", "bool", "list", "map", "any"]);
        // Printing the root data would print Helm's .Capabilities, which the stand-in lacks.
        if (r < 4) return this.dotMoved > 0 ? "." : ".Values";
        const vars = this.visibleVars();
        if (r < 6 && vars.length > 0) return this.rng.pick(vars);
        if (r < 7) return this.rng.pick([...INTS, ...FLOATS, ...STRINGS]);
        if (r < 8)
          return `(index ${this.valuePath(["map"])} "${this.rng.pick(["name0", "port1", "missing"])}")`;
        if (r < 9) return `(${this.compare()})`;
        return this.operand(this.rng.pick(["int", "float", "string", "bool"]));
      }
    }
  }

  private condition(): string {
    return this.rng.chance(0.5) ? this.operand("any") : this.boolExpr();
  }

  private boolExpr(): string {
    switch (this.rng.int(4)) {
      case 0:
        return `not ${this.operand("any")}`;
      case 1:
        return `${this.rng.pick(["and", "or"])} ${this.operand("any")} ${this.operand("any")}`;
      default:
        return this.compare();
    }
  }

  private compare(): string {
    const kind = this.rng.pick<Kind>(["int", "float", "string", "bool", "any"]);
    const op =
      kind === "bool" || kind === "any"
        ? this.rng.pick(["eq", "ne"])
        : this.rng.pick(["eq", "ne", "lt", "le", "gt", "ge"]);
    const n = op === "eq" && this.rng.chance(0.3) ? 3 : 2;
    const args = Array.from({ length: n }, () =>
      this.operand(kind === "any" && this.rng.chance(0.2) ? "any" : kind === "any" ? "string" : kind),
    );
    return `${op} ${args.join(" ")}`;
  }

  private pipeline(): string {
    let s = this.rng.chance(0.5) ? this.operand("any") : this.printf();
    while (this.rng.chance(0.25))
      s += ` | ${this.rng.pick(['printf "%v-%v" "p"', "print", "html", "print | len", "not", "urlquery", 'printf "[%s]"'])}`;
    return s;
  }

  private printf(): string {
    const n = 1 + this.rng.int(3);
    let fmt = "";
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      const flags = this.rng.chance(0.3) ? this.rng.pick(["-", "0", "+", " ", "#"]) : "";
      const star = this.rng.chance(0.1);
      const width = star ? "*" : this.rng.chance(0.3) ? String(1 + this.rng.int(8)) : "";
      if (star) args.push(this.rng.pick(["3", "-4", "1.5", '(len "ab")']));
      const prec = this.rng.chance(0.25) ? `.${this.rng.int(4)}` : "";
      fmt += `${this.rng.pick(["", "x=", " ", ":"])}%${flags}${width}${prec}${this.rng.pick(VERBS)}`;
      args.push(this.operand(this.rng.pick<Kind>(["int", "float", "string", "bool", "any", "list", "map"])));
    }
    if (this.rng.chance(0.1)) args.push(this.operand("any")); // an extra operand
    if (this.rng.chance(0.1)) args.pop(); // a missing one
    return `printf ${JSON.stringify(fmt)} ${args.join(" ")}`.trimEnd();
  }
}
