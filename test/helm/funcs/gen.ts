/** Seeded generators of template-function arguments, by Go parameter type. */
import { Rng } from "../../support/random.js";
import { bool, call, type Expr, float, int, nil, str } from "./harness.js";

export const STRINGS = [
  "",
  " ",
  "a",
  "hello world",
  "  padded\t\n",
  "HTTPServer",
  "XMLHttpRequest2",
  "foo_bar-baz qux",
  "already_snake_case",
  "Bld4Floor3rd",
  "http2xx",
  "ünïcode straße",
  "İstanbul ǆemal",
  "日本語テキスト",
  "emoji 🎉 party",
  "line1\nline2\nline3",
  "a,b,,c",
  "42",
  "-7",
  "3.0",
  "2.50",
  "0x1F",
  "0o17",
  "017",
  "1e3",
  "1_000",
  "true",
  "null",
  "tab\tsep",
  'quote"back\\slash',
  "ſ ß ﬀ Σσς",
  "\u00a0nbsp\u2003em",
  "snake_Case_With_Caps",
  "--dashes--",
  "The quick brown fox jumps over the lazy dog",
];

export class Gen {
  readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  pick<T>(xs: readonly T[]): T {
    return this.rng.pick(xs);
  }
  string(): Expr {
    if (this.rng.chance(0.15)) {
      const parts = Array.from({ length: 1 + this.rng.int(3) }, () => this.pick(STRINGS));
      return str(parts.join(this.pick([" ", "", "-", "_", "\n"])));
    }
    return str(this.pick(STRINGS));
  }
  smallInt(): Expr {
    return int(this.pick([0, 1, 2, 3, 4, 5, 7, 10, -1, -2, -5, 20, 100]));
  }
  int(): Expr {
    if (this.rng.chance(0.1))
      return int(this.pick([2147483647n, -2147483648n, 9223372036854775807n, -9223372036854775808n]));
    return this.smallInt();
  }
  float(): Expr {
    return float(this.pick([0.5, 1.5, 2.0, -3.25, 1e6, 1e21, 0.1, 2.675, 1234.5678, -0.0001]));
  }
  scalar(): Expr {
    switch (this.rng.int(8)) {
      case 0:
      case 1:
        return this.string();
      case 2:
        return this.int();
      case 3:
        return this.float();
      case 4:
        return bool(this.rng.bool());
      case 5:
        return nil;
      case 6:
        return this.rng.chance(0.25)
          ? call("atoi", str(this.pick(["12", "-3", "x", "0x10"])))
          : call(this.pick(["int64", "float64", "toString"]), this.pick([int(3), str("12"), float(2.5)]));
      default:
        return this.string();
    }
  }
  list(depth = 0): Expr {
    const n = this.rng.int(5);
    return call("list", ...Array.from({ length: n }, () => this.any(depth + 1)));
  }
  dict(depth = 0): Expr {
    const n = this.rng.int(4);
    const args: Expr[] = [];
    for (let i = 0; i < n; i++)
      args.push(str(this.pick(["a", "b", "c", "key", "x-y", "Z", ""])), this.any(depth + 1));
    return call("dict", ...args);
  }
  any(depth = 0): Expr {
    if (depth < 2 && this.rng.chance(0.25)) return this.rng.bool() ? this.list(depth) : this.dict(depth);
    return this.scalar();
  }
  /** A value for a Go parameter type. */
  of(type: string): Expr {
    switch (type) {
      case "string":
        return this.string();
      case "int":
      case "int64":
        return this.smallInt();
      case "float64":
        return this.float();
      case "bool":
        return bool(this.rng.bool());
      case "[]interface {}":
        return this.list();
      case "map[string]interface {}":
        return this.dict();
      case "uint32":
        return int(this.rng.int(5));
      case "time.Time":
        return call(
          "toDate",
          str(this.pick(["2006-01-02", "2006-01-02T15:04:05Z07:00"])),
          str(this.pick(["2024-02-29", "1999-12-31T23:59:59+05:30", "2024-03-05T01:02:03Z", "bad"])),
        );
      default:
        return this.any();
    }
  }
}
