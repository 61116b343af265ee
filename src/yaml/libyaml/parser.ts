/**
 * libyaml's parser (go-yaml v2 parserc.go) over the Scanner, as go-yaml v2's decoder drives it
 * for `yaml.Unmarshal` (decode.go: the first document only, aliases looked up as their events
 * arrive): the first problem it meets, in go-yaml's words and with go-yaml's line. Events carry
 * only what that needs.
 */

import { LibyamlError, type Mark, Scanner, type Token, type TokenType } from "./scanner.js";

type EventType =
  | "STREAM_START"
  | "STREAM_END"
  | "DOCUMENT_START"
  | "DOCUMENT_END"
  | "ALIAS"
  | "SCALAR"
  | "SEQUENCE_START"
  | "SEQUENCE_END"
  | "MAPPING_START"
  | "MAPPING_END";

interface Event {
  type: EventType;
  anchor?: string;
}

type State =
  | "STREAM_START"
  | "IMPLICIT_DOCUMENT_START"
  | "DOCUMENT_START"
  | "DOCUMENT_CONTENT"
  | "DOCUMENT_END"
  | "BLOCK_NODE"
  | "BLOCK_SEQUENCE_FIRST_ENTRY"
  | "BLOCK_SEQUENCE_ENTRY"
  | "INDENTLESS_SEQUENCE_ENTRY"
  | "BLOCK_MAPPING_FIRST_KEY"
  | "BLOCK_MAPPING_KEY"
  | "BLOCK_MAPPING_VALUE"
  | "FLOW_SEQUENCE_FIRST_ENTRY"
  | "FLOW_SEQUENCE_ENTRY"
  | "FLOW_SEQUENCE_ENTRY_MAPPING_KEY"
  | "FLOW_SEQUENCE_ENTRY_MAPPING_VALUE"
  | "FLOW_SEQUENCE_ENTRY_MAPPING_END"
  | "FLOW_MAPPING_FIRST_KEY"
  | "FLOW_MAPPING_KEY"
  | "FLOW_MAPPING_VALUE"
  | "FLOW_MAPPING_EMPTY_VALUE"
  | "END";

class Parser {
  private readonly s: Scanner;
  private state: State = "STREAM_START";
  private readonly states: State[] = [];
  private readonly marks: Mark[] = [];
  private tagHandles: string[] = [];
  /** where the first document ended: the start of the token after its last node */
  documentEnd = -1;
  /** the end of the first document's `...` marker, when one ended it */
  documentEndMarker = -1;

  constructor(text: string, lookahead = 0) {
    this.s = new Scanner(text, lookahead);
  }

  /** Scanner.glued: where tokens end that the `yaml` package would read on from. */
  get glued(): readonly number[] {
    return this.s.glued;
  }

  /** Scanner.quoted: flow plain scalars the `yaml` package would read otherwise. */
  get quoted(): ReadonlyArray<[number, number]> {
    return this.s.quoted;
  }

  /** Scanner.breaks: Unicode line breaks between tokens. */
  get breaks(): readonly number[] {
    return this.s.breaks;
  }

  /** Scanner.pads: flow collection lines to indent. */
  get pads(): ReadonlyArray<[number, number]> {
    return this.s.pads;
  }

  private fail(problem: string, problemMark: Mark, contextMark?: Mark): never {
    throw new LibyamlError("parser", problem, problemMark, contextMark);
  }

  private pop(): void {
    this.state = this.states.pop() as State;
  }

  private is(t: Token, ...types: TokenType[]): boolean {
    return types.includes(t.type);
  }

