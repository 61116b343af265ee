/**
 * Limits for every YAML parse of repository content. Repository files come from pull requests,
 * so a small file must not hang or crash a run:
 * - nesting: the `yaml` package composes nodes recursively; flow collections nested a few
 *   thousand levels deep exhaust the stack and then memory (the process aborts, nothing can
 *   catch it). Its lexer is iterative, so the depth is measured on tokens first.
 * - aliases: `&a [*b, *b, …]` chains expand exponentially. go-yaml v3 (kubectl, sops,
 *   Flux) refuses a document whose decoded nodes are mostly alias expansions; `AliasGuard`
 *   applies the same rule to our own converters, and `MAX_ALIAS_COUNT` bounds the `yaml`
 *   package's `toJS` where we use it.
 */
import { isAlias, isCollection, isPair, Lexer, type Node } from "yaml";
import { SlipwayError } from "../errors.js";

/** Deeper flow nesting is refused (Kubernetes objects nest a few dozen levels). */
export const MAX_FLOW_DEPTH = 256;
/** `maxAliasCount` for the `yaml` package's `toJS`/`parse`. */
export const MAX_ALIAS_COUNT = 10_000;

const CONTROL_TOKENS = new Set(["\u0002", "\u0018", "\u001f"]);

/** Where flow collections nest deeper than MAX_FLOW_DEPTH, as a 0-based offset; undefined if they do not. */
export function excessiveFlowDepth(text: string): number | undefined {
  // Cheap pre-filter: without that many openers nothing can nest that deep.
  let openers = 0;
  for (let i = 0; i < text.length && openers <= MAX_FLOW_DEPTH; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) openers++;
  }
  if (openers <= MAX_FLOW_DEPTH) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === "[" || token === "{") {
      if (++depth > MAX_FLOW_DEPTH) return offset;
    } else if (token === "]" || token === "}") {
      depth = Math.max(0, depth - 1);
    } else if (CONTROL_TOKENS.has(token)) {
      continue; // the lexer's markers (document start, scalar, flow end) carry no source text
    }
    offset += token.length;
  }
  return undefined;
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

/** Throws a SlipwayError naming the file and position when flow collections nest too deep. */
export function checkYamlNesting(text: string, file?: string): void {
  const at = excessiveFlowDepth(text);
  if (at === undefined) return;
  throw new SlipwayError(`YAML collections nested deeper than ${MAX_FLOW_DEPTH} levels`, {
    file,
    ...positionOf(text, at),
  });
}

/** The `yaml` package reports a stack overflow while composing as an ordinary error. */
export function isNestingOverflow(message: string): boolean {
  return message.startsWith("Maximum call stack size exceeded");
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

/**
 * The first node (in document order) nested deeper than MAX_FLOW_DEPTH collections, block or
 * flow, or undefined. The `yaml` package's composer recurses, so past a thousand levels or so
 * it overflows the stack, at a depth that depends on the caller's stack and the JIT: the same
 * file rendered in one Flux Kustomization and failed in another. Measured on the composed
 * (possibly partial) tree, without recursion, the limit is the same every time.
 */
export function excessiveNodeDepth(root: Node | null | undefined): Node | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (isPair(node)) {
      // Keys and values sit inside their mapping: a pair is not a level of its own.
      stack.push([node.value, depth], [node.key, depth]);
      continue;
    }
    if (!isCollection(node) || isAlias(node)) continue;
    if (depth + 1 > MAX_FLOW_DEPTH) return node as Node;
    for (let i = node.items.length - 1; i >= 0; i--) stack.push([node.items[i], depth + 1]);
  }
  return undefined;
}
