/**
 * The template function map Helm 4.1.4 registers (pkg/engine/funcs.go and engine.go's
 * initFunMap): sprig v3.3.0's TxtFuncMap without `env`/`expandenv`, Helm's YAML/JSON/TOML
 * functions, `required`, `fail`, `lookup` (empty, as without a cluster), `getHostByName`
 * (empty, as without --enable-dns), and `include`/`tpl`, which the engine binds per render
 * (`buildFuncMap({ include, tpl })`).
 *
 * Non-hermetic functions (`hermetic: false`) take randomness from the CallContext's seeded
 * `random()` and time from its `now()`, so a render is reproducible from (seed, clock).
 */

import { conversionFuncs } from "./conversions.js";
import { cryptoFuncs } from "./crypto.js";
import { dataFuncs } from "./data.js";
import { dateFuncs } from "./dates.js";
import { defaultFuncs } from "./defaults.js";
import type { FuncTable } from "./define.js";
import { dictFuncs } from "./dicts.js";
import { encodingFuncs } from "./encoding.js";
import { floatFuncs } from "./floats.js";
import { helmFuncs } from "./helm.js";
import { listFuncs } from "./lists.js";
import { mathFuncs } from "./math.js";
import { pathFuncs } from "./paths.js";
import { pkiFuncs } from "./pki.js";
import { randomFuncs } from "./random.js";
import { reflectFuncs } from "./reflect.js";
import { regexFuncs } from "./regex.js";
import { semverFuncs } from "./semver.js";
import { stringFuncs } from "./strings.js";
import type { FuncMap, GoFunc } from "./types.js";
import { urlFuncs } from "./urls.js";

export { HelmUserError, WARN_END, WARN_START } from "./helm.js";
export type { CallContext, FuncMap, GoFunc } from "./types.js";
export { GoFuncError } from "./types.js";

const FAMILIES: FuncTable[] = [
  stringFuncs,
  encodingFuncs,
  listFuncs,
  dictFuncs,
  mathFuncs,
  floatFuncs,
  conversionFuncs,
  defaultFuncs,
  reflectFuncs,
  regexFuncs,
  semverFuncs,
  pathFuncs,
  randomFuncs,
  dataFuncs,
  dateFuncs,
  cryptoFuncs,
  pkiFuncs,
  urlFuncs,
  helmFuncs,
];

/** The engine's per-render functions: Helm binds these as closures over the template set. */
export interface RenderFuncs {
  include?: GoFunc["fn"];
  tpl?: GoFunc["fn"];
}

let base: Map<string, GoFunc> | undefined;

function baseMap(): Map<string, GoFunc> {
  if (!base) {
    base = new Map();
    for (const family of FAMILIES) for (const [name, f] of Object.entries(family)) base.set(name, f);
  }
  return base;
}

/**
 * Every function Helm registers, by name. `include` and `tpl` keep their declared Go
 * signatures; pass implementations to bind them (what Helm's initFunMap does per render).
 */
export function buildFuncMap(bind: RenderFuncs = {}): FuncMap {
  // Nothing to bind: the table itself (read-only to its users), not a copy of its ~250 entries
  // (the engine asks for one per release for the declarations of include and tpl).
  if (bind.include === undefined && bind.tpl === undefined) return baseMap();
  const m = new Map(baseMap());
  for (const name of ["include", "tpl"] as const) {
    const impl = bind[name];
    if (impl) m.set(name, { ...m.get(name)!, fn: impl });
  }
  return m;
}

/** Names of the functions whose result depends on randomness, the clock or the host. */
export function nonHermeticFunctions(): string[] {
  return [...baseMap()]
    .filter(([, f]) => f.hermetic === false)
    .map(([name]) => name)
    .sort();
}
