/**
 * Where a UTF-8 byte order mark is no content. go-yaml (v2 and v3) drops one at the start of a
 * stream only (readerc.go, yaml_parser_determine_encoding): elsewhere it is a character, and a
 * key that starts with it is another key (`---\n<BOM>resources:` is the unknown field
 * "\ufeffresources" to kustomize). kyaml reads a resource file as one stream per document (kio
 * ByteReader: CR-LF made LF, then split at every `\n---` line, splitDocuments), so there a BOM
 * right after such a separator starts a stream too; a `---` on the first line separates nothing.
 * The `yaml` package reads `<BOM>- a` as an error, and a BOM after a separator as content.
 * Removed in place: only that line's columns move.
 */

/** The text without a BOM at its start (every go-yaml read). */
export function withoutStreamBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The text without a BOM at the start of any of kyaml's documents (resource files). */
export function withoutDocumentBoms(text: string): string {
  if (!text.includes("\ufeff")) return text;
  return withoutStreamBom(text).replace(/(\r?\n---[^\n]*\n)\ufeff/g, "$1");
}
