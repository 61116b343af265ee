/**
 * Where a UTF-8 byte order mark is no content. go-yaml (v2 and v3) drops one at the start of a
 * stream only (readerc.go, yaml_parser_determine_encoding): elsewhere it is a character, and a
 * key that starts with it is another key (`---\n<BOM>resources:` is the unknown field
 * "\ufeffresources" to kustomize). kyaml reads a resource file as one stream per document (kio
 * ByteReader: CR-LF made LF, then split at every `\n---` line, splitDocuments), so there a BOM
 * right after such a separator starts a stream too; a `---` on the first line separates nothing.
 * The `yaml` package reads `<BOM>- a` as an error, and a BOM after a separator as content.
 * Removed in place: only that line's columns move.
 *
 * A stream that starts with two BOMs is refused. go-yaml drops the first, and its is_bom looks
 * at the start of its read buffer whatever the index it is given (yamlprivateh.go): while that
 * buffer still starts with the second BOM (about the first 509 bytes, its 512-byte reads) it
 * skips the first character of every line it starts a token on. kubectl and Flux then fail the
 * file or read another one (keys and list items losing their first character), depending on
 * where its reads fall; no reader of the text as written agrees with them.
 */
import { SlipwayError } from "../errors.js";
import { positionOf } from "./limits.js";

/** The text without a BOM at its start (every go-yaml read). */
export function withoutStreamBom(text: string, file?: string): string {
  if (text.charCodeAt(0) !== 0xfeff) return text;
  if (text.charCodeAt(1) === 0xfeff) refuseTwoBoms(text, 0, file);
  return text.slice(1);
}

/** The text without a BOM at the start of any of kyaml's documents (resource files). */
export function withoutDocumentBoms(text: string, file?: string): string {
  if (!text.includes("\ufeff")) return text;
  return withoutStreamBom(text, file).replace(
    /(\r?\n---[^\n]*\n)\ufeff(\ufeff)?/g,
    (_, separator: string, second: string | undefined, offset: number, whole: string) => {
      if (second !== undefined) refuseTwoBoms(whole, offset + separator.length, file);
      return separator;
    },
  );
}

function refuseTwoBoms(text: string, offset: number, file: string | undefined): never {
  throw new SlipwayError(
    "a YAML document starts with two byte order marks (U+FEFF): kubectl and Flux misread it, dropping the first character of its lines; remove one",
    { ...(file !== undefined ? { file } : {}), line: positionOf(text, offset).line },
  );
}
