/**
 * The function table a render uses by default. Until src/helm/funcs lands this holds only
 * Helm's `include` and `tpl` (text/template's builtins are always there); the engine binds them.
 */
import type { FuncMapBuilder } from "./engine.js";
import type { GoFunc } from "./funcs/types.js";

const unbound = (): never => {
  throw new Error("include/tpl called outside a render");
};

export const defaultFuncs: FuncMapBuilder = (bind) =>
  new Map<string, GoFunc>([
    ["include", { params: ["string", "interface {}"], result: "string", fn: bind.include ?? unbound }],
    ["tpl", { params: ["string", "interface {}"], result: "string", fn: bind.tpl ?? unbound }],
  ]);
