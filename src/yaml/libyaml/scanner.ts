/**
 * libyaml's scanner as go-yaml v2 (go.yaml.in/yaml/v2 v2.4, scannerc.go; what Helm 4.1.4 reads
 * YAML with through sigs.k8s.io/yaml) runs it, reduced to what decides *whether* and *where* it
 * fails: token kinds and marks, indentation, simple keys, flow levels and the checks of each token
 * scanner. Scalar values are not built. It exists to report a syntax error as go-yaml reports it
 * (the problem and the line of its mark), for the errors the `yaml` package finds in its own words.
 *
 * Marks count characters of the JavaScript string (libyaml counts characters too); a character
 * outside the BMP counts as two, which only matters for an indentation after such a character.
 */

export interface Mark {
  index: number;
  line: number;
  column: number;
}

export type TokenType =
  | "STREAM_START"
  | "STREAM_END"
  | "VERSION_DIRECTIVE"
  | "TAG_DIRECTIVE"
  | "DOCUMENT_START"
  | "DOCUMENT_END"
  | "BLOCK_SEQUENCE_START"
  | "BLOCK_MAPPING_START"
  | "BLOCK_END"
  | "FLOW_SEQUENCE_START"
  | "FLOW_SEQUENCE_END"
  | "FLOW_MAPPING_START"
  | "FLOW_MAPPING_END"
  | "BLOCK_ENTRY"
  | "FLOW_ENTRY"
  | "KEY"
  | "VALUE"
  | "ALIAS"
  | "ANCHOR"
  | "TAG"
  | "SCALAR";

export interface Token {
  type: TokenType;
  start: Mark;
  end: Mark;
  /** anchor or alias name; a tag's handle; a %TAG directive's handle */
  value?: string;
  /** a %YAML directive's version */
  major?: number;
  minor?: number;
  plain?: boolean;
}