  next(): Event {
    if (this.s.ended || this.state === "END") return { type: "STREAM_END" };
    switch (this.state) {
      case "STREAM_START": {
        const t = this.s.peek();
        if (t.type !== "STREAM_START") this.fail("did not find expected <stream-start>", t.start);
        this.state = "IMPLICIT_DOCUMENT_START";
        this.s.skipToken();
        return { type: "STREAM_START" };
      }
      case "IMPLICIT_DOCUMENT_START":
        return this.documentStart(true);
      case "DOCUMENT_START":
        return this.documentStart(false);
      case "DOCUMENT_CONTENT": {
        const t = this.s.peek();
        if (
          this.is(t, "VERSION_DIRECTIVE", "TAG_DIRECTIVE", "DOCUMENT_START", "DOCUMENT_END", "STREAM_END")
        ) {
          this.pop();
          return { type: "SCALAR" };
        }
        return this.node(true, false);
      }
      case "DOCUMENT_END": {
        const t = this.s.peek();
        const first = this.documentEnd < 0;
        if (first) this.documentEnd = t.start.index;
        if (t.type === "DOCUMENT_END") {
          if (first) this.documentEndMarker = t.end.index;
          this.s.skipToken();
        }
        this.tagHandles = [];
        this.state = "DOCUMENT_START";
        return { type: "DOCUMENT_END" };
      }
      case "BLOCK_NODE":
        return this.node(true, false);
      case "BLOCK_SEQUENCE_FIRST_ENTRY":
      case "BLOCK_SEQUENCE_ENTRY":
        return this.blockSequenceEntry(this.state === "BLOCK_SEQUENCE_FIRST_ENTRY");
      case "INDENTLESS_SEQUENCE_ENTRY":
        return this.indentlessSequenceEntry();
      case "BLOCK_MAPPING_FIRST_KEY":
      case "BLOCK_MAPPING_KEY":
        return this.blockMappingKey(this.state === "BLOCK_MAPPING_FIRST_KEY");
      case "BLOCK_MAPPING_VALUE":
        return this.blockMappingValue();
      case "FLOW_SEQUENCE_FIRST_ENTRY":
      case "FLOW_SEQUENCE_ENTRY":
        return this.flowSequenceEntry(this.state === "FLOW_SEQUENCE_FIRST_ENTRY");
      case "FLOW_SEQUENCE_ENTRY_MAPPING_KEY": {
        const t = this.s.peek();
        if (!this.is(t, "VALUE", "FLOW_ENTRY", "FLOW_SEQUENCE_END")) {
          this.states.push("FLOW_SEQUENCE_ENTRY_MAPPING_VALUE");
          return this.node(false, false);
        }
        this.s.skipToken();
        this.state = "FLOW_SEQUENCE_ENTRY_MAPPING_VALUE";
        return { type: "SCALAR" };
      }
      case "FLOW_SEQUENCE_ENTRY_MAPPING_VALUE": {
        const t = this.s.peek();
        if (t.type === "VALUE") {
          this.s.skipToken();
          const u = this.s.peek();
          if (!this.is(u, "FLOW_ENTRY", "FLOW_SEQUENCE_END")) {
            this.states.push("FLOW_SEQUENCE_ENTRY_MAPPING_END");
            return this.node(false, false);
          }
        }
        this.state = "FLOW_SEQUENCE_ENTRY_MAPPING_END";
        return { type: "SCALAR" };
      }
      case "FLOW_SEQUENCE_ENTRY_MAPPING_END":
        this.s.peek();
        this.state = "FLOW_SEQUENCE_ENTRY";
        return { type: "MAPPING_END" };
      case "FLOW_MAPPING_FIRST_KEY":
      case "FLOW_MAPPING_KEY":
        return this.flowMappingKey(this.state === "FLOW_MAPPING_FIRST_KEY");
      case "FLOW_MAPPING_VALUE":
        return this.flowMappingValue(false);
      case "FLOW_MAPPING_EMPTY_VALUE":
        return this.flowMappingValue(true);
      default:
        return { type: "STREAM_END" };
    }
  }

  private documentStart(implicit: boolean): Event {
    let t = this.s.peek();
    if (!implicit) {
      while (t.type === "DOCUMENT_END") {
        this.s.skipToken();
        t = this.s.peek();
      }
    }
    if (implicit && !this.is(t, "VERSION_DIRECTIVE", "TAG_DIRECTIVE", "DOCUMENT_START", "STREAM_END")) {
      this.directives();
      this.states.push("DOCUMENT_END");
      this.state = "BLOCK_NODE";
      return { type: "DOCUMENT_START" };
    }
    if (t.type !== "STREAM_END") {
      this.directives();
      t = this.s.peek();
      if (t.type !== "DOCUMENT_START") this.fail("did not find expected <document start>", t.start);
      this.states.push("DOCUMENT_END");
      this.state = "DOCUMENT_CONTENT";
      this.s.skipToken();
      return { type: "DOCUMENT_START" };
    }
    this.state = "END";
    this.s.skipToken();
    return { type: "STREAM_END" };
  }

