/** sprig v3.3.0's reflect.go: typeOf (`%T`), typeIs, typeIsLike, kindOf, kindIs, and deepEqual. */
import { type GoValue, goKindName, goTypeName } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { deepEqual } from "./go/reflect.js";

export const reflectFuncs: FuncTable = {
  typeOf: goFunc("func(src interface {}) string", (src: GoValue) => goTypeName(src)),
  typeIs: goFunc(
    "func(target string, src interface {}) bool",
    (t: string, src: GoValue) => t === goTypeName(src),
  ),
  typeIsLike: goFunc("func(target string, src interface {}) bool", (t: string, src: GoValue) => {
    const actual = goTypeName(src);
    return t === actual || `*${t}` === actual;
  }),
  kindOf: goFunc("func(src interface {}) string", (src: GoValue) => goKindName(src)),
  kindIs: goFunc(
    "func(target string, src interface {}) bool",
    (t: string, src: GoValue) => t === goKindName(src),
  ),
  deepEqual: goFunc("func(x, y interface {}) bool", (x: GoValue, y: GoValue) => deepEqual(x, y)),
};