/** A libyaml error: which stage raised it, its problem text and mark, and its context mark. */
export class LibyamlError extends Error {
  constructor(
    readonly stage: "scanner" | "parser",
    readonly problem: string,
    readonly problemMark: Mark,
    readonly contextMark?: Mark,
  ) {
    super(problem);
  }
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const isBreakChar = (c: string) =>
  c === "\r" || c === "\n" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isSeparator = (c: string) => c === "\u2028" || c === "\u2029";
const isBlankChar = (c: string) => c === " " || c === "\t";
const isZ = (c: string) => c === "";
const isBreakZ = (c: string) => isBreakChar(c) || isZ(c);
const isBlankZ = (c: string) => isBlankChar(c) || isBreakZ(c);
const isAlpha = (c: string) => /^[0-9A-Za-z_-]$/.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";
const isHex = (c: string) => /^[0-9A-Fa-f]$/.test(c);
const URI_CHAR = /^[0-9A-Za-z_\-;/?:@&=+$,.!~*'()[\]%]$/;

export class Scanner {
  private readonly mark: Mark = { index: 0, line: 0, column: 0 };
  private readonly tokens: Token[] = [];
  private head = 0;
  private parsed = 0;
  private tokenAvailable = false;
  private streamStartProduced = false;
  private streamEndProduced = false;
  private indent = -1;
  private readonly indents: number[] = [];
  private simpleKeyAllowed = false;
  private readonly simpleKeys: SimpleKey[] = [];
  private readonly keysByToken = new Map<number, number>();
  private flowLevel = 0;
  /**
   * Offsets where a token ends that go-yaml ends though no blank follows, where the `yaml`
   * package (YAML 1.2) reads on: the `?` a flow collection takes for a key indicator whatever
   * follows (`[?x]` is `[{x: ""}]` to go-yaml, the scalar `?x` to the `yaml` package), and an
   * anchor or alias name, which ends at the first character that is not a letter, digit, `_`
   * or `-` (`&a: 1` anchors an empty key; YAML 1.2 reads the anchor `a:`).
   */
  readonly glued: number[] = [];
  /**
   * Plain scalars of a flow collection (one line each) that the `yaml` package reads otherwise:
   * one ending in `:` right before `,`, `]` or `}` (go-yaml keeps the `:`, so `[a:, b]` is
   * `["a:", "b"]`; YAML 1.2 reads a pair) and a bare `-` (a scalar to go-yaml, a block entry to
   * the `yaml` package). Start and end offsets.
   */
  readonly quoted: Array<[number, number]> = [];
  /**
   * U+0085, U+2028 and U+2029 between tokens: line breaks to go-yaml (YAML 1.1), content to the
   * `yaml` package (YAML 1.2), which then reads `a: b<NEL>c: d` as one line. Offsets.
   */
  readonly breaks: number[] = [];
  /**
   * Lines of a flow collection indented no deeper than the block collection around it: go-yaml
   * does not mind (`key: [a,\nb]`), the `yaml` package fails them ("must be sufficiently
   * indented"). Line start offsets, with the spaces that make them deep enough; the spaces
   * leading a line in a flow collection are no content, of a scalar or otherwise.
   */
  readonly pads: Array<[number, number]> = [];
  /** Where the last line break read inside a scalar was (an offset). */
  private lastScalarBreak = -1;

  /**
   * `lookahead`: the tokens kept queued past the head. go-yaml v2 scans no further than it must
   * (0); v3 (kyaml, kubectl) keeps two more for its comments (scannerc.go fetch_more_tokens), so a
   * scanner error in the two tokens after a document's end fails that document's Decode.
   */
  constructor(
    private readonly text: string,
    private readonly lookahead = 0,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.mark.index = 1;
  }

  private ch(k = 0): string {
    return this.text[this.mark.index + k] ?? "";
  }

  private here(): Mark {
    return { ...this.mark };
  }

  private skip(): void {
    this.mark.index++;
    this.mark.column++;
  }

  private skipLine(): void {
    if (this.ch() === "\r" && this.ch(1) === "\n") {
      this.mark.index += 2;
    } else if (isBreakChar(this.ch())) {
      // A lone CR becomes a line feed after the scan (parse.ts), too late where a NEL that
      // follows it becomes one here: the pair would read as one CR-LF break.
      if (this.ch() === "\r" && this.ch(1) === "\u0085") this.breaks.push(this.mark.index);
      this.mark.index++;
    } else return;
    this.mark.column = 0;
    this.mark.line++;
    if (this.flowLevel > 0) {
      let spaces = 0;
      while (this.text.charAt(this.mark.index + spaces) === " ") spaces++;
      if (spaces <= this.indent) this.pads.push([this.mark.index, this.indent + 1 - spaces]);
    }
  }

  private fail(problem: string, context?: Mark): never {
    throw new LibyamlError("scanner", problem, this.here(), context);
  }

  /** The next token (peek_token): scans ahead while a simple key may still turn it into a key. */
  peek(): Token {
    if (!this.tokenAvailable) this.fetchMore();
    return this.tokens[this.head] as Token;
  }

  skipToken(): void {
    this.tokenAvailable = false;
    this.parsed++;
    this.streamEndProduced = (this.tokens[this.head] as Token).type === "STREAM_END";
    this.head++;
  }

  get ended(): boolean {
    return this.streamEndProduced;
  }

  private fetchMore(): void {
    for (;;) {
      if (this.head < this.tokens.length - this.lookahead) {
        const at = this.keysByToken.get(this.parsed);
        if (at === undefined || !this.keyValid(this.simpleKeys[at] as SimpleKey)) break;
      }
      this.fetchNext();
    }
    this.tokenAvailable = true;
  }

  private insert(at: number, token: Token): void {
    if (at < 0) this.tokens.push(token);
    else this.tokens.splice(this.head + at, 0, token);
  }

  private simple(type: TokenType, start = this.here(), end = start): Token {
    return { type, start, end };
  }

  private fetchNext(): void {
    if (!this.streamStartProduced) {
      this.indent = -1;
      this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.here() });
      this.simpleKeyAllowed = true;
      this.streamStartProduced = true;
      this.insert(-1, this.simple("STREAM_START"));
      return;
    }
    this.scanToNextToken();
    this.unrollIndent(this.mark.column);
    const c = this.ch();
    if (isZ(c)) {
      this.fetchStreamEnd();
      return;
    }
    const col0 = this.mark.column === 0;
    if (col0 && c === "%") {
      this.fetchDirective();
      return;
    }
    if (col0 && c === "-" && this.ch(1) === "-" && this.ch(2) === "-" && isBlankZ(this.ch(3))) {
      this.fetchDocumentIndicator("DOCUMENT_START");
      return;
    }
    if (col0 && c === "." && this.ch(1) === "." && this.ch(2) === "." && isBlankZ(this.ch(3))) {
      this.fetchDocumentIndicator("DOCUMENT_END");
      return;
    }
    if (c === "[") {
      this.fetchFlowStart("FLOW_SEQUENCE_START");
      return;
    }
    if (c === "{") {
      this.fetchFlowStart("FLOW_MAPPING_START");
      return;
    }
    if (c === "]") {
      this.fetchFlowEnd("FLOW_SEQUENCE_END");
      return;
    }
    if (c === "}") {
      this.fetchFlowEnd("FLOW_MAPPING_END");
      return;
    }
    if (c === ",") {
      this.fetchFlowEntry();
      return;
    }
    const next = this.ch(1);
    if (c === "-" && isBlankZ(next)) {
      this.fetchBlockEntry();
      return;
    }
    if (c === "?" && (this.flowLevel > 0 || isBlankZ(next))) {
      this.fetchKey();
      return;
    }
    if (c === ":" && (this.flowLevel > 0 || isBlankZ(next))) {
      this.fetchValue();
      return;
    }
    if (c === "*") {
      this.fetchAnchor("ALIAS");
      return;
    }
    if (c === "&") {
      this.fetchAnchor("ANCHOR");
      return;
    }
    if (c === "!") {
      this.fetchTag();
      return;
    }
    if ((c === "|" || c === ">") && this.flowLevel === 0) {
      this.fetchBlockScalar();
      return;
    }
    if (c === "'" || c === '"') {
      this.fetchFlowScalar(c === "'");
      return;
    }
    const indicator = isBlankZ(c) || "-?:,[]{}#&*!|>'\"%@`".includes(c);
    if (
      !indicator ||
      (c === "-" && !isBlankChar(next)) ||
      (this.flowLevel === 0 && (c === "?" || c === ":") && !isBlankZ(next))
    ) {
      this.fetchPlainScalar();
      return;
    }
    this.fail("found character that cannot start any token", this.here());
  }