  private directives(): void {
    let t = this.s.peek();
    let version = false;
    const handles: string[] = [];
    while (this.is(t, "VERSION_DIRECTIVE", "TAG_DIRECTIVE")) {
      if (t.type === "VERSION_DIRECTIVE") {
        if (version) this.fail("found duplicate %YAML directive", t.start);
        if (t.major !== 1 || t.minor !== 1) this.fail("found incompatible YAML document", t.start);
        version = true;
      } else {
        if (handles.includes(t.value as string)) this.fail("found duplicate %TAG directive", t.start);
        handles.push(t.value as string);
      }
      this.s.skipToken();
      t = this.s.peek();
    }
    this.tagHandles = [...handles, "!", "!!"];
  }

  private node(block: boolean, indentless: boolean): Event {
    let t = this.s.peek();
    if (t.type === "ALIAS") {
      this.pop();
      this.s.skipToken();
      return { type: "ALIAS", anchor: t.value };
    }
    const start = t.start;
    let anchor: string | undefined;
    let tag: { handle: string; mark: Mark } | undefined;
    const takeAnchor = () => {
      anchor = t.value;
      this.s.skipToken();
      t = this.s.peek();
    };
    const takeTag = () => {
      tag = { handle: t.value as string, mark: t.start };
      this.s.skipToken();
      t = this.s.peek();
    };
    if (t.type === "ANCHOR") {
      takeAnchor();
      if (this.s.peek().type === "TAG") takeTag();
    } else if (t.type === "TAG") {
      takeTag();
      if (this.s.peek().type === "ANCHOR") takeAnchor();
    }
    if (tag && tag.handle !== "" && !this.tagHandles.includes(tag.handle))
      this.fail("found undefined tag handle", tag.mark, start);
    if (indentless && t.type === "BLOCK_ENTRY") {
      this.state = "INDENTLESS_SEQUENCE_ENTRY";
      return { type: "SEQUENCE_START", anchor };
    }
    if (t.type === "SCALAR") {
      this.pop();
      this.s.skipToken();
      return { type: "SCALAR", anchor };
    }
    if (t.type === "FLOW_SEQUENCE_START") {
      this.state = "FLOW_SEQUENCE_FIRST_ENTRY";
      return { type: "SEQUENCE_START", anchor };
    }
    if (t.type === "FLOW_MAPPING_START") {
      this.state = "FLOW_MAPPING_FIRST_KEY";
      return { type: "MAPPING_START", anchor };
    }
    if (block && t.type === "BLOCK_SEQUENCE_START") {
      this.state = "BLOCK_SEQUENCE_FIRST_ENTRY";
      return { type: "SEQUENCE_START", anchor };
    }
    if (block && t.type === "BLOCK_MAPPING_START") {
      this.state = "BLOCK_MAPPING_FIRST_KEY";
      return { type: "MAPPING_START", anchor };
    }
    if (anchor !== undefined || tag) {
      this.pop();
      return { type: "SCALAR", anchor };
    }
    return this.fail("did not find expected node content", t.start, start);
  }

  private first(): void {
    this.marks.push(this.s.peek().start);
    this.s.skipToken();
  }

  private blockSequenceEntry(first: boolean): Event {
    if (first) this.first();
    let t = this.s.peek();
    if (t.type === "BLOCK_ENTRY") {
      this.s.skipToken();
      t = this.s.peek();
      if (!this.is(t, "BLOCK_ENTRY", "BLOCK_END")) {
        this.states.push("BLOCK_SEQUENCE_ENTRY");
        return this.node(true, false);
      }
      this.state = "BLOCK_SEQUENCE_ENTRY";
      return { type: "SCALAR" };
    }
    if (t.type === "BLOCK_END") {
      this.pop();
      this.marks.pop();
      this.s.skipToken();
      return { type: "SEQUENCE_END" };
    }
    return this.fail("did not find expected '-' indicator", t.start, this.marks.pop());
  }

  private indentlessSequenceEntry(): Event {
    let t = this.s.peek();
    if (t.type === "BLOCK_ENTRY") {
      this.s.skipToken();
      t = this.s.peek();
      if (!this.is(t, "BLOCK_ENTRY", "KEY", "VALUE", "BLOCK_END")) {
        this.states.push("INDENTLESS_SEQUENCE_ENTRY");
        return this.node(true, false);
      }
      this.state = "INDENTLESS_SEQUENCE_ENTRY";
      return { type: "SCALAR" };
    }
    this.pop();
    return { type: "SEQUENCE_END" };
  }

