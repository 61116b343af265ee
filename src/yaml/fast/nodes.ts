/**
 * The fast reader's result: a plain tree of the YAML that was written, with no resolution
 * applied. Scalars keep their text and style; each reader (kyaml/go-yaml v3 in ../parse.ts,
 * sigs.k8s.io/yaml/go-yaml v2 in ../../helm/yaml.ts) resolves them with its own rules.
 */

/** How a scalar was written; `folded` text is already folded as the YAML spec says. */
export type FastScalarStyle = "plain" | "single" | "double" | "literal" | "folded";

export interface FastScalar {
  readonly kind: "scalar";
  readonly style: FastScalarStyle;
  readonly text: string;
  /** 1-based line of the scalar's first character (of the indicator for an empty one). */
  readonly line: number;
}

export interface FastPair {
  readonly key: FastScalar;
  readonly value: FastNode;
}

export interface FastMap {
  readonly kind: "map";
  readonly pairs: FastPair[];
  /** 1-based line of the first key (of `{` for a flow mapping). */
  readonly line: number;
  readonly flow: boolean;
}

export interface FastSeq {
  readonly kind: "seq";
  readonly items: FastNode[];
  /** 1-based line of the first `-` (of `[` for a flow sequence). */
  readonly line: number;
  readonly flow: boolean;
}

/** `*name`: the node the anchor `&name` marked before it in the same document. */
export interface FastAlias {
  readonly kind: "alias";
  readonly target: FastNode;
  /** 1-based line of the `*` */
  readonly line: number;
}

export type FastNode = FastScalar | FastMap | FastSeq | FastAlias;

/**
 * go-yaml refuses documents that are mostly alias expansions (v2 and v3 differ in the ratio);
 * the fast readers leave any document that expands more than this many nodes through aliases
 * to the full path, which applies the exact rule.
 */
export const MAX_ALIASED_NODES = 100;

/** One document of the stream; `root` is null for a document with no content. */
export interface FastDocument {
  readonly root: FastNode | null;
}

/**
 * Thrown inside the fast reader (and its converters) when the input leaves the subset it
 * reads: the caller then reads the text with the full `yaml` package path. Never user-facing.
 */
export class FastBail {
  private constructor() {}
  static readonly instance = new FastBail();
}

export function bail(): never {
  throw FastBail.instance;
}

export function isBail(err: unknown): boolean {
  return err === FastBail.instance;
}

/**
 * Runs `read`; false when it bailed or overflowed the stack (deep input: the full path reads
 * it and reports), true when it finished. Other errors are thrown.
 */
export function readsToEnd(read: () => void): boolean {
  try {
    read();
    return true;
  } catch (err) {
    if (isBail(err) || err instanceof RangeError) return false;
    throw err;
  }
}
