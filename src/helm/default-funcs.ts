/**
 * The function table a render uses by default: everything Helm 4.1.4 registers
 * (src/helm/funcs), with `include` and `tpl` bound by the engine per render.
 */
import type { FuncMapBuilder } from "./engine.js";
import { buildFuncMap } from "./funcs/index.js";

export const defaultFuncs: FuncMapBuilder = (bind) => buildFuncMap(bind);