  private blockMappingKey(first: boolean): Event {
    if (first) this.first();
    let t = this.s.peek();
    if (t.type === "KEY") {
      this.s.skipToken();
      t = this.s.peek();
      if (!this.is(t, "KEY", "VALUE", "BLOCK_END")) {
        this.states.push("BLOCK_MAPPING_VALUE");
        return this.node(true, true);
      }
      this.state = "BLOCK_MAPPING_VALUE";
      return { type: "SCALAR" };
    }
    if (t.type === "BLOCK_END") {
      this.pop();
      this.marks.pop();
      this.s.skipToken();
      return { type: "MAPPING_END" };
    }
    return this.fail("did not find expected key", t.start, this.marks.pop());
  }

  private blockMappingValue(): Event {
    let t = this.s.peek();
    if (t.type === "VALUE") {
      this.s.skipToken();
      t = this.s.peek();
      if (!this.is(t, "KEY", "VALUE", "BLOCK_END")) {
        this.states.push("BLOCK_MAPPING_KEY");
        return this.node(true, true);
      }
    }
    this.state = "BLOCK_MAPPING_KEY";
    return { type: "SCALAR" };
  }

  private flowSequenceEntry(first: boolean): Event {
    if (first) this.first();
    let t = this.s.peek();
    if (t.type !== "FLOW_SEQUENCE_END") {
      if (!first) {
        if (t.type !== "FLOW_ENTRY")
          return this.fail("did not find expected ',' or ']'", t.start, this.marks.pop());
        this.s.skipToken();
        t = this.s.peek();
      }
      if (t.type === "KEY") {
        this.state = "FLOW_SEQUENCE_ENTRY_MAPPING_KEY";
        this.s.skipToken();
        return { type: "MAPPING_START" };
      }
      if (t.type !== "FLOW_SEQUENCE_END") {
        this.states.push("FLOW_SEQUENCE_ENTRY");
        return this.node(false, false);
      }
    }
    this.pop();
    this.marks.pop();
    this.s.skipToken();
    return { type: "SEQUENCE_END" };
  }

  private flowMappingKey(first: boolean): Event {
    if (first) this.first();
    let t = this.s.peek();
    if (t.type !== "FLOW_MAPPING_END") {
      if (!first) {
        if (t.type !== "FLOW_ENTRY")
          return this.fail("did not find expected ',' or '}'", t.start, this.marks.pop());
        this.s.skipToken();
        t = this.s.peek();
      }
      if (t.type === "KEY") {
        this.s.skipToken();
        t = this.s.peek();
        if (!this.is(t, "VALUE", "FLOW_ENTRY", "FLOW_MAPPING_END")) {
          this.states.push("FLOW_MAPPING_VALUE");
          return this.node(false, false);
        }
        this.state = "FLOW_MAPPING_VALUE";
        return { type: "SCALAR" };
      }
      if (t.type !== "FLOW_MAPPING_END") {
        this.states.push("FLOW_MAPPING_EMPTY_VALUE");
        return this.node(false, false);
      }
    }
    this.pop();
    this.marks.pop();
    this.s.skipToken();
    return { type: "MAPPING_END" };
  }

  private flowMappingValue(empty: boolean): Event {
    let t = this.s.peek();
    if (empty) {
      this.state = "FLOW_MAPPING_KEY";
      return { type: "SCALAR" };
    }
    if (t.type === "VALUE") {
      this.s.skipToken();
      t = this.s.peek();
      if (!this.is(t, "FLOW_ENTRY", "FLOW_MAPPING_END")) {
        this.states.push("FLOW_MAPPING_KEY");
        return this.node(false, false);
      }
    }
    this.state = "FLOW_MAPPING_KEY";
    return { type: "SCALAR" };
  }
}

/** What go-yaml v2's Unmarshal says of a syntax problem: "line N: problem" or a composer error. */
export interface GoYamlProblem {
  /** the message after "yaml: " */
  message: string;
  /** the 0-based line of go-yaml's mark (for Slipway's place); none for a composer error */
  line0?: number;
}

/** Where the `yaml` package must be told what go-yaml's scanner found (kyaml-stream.ts goYamlReadableText). */
export interface ScannerFindings {
  /** offsets in the document where go-yaml ends a token the `yaml` package reads on (Scanner.glued) */
  glued: number[];
  /** start and end offsets of plain scalars the `yaml` package must read quoted (Scanner.quoted) */
  quoted: Array<[number, number]>;
  /** offsets of U+0085/U+2028/U+2029 that go-yaml reads as line breaks the `yaml` package must see (Scanner.breaks) */
  breaks: number[];
  /** lines to indent, with the spaces to add (Scanner.pads) */
  pads: Array<[number, number]>;
}

/** go-yaml reads the first document without a problem; it ends before `end` (an offset of the text). */
export interface GoYamlFirstDocument extends ScannerFindings {
  end: number;
}

