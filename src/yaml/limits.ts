/**
 * Limits for every YAML parse of repository content. Repository files come from pull requests,
 * so a small file must not hang or crash a run:
 * - nesting: the `yaml` package composes nodes recursively; collections nested a thousand
 *   levels deep exhaust the stack, and where that happens inside V8's regular-expression
 *   compiler the process aborts (nothing can catch it). Its parser is iterative, so the depth
 *   is measured on its tokens before anything is composed.
 * - aliases: `&a [*b, *b, …]` chains expand exponentially. go-yaml v3 (kubectl, sops,
 *   Flux) refuses a document whose decoded nodes are mostly alias expansions; `AliasGuard`
 *   applies the same rule to our own converters, and `MAX_ALIAS_COUNT` bounds the `yaml`
 *   package's `toJS` where we use it.
 */
import {
  Composer,
  type CST,
  type Document,
  type DocumentOptions,
  type LineCounter,
  type ParseOptions,
  Parser,
  type SchemaOptions,
} from "yaml";
import { SlipwayError } from "../errors.js";

/** Deeper nesting, block or flow, is refused (Kubernetes objects nest a few dozen levels). */
export const MAX_YAML_DEPTH = 256;
/** `maxAliasCount` for the `yaml` package's `toJS`/`parse`. */
export const MAX_ALIAS_COUNT = 10_000;

/**
 * The CST tokens of a YAML stream; a YamlNestingError when its collections nest deeper than
 * MAX_YAML_DEPTH, also when the parser itself could not follow: it closes the collections a
 * dedent ends by recursing once per level, and holds no regular expression on that path, so
 * running out of stack there is an ordinary RangeError.
 */
function tokensWithin(text: string, lineCounter?: LineCounter, file?: string): CST.Token[] {
  let tokens: CST.Token[];
  try {
    tokens = [...new Parser(lineCounter?.addNewLine).parse(text)];
  } catch (err) {
    if (err instanceof RangeError) throw new YamlNestingError(text, deepestLine(text), file);
    throw err;
  }
  const deep = excessiveTokenDepth(tokens);
  if (deep !== undefined) throw new YamlNestingError(text, deep, file);
  return tokens;
}

/** The offset of the line that starts deepest: its indentation and `- `, `? `, `: ` indicators. */
function deepestLine(text: string): number {
  let deepest = 0;
  let deepestAt = 0;
  for (let start = 0; start < text.length; ) {
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09) i++;
      else if ((c === 0x2d || c === 0x3f || c === 0x3a) && isBlank(text.charCodeAt(i + 1))) i += 2;
      else break;
    }
    if (i - start > deepest) {
      deepest = i - start;
      deepestAt = start;
    }
    const newline = text.indexOf("\n", i);
    if (newline < 0) break;
    start = newline + 1;
  }
  return deepestAt;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * The offset of the first collection (block or flow, in document order) nested deeper than
 * MAX_YAML_DEPTH in a stream of CST tokens, or undefined. The `yaml` package's parser keeps its
 * own stack, so reading tokens is safe at any depth; its composer recurses, and it must never
 * reach the end of the stack: when V8 compiles a regular expression there (on its first or
 * second use), it aborts the process instead of throwing a RangeError that could be caught.
 */
export function excessiveTokenDepth(tokens: Iterable<CST.Token>): number | undefined {
  const stack: Array<[CST.Token | null | undefined, number]> = [];
  for (const token of tokens) {
    stack.push([token, 0]);
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (!node) continue;
      if (node.type === "document") {
        stack.push([node.value, depth]);
        continue;
      }
      if (node.type !== "block-map" && node.type !== "block-seq" && node.type !== "flow-collection") continue;
      if (depth + 1 > MAX_YAML_DEPTH) return node.offset;
      const items = node.items as CST.CollectionItem[];
      for (let i = items.length - 1; i >= 0; i--) {
        stack.push([items[i]!.value, depth + 1], [items[i]!.key, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * The `yaml` package's parseAllDocuments, refusing (YamlNestingError) a stream whose collections
 * nest deeper than MAX_YAML_DEPTH before anything is composed. Errors are not prettified: their
 * messages carry no "at line" suffix and `linePos` is unset (use the line counter).
 */
export function parseAllDocumentsWithin(
  text: string,
  options: DocumentOptions & ParseOptions & SchemaOptions,
  lineCounter?: LineCounter,
  file?: string,
): Document.Parsed[] {
  return [...new Composer(options).compose(tokensWithin(text, lineCounter, file))];
}

/** Collections nested deeper than MAX_YAML_DEPTH, at `offset` of the text. */
export class YamlNestingError extends SlipwayError {
  constructor(text: string, offset: number, file?: string) {
    // Named as Slipway's own limit: kubectl, Flux and sops (go-yaml) read up to 10,000 levels, so a
    // file that fails here is not wrong (check reports it as a warning, render-error).
    super(
      `YAML collections nested deeper than ${MAX_YAML_DEPTH} levels (Slipway's limit; go-yaml allows 10000)`,
      {
        file,
        ...positionOf(text, offset),
      },
    );
  }
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Throws a YamlNestingError naming the file and position when collections nest too deep. */
export function checkYamlNesting(text: string, file?: string): void {
  tokensWithin(text, undefined, file);
}

const ALIAS_RATIO_RANGE_LOW = 400_000;
const ALIAS_RATIO_RANGE_HIGH = 4_000_000;

/**
 * go-yaml v3's alias-bomb rule (decode.go): once more than 100 nodes came from alias
 * expansion and more than 1000 were decoded, their share may not exceed a ratio that falls
 * from 99% (up to 400,000 nodes) to 10% (from 4,000,000).
 */
export class AliasGuard {
  private decoded = 0;
  private aliased = 0;
  private inAlias = 0;

  /** Counts one decoded node; true when the document is an alias bomb. */
  node(): boolean {
    this.decoded++;
    if (this.inAlias > 0) this.aliased++;
    return (
      this.aliased > 100 && this.decoded > 1000 && this.aliased / this.decoded > allowedRatio(this.decoded)
    );
  }

  enterAlias(): void {
    this.inAlias++;
  }

  leaveAlias(): void {
    this.inAlias--;
  }
}

function allowedRatio(decoded: number): number {
  if (decoded <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decoded >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return 0.99 - (0.89 * (decoded - ALIAS_RATIO_RANGE_LOW)) / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW);
}
