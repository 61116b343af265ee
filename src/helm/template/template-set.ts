/**
 * A set of associated templates, as Go's *template.Template with its common namespace
 * (text/template/template.go): parse files into it, look templates up by name, execute.
 *
 * Reproduced from Go: a later parse replaces a template of the same name unless the new
 * body is empty (only spaces and comments), so a file of {{define}}s never blanks out
 * another template; `Template` handles run exactly the body they were parsed from (Go's
 * t.Execute, which `tpl` relies on); `clone()` copies the namespace and functions so
 * later parses into the clone do not affect the original (Go's Clone).
 *
 * Speed: parsed trees are cached by (name, delimiters, text) across sets, so a chart's
 * files and repeated `tpl` strings are parsed once per process. A clone shares its
 * parent's table through a frozen layer instead of copying it, which keeps `tpl` (a clone
 * per call) cheap.
 */
import type { CallContext, FuncMap, GoFunc } from "../funcs/types.js";
import { BUILTINS } from "./builtins.js";
import { TemplateError } from "./errors.js";
import { type ExecEnv, executeTree, type MissingKey } from "./exec.js";
import { isEmptyTree, type Tree } from "./node.js";
import { parseText } from "./parse.js";
import { quote } from "./quote.js";
import type { GoValue } from "./value.js";

export interface Delims {
  left?: string;
  right?: string;
}

/** A parsed template body: what `parse` returns and `execute` accepts (Go's *Template). */
export interface Template {
  readonly name: string;
  readonly tree: Tree;
}

export interface TemplateSetOptions {
  /** Go's missingkey option; Helm uses "zero" (and "error" with --strict). Default "default". */
  missingKey?: MissingKey;
  /** The set's own name (Go's root template name; Helm's is "gotpl"), used in lookup errors. */
  name?: string;
}

/** One level of the template table; frozen once a clone shares it. */
class Layer {
  readonly map = new Map<string, Tree>();
  frozen = false;
  constructor(readonly parent: Layer | null) {}
}

interface CachedParse {
  trees: Map<string, Tree>;
  /** Function names the text uses, all of which must exist for the cached parse to hold. */
  functions: string[];
}

const PARSE_CACHE_LIMIT = 20000;

/**
 * Parses by text, then by (name, delimiters, break keywords). The text is the outer key on its
 * own: a key that concatenated it with the rest was a new string at every lookup, which V8
 * copied flat and hashed whole (kube-prometheus-stack's 1.6 MB of templates at every release),
 * while a text string keeps its hash once computed. Bounded by the number of parses held; the
 * oldest text goes first.
 */
const parseCache = new Map<string, Map<string, CachedParse>>();
let parseCacheSize = 0;

/** Empties the process-wide parse cache (tests that must see a persisted parse decoded). */
export function forgetParses(): void {
  parseCache.clear();
  parseCacheSize = 0;
}

function variantKey(name: string, left: string, right: string, breakOK: boolean): string {
  return `${name}\u0000${left}\u0000${right}\u0000${breakOK ? 1 : 0}`;
}

function cachedParse(text: string, variant: string): CachedParse | undefined {
  return parseCache.get(text)?.get(variant);
}

function rememberParse(text: string, variant: string, parsed: CachedParse): void {
  let byVariant = parseCache.get(text);
  if (byVariant === undefined) {
    while (parseCacheSize >= PARSE_CACHE_LIMIT && parseCache.size > 0) {
      const [oldest, evicted] = parseCache.entries().next().value as [string, Map<string, CachedParse>];
      parseCache.delete(oldest);
      parseCacheSize -= evicted.size;
    }
    byVariant = new Map();
    parseCache.set(text, byVariant);
  }
  if (!byVariant.has(variant)) parseCacheSize++;
  byVariant.set(variant, parsed);
}

export class TemplateSet implements ExecEnv {
  private layer: Layer = new Layer(null);
  private funcs: FuncMap;
  private overrides: Map<string, GoFunc> | null = null;
  private resolved = new Map<string, { fn: GoFunc; builtin: boolean } | undefined>();
  readonly missingKey: MissingKey;
  readonly name: string;

  constructor(funcs: FuncMap, opts: TemplateSetOptions = {}) {
    this.funcs = funcs;
    this.missingKey = opts.missingKey ?? "default";
    this.name = opts.name ?? "";
  }

  // ---- functions ----

  /** Go's Funcs: adds or replaces functions in this set (not in sets it was cloned from). */
  addFuncs(funcs: FuncMap | Record<string, GoFunc>): void {
    this.resolved = new Map();
    const entries = funcs instanceof Map ? funcs.entries() : Object.entries(funcs);
    this.overrides = new Map(this.overrides ?? []);
    for (const [name, fn] of entries) this.overrides.set(name, fn as GoFunc);
  }