/** What the scanner found before `end` (it may have read ahead of the document). */
function findingsBefore(p: Parser, end: number): ScannerFindings {
  return {
    glued: p.glued.filter((at) => at < end),
    quoted: p.quoted.filter(([, to]) => to <= end),
    breaks: p.breaks.filter((at) => at < end),
    pads: p.pads.filter(([at]) => at < end),
  };
}

/**
 * The first problem go-yaml v2 meets reading the first document of `text` (decode.go's parser:
 * parse, document, node), or undefined when it reads that document without one. Only syntax and
 * anchor lookup: what the decoder does with the nodes afterwards is not checked.
 */
export function goYamlProblem(text: string): GoYamlProblem | GoYamlFirstDocument {
  const p = new Parser(text);
  const anchors = new Set<string>();
  try {
    p.next(); // STREAM_START
    let e = p.next();
    if (e.type === "STREAM_END") return { end: text.length, ...findingsBefore(p, text.length) };
    let depth = 0;
    const documented = e.type === "DOCUMENT_START";
    if (documented) e = p.next();
    for (;;) {
      if (e.anchor !== undefined && e.type !== "ALIAS") anchors.add(e.anchor);
      if (e.type === "ALIAS" && !anchors.has(e.anchor as string))
        return { message: `unknown anchor '${e.anchor}' referenced` };
      if (e.type === "SEQUENCE_START" || e.type === "MAPPING_START") depth++;
      if (e.type === "SEQUENCE_END" || e.type === "MAPPING_END") depth--;
      if (depth === 0) break;
      e = p.next();
    }
    if (documented) p.next(); // DOCUMENT_END
    const end = p.documentEnd < 0 ? text.length : p.documentEnd;
    return { end, ...findingsBefore(p, end) };
  } catch (err) {
    if (!(err instanceof LibyamlError)) throw err;
    const mark = err.problemMark.line !== 0 ? err.problemMark : err.contextMark;
    let line = mark?.line ?? 0;
    if (err.problemMark.line !== 0 && err.stage === "scanner") line++;
    return { message: line === 0 ? err.problem : `line ${line}: ${err.problem}`, line0: mark?.line ?? 0 };
  }
}

/** go-yaml reads the first document of `text`: a problem at `at`, or where the document ends. */
export type GoYamlDocument =
  | { problem: string; at: Mark }
  | (ScannerFindings & {
      /** the start of the token after the document's last node */
      end: number;
      /** the end of the `...` that closed the document, when one did */
      markerEnd?: number;
    });

/**
 * What go-yaml meets reading the first document of `text`, as v2's `Unmarshal` or v3's
 * `Decoder.Decode` (kyaml's ByteReader calls it once per split document) reads it. v3's scanner
 * keeps two tokens queued past the parser's (`lookahead` 2; fetch_more_tokens), so a scanner
 * error just after the document fails it too; v2's keeps none. The problem's mark is the one
 * v3's parser.fail names: the context mark unless that is on the first line, then the problem
 * mark. Syntax only: anchors and values are the composer's.
 */
export function goYamlFirstDocument(text: string, lookahead: 0 | 2): GoYamlDocument {
  const p = new Parser(text, lookahead);
  try {
    p.next(); // STREAM_START
    let e = p.next();
    // No document: what is there is blanks, breaks and comments (a LS or PS among them one of the
    // breaks to edit: the `yaml` package would read it as a scalar).
    if (e.type === "STREAM_END") return { end: text.length, ...findingsBefore(p, text.length) };
    let depth = 0;
    const documented = e.type === "DOCUMENT_START";
    if (documented) e = p.next();
    for (;;) {
      if (e.type === "SEQUENCE_START" || e.type === "MAPPING_START") depth++;
      if (e.type === "SEQUENCE_END" || e.type === "MAPPING_END") depth--;
      if (depth === 0) break;
      e = p.next();
    }
    p.next(); // DOCUMENT_END, which peeks the token after the document
    const end = p.documentEnd < 0 ? text.length : p.documentEnd;
    return p.documentEndMarker < 0
      ? { end, ...findingsBefore(p, end) }
      : { end, markerEnd: p.documentEndMarker, ...findingsBefore(p, end) };
  } catch (err) {
    if (!(err instanceof LibyamlError)) throw err;
    const context = err.contextMark;
    const at = context !== undefined && context.line !== 0 ? context : err.problemMark;
    return { problem: err.problem, at };
  }
}
