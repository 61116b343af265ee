/**
 * Helm 4.1.4's own functions (pkg/engine/funcs.go, engine.go initFunMap): `required` and
 * `fail` wrap their message in HELM_ERR_START…HELM_ERR_END (warnWrap) for the engine to
 * unwrap into "execution error at (…): msg"; `lookup` returns an empty map as without a
 * cluster; `getHostByName` returns "" as without --enable-dns; `include` and `tpl` are
 * placeholders with their signatures, bound per render by the engine layer (bindRenderFuncs).
 */
import { GoMap, type GoValue } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { GoFuncError } from "./types.js";

export const WARN_START = "HELM_ERR_START";
export const WARN_END = "HELM_ERR_END";

/** A `required`/`fail` failure: `message` is Helm's wrapped text, `userMessage` the bare one. */
export class HelmUserError extends GoFuncError {
  readonly userMessage: string;
  constructor(userMessage: string) {
    super(`${WARN_START}${userMessage}${WARN_END}`);
    this.name = "HelmUserError";
    this.userMessage = userMessage;
  }
}

function required(warn: string, val: GoValue): GoValue {
  if (val === null || val === undefined || val === "") throw new HelmUserError(warn);
  return val;
}

export const helmFuncs: FuncTable = {
  include: goFunc("func(name string, data interface {}) (string, error)", () => "not implemented"),
  tpl: goFunc("func(tpl string, vals interface {}) (string, error)", () => "not implemented"),
  required: goFunc("func(warn string, val interface {}) (interface {}, error)", (w: string, v: GoValue) =>
    required(w, v),
  ),
  fail: goFunc("func(msg string) (string, error)", (msg: string) => {
    throw new HelmUserError(msg);
  }),
  lookup: goFunc("func(string, string, string, string) (map[string]interface {}, error)", () => new GoMap()),
  getHostByName: goFunc("func(name string) string", () => "", { hermetic: false }),
};