  lookupFunction(name: string): { fn: GoFunc; builtin: boolean } | undefined {
    // Looked up at every call of a function: the answers are kept until the functions change.
    let found = this.resolved.get(name);
    if (found === undefined && !this.resolved.has(name)) {
      const fn = this.overrides?.get(name) ?? this.funcs.get(name);
      const b = fn === undefined ? BUILTINS.get(name) : undefined;
      found =
        fn !== undefined ? { fn, builtin: false } : b !== undefined ? { fn: b, builtin: true } : undefined;
      this.resolved.set(name, found);
    }
    return found;
  }

  hasFunction = (name: string): boolean =>
    this.overrides?.has(name) === true || this.funcs.has(name) || BUILTINS.has(name);

  // ---- templates ----

  lookupTemplate(name: string): Tree | undefined {
    for (let l: Layer | null = this.layer; l !== null; l = l.parent) {
      const t = l.map.get(name);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  /** Is a template of this name defined (Go's Lookup != nil)? */
  has(name: string): boolean {
    return this.lookupTemplate(name) !== undefined;
  }

  /** Names of all templates in the set, sorted. */
  definedNames(): string[] {
    const names = new Set<string>();
    for (let l: Layer | null = this.layer; l !== null; l = l.parent)
      for (const k of l.map.keys()) names.add(k);
    return [...names].sort();
  }

  private install(name: string, tree: Tree): void {
    if (this.layer.frozen) this.layer = new Layer(this.layer);
    this.layer.map.set(name, tree);
  }

  /**
   * Go's t.New(name).Parse(text): parses the text, adds its {{define}}s and its body to the
   * set (AddParseTree rules) and returns the body's handle. Throws TemplateError.
   */
  parse(name: string, text: string, delims: Delims = {}): Template {
    const trees = this.parseTrees(name, text, delims.left || "{{", delims.right || "}}");
    let main: Tree | undefined;
    for (const [treeName, tree] of trees) {
      if (treeName === name) main = tree;
      // Go's associate: an empty body never replaces an existing definition.
      const old = this.lookupTemplate(treeName);
      if (old !== undefined && isEmptyTree(tree.root)) continue;
      this.install(treeName, tree);
    }
    return { name, tree: main! };
  }

  private parseTrees(name: string, text: string, left: string, right: string): Map<string, Tree> {
    const variant = variantKey(name, left, right, this.breakOK());
    const cached = cachedParse(text, variant);
    if (cached?.functions.every(this.hasFunction)) return cached.trees;
    const used = new Set<string>();
    const trees = parseText(name, text, {
      leftDelim: left,
      rightDelim: right,
      hasFunction: (fn) => {
        used.add(fn);
        return this.hasFunction(fn);
      },
    });
    // The cached trees are shared; they are never mutated after parsing.
    rememberParse(text, variant, {
      trees,
      functions: [...used].filter((f) => f !== "break" && f !== "continue"),
    });
    return trees;
  }

  /**
   * The trees a text parsed into this set (or into any set with the same functions) gave and the
   * function names it used, while the process-wide parse cache holds them; for persisting a parse.
   */
  parsedText(
    name: string,
    text: string,
    delims: Delims = {},
  ): { trees: Map<string, Tree>; functions: string[] } | undefined {
    return cachedParse(text, variantKey(name, delims.left || "{{", delims.right || "}}", this.breakOK()));
  }

  /**
   * Records `trees` as the parse of `text` (decoded from a persisted parse), so the next
   * `parse` of that text takes them. `functions` are the names the text uses: as for any cached
   * parse, the trees are taken only while this set has all of them (else the text is parsed and
   * fails as it should).
   */
  primeParse(
    name: string,
    text: string,
    parsed: { trees: Map<string, Tree>; functions: string[] },
    delims: Delims = {},
  ): void {
    const variant = variantKey(name, delims.left || "{{", delims.right || "}}", this.breakOK());
    if (cachedParse(text, variant) !== undefined) return;
    rememberParse(text, variant, parsed);
  }

  /** `break` and `continue` are keywords unless the set defines functions of those names. */
  breakOK(): boolean {
    return !this.hasFunction("break") && !this.hasFunction("continue");
  }

  /**
   * Executes a template: by name, Go's ExecuteTemplate (the set's current definition); by
   * handle, Go's t.Execute (exactly that body). Returns the output; throws TemplateError.
   */
  execute(template: string | Template, data: GoValue, ctx: CallContext): string {
    if (typeof template === "string") {
      const tree = this.lookupTemplate(template);
      if (tree === undefined) {
        const detail = `no template ${quote(template)} associated with template ${quote(this.name)}`;
        throw new TemplateError("exec", `template: ${detail}`, { template, executing: template, detail });
      }
      return executeTree(this, template, tree, data, ctx);
    }
    return executeTree(this, template.name, template.tree, data, ctx);
  }

  /** Go's Clone: same functions and options, its own namespace from now on. */
  clone(): TemplateSet {
    const c = new TemplateSet(this.funcs, { missingKey: this.missingKey, name: this.name });
    c.overrides = this.overrides;
    this.layer.frozen = true;
    c.layer = new Layer(this.layer);
    return c;
  }
}