  /** yaml_simple_key_is_valid: a key candidate goes stale past its line (or 1024 characters). */
  private keyValid(key: SimpleKey): boolean {
    if (!key.possible) return false;
    if (key.mark.line < this.mark.line || key.mark.index + 1024 < this.mark.index) {
      if (key.required)
        throw new LibyamlError("scanner", "could not find expected ':'", this.here(), key.mark);
      key.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.mark.column;
    if (!this.simpleKeyAllowed) return;
    const key: SimpleKey = {
      possible: true,
      required,
      tokenNumber: this.parsed + (this.tokens.length - this.head),
      mark: this.here(),
    };
    this.removeSimpleKey();
    this.simpleKeys[this.simpleKeys.length - 1] = key;
    this.keysByToken.set(key.tokenNumber, this.simpleKeys.length - 1);
  }

  private removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1] as SimpleKey;
    if (!key.possible) return;
    if (key.required) throw new LibyamlError("scanner", "could not find expected ':'", this.here(), key.mark);
    key.possible = false;
    this.keysByToken.delete(key.tokenNumber);
  }

  private rollIndent(column: number, number: number, type: TokenType, mark: Mark): void {
    if (this.flowLevel > 0 || this.indent >= column) return;
    this.indents.push(this.indent);
    this.indent = column;
    this.insert(number > -1 ? number - this.parsed : -1, this.simple(type, mark));
  }

  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      this.insert(-1, this.simple("BLOCK_END"));
      this.indent = this.indents.pop() as number;
    }
  }

  private fetchStreamEnd(): void {
    if (this.mark.column !== 0) {
      this.mark.column = 0;
      this.mark.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.simple("STREAM_END"));
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insert(-1, this.scanDirective());
  }

  private fetchDocumentIndicator(type: TokenType): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.here();
    this.skip();
    this.skip();
    this.skip();
    this.insert(-1, this.simple(type, start, this.here()));
  }

  private fetchFlowStart(type: TokenType): void {
    this.saveSimpleKey();
    this.simpleKeys.push({
      possible: false,
      required: false,
      tokenNumber: this.parsed + (this.tokens.length - this.head),
      mark: this.here(),
    });
    this.flowLevel++;
    this.simpleKeyAllowed = true;
    this.token1(type);
  }

  private fetchFlowEnd(type: TokenType): void {
    this.removeSimpleKey();
    if (this.flowLevel > 0) {
      this.flowLevel--;
      const key = this.simpleKeys.pop() as SimpleKey;
      this.keysByToken.delete(key.tokenNumber);
    }
    this.simpleKeyAllowed = false;
    this.token1(type);
  }

  private token1(type: TokenType): void {
    const start = this.here();
    this.skip();
    this.insert(-1, this.simple(type, start, this.here()));
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.token1("FLOW_ENTRY");
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail("block sequence entries are not allowed in this context");
      this.rollIndent(this.mark.column, -1, "BLOCK_SEQUENCE_START", this.here());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.token1("BLOCK_ENTRY");
  }

  private fetchKey(): void {
    if (this.flowLevel > 0 && !isBlankZ(this.ch(1))) this.glued.push(this.mark.index + 1);
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail("mapping keys are not allowed in this context");
      this.rollIndent(this.mark.column, -1, "BLOCK_MAPPING_START", this.here());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    this.token1("KEY");
  }

  private fetchValue(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1] as SimpleKey;
    if (this.keyValid(key)) {
      this.insert(key.tokenNumber - this.parsed, this.simple("KEY", key.mark));
      this.rollIndent(key.mark.column, key.tokenNumber, "BLOCK_MAPPING_START", key.mark);
      key.possible = false;
      this.keysByToken.delete(key.tokenNumber);
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.fail("mapping values are not allowed in this context");
        this.rollIndent(this.mark.column, -1, "BLOCK_MAPPING_START", this.here());
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    this.token1("VALUE");
  }

  private fetchAnchor(type: "ANCHOR" | "ALIAS"): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.here();
    this.skip();
    let name = "";
    while (isAlpha(this.ch())) {
      name += this.ch();
      this.skip();
    }
    const end = this.here();
    const c = this.ch();
    if (name === "" || !(isBlankZ(c) || "?:,]}%@`".includes(c)))
      this.fail("did not find expected alphabetic or numeric character", start);
    if (!isBlankZ(c)) this.glued.push(end.index);
    this.insert(-1, { type, start, end, value: name });
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.here();
    let handle = "";
    if (this.ch(1) === "<") {
      this.skip();
      this.skip();
      this.scanTagUri("", start);
      if (this.ch() !== ">") this.fail("did not find the expected '>'", start);
      this.skip();
    } else {
      handle = this.scanTagHandle(false, start);
      if (handle.length > 1 && handle.endsWith("!")) {
        this.scanTagUri("", start);
      } else {
        const suffix = this.scanTagUri(handle, start);
        handle = suffix === "" ? "" : "!";
      }
    }
    if (!isBlankZ(this.ch())) this.fail("did not find expected whitespace or line break", start);
    this.insert(-1, { type: "TAG", start, end: this.here(), value: handle });
  }

  private scanTagHandle(directive: boolean, start: Mark): string {
    if (this.ch() !== "!") this.fail("did not find expected '!'", start);
    let s = "!";
    this.skip();
    while (isAlpha(this.ch())) {
      s += this.ch();
      this.skip();
    }
    if (this.ch() === "!") {
      s += "!";
      this.skip();
    } else if (directive && s !== "!") {
      this.fail("did not find expected '!'", start);
    }
    return s;
  }

  private scanTagUri(head: string, start: Mark): string {
    let s = head.length > 1 ? head.slice(1) : "";
    let hasTag = head.length > 0;
    while (URI_CHAR.test(this.ch())) {
      if (this.ch() === "%") {
        this.scanUriEscapes(start);
        s += "%";
      } else {
        s += this.ch();
        this.skip();
      }
      hasTag = true;
    }
    if (!hasTag) this.fail("did not find expected tag URI", start);
    return s;
  }

  private scanUriEscapes(start: Mark): void {
    let w = 1024;
    while (w > 0) {
      if (!(this.ch() === "%" && isHex(this.ch(1)) && isHex(this.ch(2))))
        this.fail("did not find URI escaped octet", start);
      const octet = Number.parseInt(this.ch(1) + this.ch(2), 16);
      if (w === 1024) {
        w =
          (octet & 0x80) === 0
            ? 1
            : (octet & 0xe0) === 0xc0
              ? 2
              : (octet & 0xf0) === 0xe0
                ? 3
                : (octet & 0xf8) === 0xf0
                  ? 4
                  : 0;
        if (w === 0) this.fail("found an incorrect leading UTF-8 octet", start);
      } else if ((octet & 0xc0) !== 0x80) {
        this.fail("found an incorrect trailing UTF-8 octet", start);
      }
      this.skip();
      this.skip();
      this.skip();
      w--;
    }
  }

  private scanDirective(): Token {
    const start = this.here();
    this.skip();
    let name = "";
    while (isAlpha(this.ch())) {
      name += this.ch();
      this.skip();
    }
    if (name === "") this.fail("could not find expected directive name", start);
    if (!isBlankZ(this.ch())) this.fail("found unexpected non-alphabetical character", start);
    let token: Token;
    if (name === "YAML") {
      this.skipBlanks();
      const major = this.versionNumber(start);
      if (this.ch() !== ".") this.fail("did not find expected digit or '.' character", start);
      this.skip();
      const minor = this.versionNumber(start);
      token = { type: "VERSION_DIRECTIVE", start, end: this.here(), major, minor };
    } else if (name === "TAG") {
      this.skipBlanks();
      const handle = this.scanTagHandle(true, start);
      if (!isBlankChar(this.ch())) this.fail("did not find expected whitespace", start);
      this.skipBlanks();
      this.scanTagUri("", start);
      if (!isBlankZ(this.ch())) this.fail("did not find expected whitespace or line break", start);
      token = { type: "TAG_DIRECTIVE", start, end: this.here(), value: handle };
    } else {
      this.fail("found unknown directive name", start);
    }
    this.skipBlanks();
    this.skipComment();
    if (!isBreakZ(this.ch())) this.fail("did not find expected comment or line break", start);
    this.skipLine();
    return token;
  }

  private versionNumber(start: Mark): number {
    let value = 0;
    let length = 0;
    while (isDigit(this.ch())) {
      if (++length > 2) this.fail("found extremely long version number", start);
      value = value * 10 + Number(this.ch());
      this.skip();
    }
    if (length === 0) this.fail("did not find expected version number", start);
    return value;
  }

  private skipBlanks(): void {
    while (isBlankChar(this.ch())) this.skip();
  }

  private skipComment(): void {
    if (this.ch() === "#") while (!isBreakZ(this.ch())) this.skip();
  }

  private scanToNextToken(): void {
    for (;;) {
      while (this.ch() === " " || ((this.flowLevel > 0 || !this.simpleKeyAllowed) && this.ch() === "\t"))
        this.skip();
      // go-yaml starts a comment at a `#` between tokens even with no blank before it
      // (`[a]#c`, `"a"#c`); the `yaml` package requires one.
      const at = this.mark.index;
      if (this.ch() === "#" && at > 0 && !isBlankZ(this.text.charAt(at - 1))) this.glued.push(at);
      this.skipComment();
      if (!isBreakChar(this.ch())) return;
      if (this.ch() !== "\n" && this.ch() !== "\r") this.breaks.push(this.mark.index);
      this.skipLine();
      if (this.flowLevel === 0) this.simpleKeyAllowed = true;
    }
  }

  private fetchBlockScalar(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.here();
    this.padShallowHeader(start);
    this.skip();
    let increment = 0;
    const chomp = () => {
      if (this.ch() === "+" || this.ch() === "-") {
        this.skip();
        return true;
      }
      return false;
    };
    const digit = () => {
      if (!isDigit(this.ch())) return false;
      if (this.ch() === "0") this.fail("found an indentation indicator equal to 0", start);
      increment = Number(this.ch());
      this.skip();
      return true;
    };
    if (chomp()) digit();
    else if (digit()) chomp();
    this.skipBlanks();
    // A comment right after the indicators (`|2#c`): go-yaml reads it, the `yaml` package wants a blank.
    const hash = this.mark.index;
    if (this.ch() === "#" && !isBlankZ(this.text.charAt(hash - 1))) this.glued.push(hash);
    this.skipComment();
    if (!isBreakZ(this.ch())) this.fail("did not find expected comment or line break", start);
    // A LS or PS that ends the header, or the scalar (a shallower line follows it), is a line
    // break to the `yaml` package too; one inside is read as go-yaml reads it (line-separators.ts).
    if (isSeparator(this.ch())) this.breaks.push(this.mark.index);
    this.skipScalarLine();
    let indent = increment > 0 ? (this.indent >= 0 ? this.indent + increment : increment) : 0;
    indent = this.blockScalarBreaks(indent, start);
    while (this.mark.column === indent && !isZ(this.ch())) {
      while (!isBreakZ(this.ch())) this.skip();
      this.skipScalarLine();
      indent = this.blockScalarBreaks(indent, start);
    }
    if (isSeparator(this.text.charAt(this.lastScalarBreak)) && !isZ(this.ch()))
      this.breaks.push(this.lastScalarBreak);
    this.insert(-1, this.simple("SCALAR", start, this.here()));
  }

  /**
   * A block scalar header that starts its line no deeper than the block collection it is a value
   * of (`key:` then `>` below it, at the key's column): go-yaml takes it as the value whatever its
   * column, the `yaml` package fails it ("Implicit keys need to be on a single line"). Its content
   * is read against the collection's indentation by both, so the header line is one of the pads.
   */
  private padShallowHeader(start: Mark): void {
    if (this.flowLevel > 0 || start.column > this.indent) return;
    const lineStart = start.index - start.column;
    if (this.text.slice(lineStart, start.index).trim() !== "") return;
    this.pads.push([lineStart, this.indent + 1 - start.column]);
  }

  /**
   * A line break inside a scalar. go-yaml reads a NEL there as `\n` (scannerc.go read_line) and
   * folds it as one, so it is one of the `breaks` to edit; a LS or PS it keeps as itself, in the
   * value, which the converters build from the source (line-separators.ts).
   */
  private skipScalarLine(): void {
    if (this.ch() === "\u0085") this.breaks.push(this.mark.index);
    this.lastScalarBreak = this.mark.index;
    this.skipLine();
  }

  private blockScalarBreaks(indentIn: number, start: Mark): number {
    let indent = indentIn;
    let maxIndent = 0;
    for (;;) {
      while ((indent === 0 || this.mark.column < indent) && this.ch() === " ") this.skip();
      if (this.mark.column > maxIndent) maxIndent = this.mark.column;
      if ((indent === 0 || this.mark.column < indent) && this.ch() === "\t")
        this.fail("found a tab character where an indentation space is expected", start);
      if (!isBreakChar(this.ch())) break;
      this.skipScalarLine();
    }
    if (indent === 0) indent = Math.max(maxIndent, this.indent + 1, 1);
    return indent;
  }

  private documentIndicatorHere(): boolean {
    const c = this.ch();
    return (
      this.mark.column === 0 &&
      (c === "-" || c === ".") &&
      this.ch(1) === c &&
      this.ch(2) === c &&
      isBlankZ(this.ch(3))
    );
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.here();
    this.skip();
    for (;;) {
      if (this.documentIndicatorHere()) this.fail("found unexpected document indicator", start);
      if (isZ(this.ch())) this.fail("found unexpected end of stream", start);
      while (!isBlankZ(this.ch())) {
        const c = this.ch();
        if (single && c === "'" && this.ch(1) === "'") {
          this.skip();
          this.skip();
        } else if (c === (single ? "'" : '"')) {
          break;
        } else if (!single && c === "\\" && isBreakChar(this.ch(1))) {
          this.skip();
          // an escaped LS or PS is an escaped line break to go-yaml, an unknown escape to `yaml`
          if (isSeparator(this.ch())) this.breaks.push(this.mark.index);
          this.skipScalarLine();
          break;
        } else if (!single && c === "\\") {
          const e = this.ch(1);
          const length = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
          if ((length === 0 && !"0abt\tnvfre \"'\\N_LP".includes(e)) || e === "")
            this.fail("found unknown escape character", start);
          this.skip();
          this.skip();
          if (length > 0) {
            let value = 0;
            for (let k = 0; k < length; k++) {
              if (!isHex(this.ch(k))) this.fail("did not find expected hexdecimal number", start);
              value = value * 16 + Number.parseInt(this.ch(k), 16);
            }
            if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff)
              this.fail("found invalid Unicode character escape code", start);
            for (let k = 0; k < length; k++) this.skip();
          }
        } else {
          this.skip();
        }
      }
      if (this.ch() === (single ? "'" : '"')) break;
      while (isBlankChar(this.ch()) || isBreakChar(this.ch())) {
        if (isBlankChar(this.ch())) this.skip();
        else this.skipScalarLine();
      }
    }
    this.skip();
    this.insert(-1, this.simple("SCALAR", start, this.here()));
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.here();
    let end = this.here();
    const indent = this.indent + 1;
    let leadingBlanks = false;
    const unicodeBreaks: number[] = [];
    for (;;) {
      if (this.documentIndicatorHere()) break;
      if (this.ch() === "#") break;
      while (!isBlankZ(this.ch())) {
        const c = this.ch();
        if ((c === ":" && isBlankZ(this.ch(1))) || (this.flowLevel > 0 && ",?[]{}".includes(c))) break;
        leadingBlanks = false;
        this.skip();
        end = this.here();
      }
      if (!(isBlankChar(this.ch()) || isBreakChar(this.ch()))) break;
      while (isBlankChar(this.ch()) || isBreakChar(this.ch())) {
        if (isBlankChar(this.ch())) {
          if (leadingBlanks && this.mark.column < indent && this.ch() === "\t")
            this.fail("found a tab character that violates indentation", start);
          this.skip();
        } else {
          if (this.ch() !== "\n" && this.ch() !== "\r") unicodeBreaks.push(this.mark.index);
          this.skipLine();
          leadingBlanks = true;
        }
      }
      if (this.flowLevel === 0 && this.mark.column < indent) break;
    }
    // Past the scalar's end they separate tokens; inside a multi-line one go-yaml folds a NEL as
    // `\n` and keeps a LS or PS (line-separators.ts builds the value).
    for (const at of unicodeBreaks)
      if (at >= end.index || this.text.charCodeAt(at) === 0x85) this.breaks.push(at);
    const token = this.simple("SCALAR", start, end);
    token.plain = true;
    this.insert(-1, token);
    if (this.flowLevel > 0 && start.line === end.line) {
      const value = this.text.slice(start.index, end.index);
      if (value === "-" || value.endsWith(":")) this.quoted.push([start.index, end.index]);
    }
    if (leadingBlanks) this.simpleKeyAllowed = true;
  }
}
