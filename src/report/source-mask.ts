/**
 * Structural masking of source text: a plain (not SOPS-encrypted) Secret manifest in the
 * repository holds its values in clear, so the source view blanks every value under its
 * top-level `data:` and `stringData:` whatever the value is (short, numeric, multi-line),
 * instead of relying on remembered values alone. Errs on the side of masking: any document
 * with a top-level `kind: Secret` is treated so.
 */
const SECRET_KIND = /^kind:\s*["']?Secret["']?\s*(#.*)?$/m;
const SOPS_KEY = /^sops:\s*$/m;
const VALUE_BLOCK = /^(data|stringData):(.*)$/;

export const MASKED_VALUE = "<masked>";

export function maskSecretManifests(text: string): string {
  const lines = text.split("\n");
  let docStart = 0;
  const out: string[] = [];
  const flush = (end: number) => {
    const doc = lines.slice(docStart, end);
    out.push(...(isPlainSecret(doc) ? maskDocument(doc) : doc));
    docStart = end;
  };
  for (let i = 0; i < lines.length; i++) {
    if (i > docStart && /^---(\s|$)/.test(lines[i]!)) flush(i);
  }
  flush(lines.length);
  return out.join("\n");
}

function isPlainSecret(doc: string[]): boolean {
  const text = doc.join("\n");
  return SECRET_KIND.test(text) && !SOPS_KEY.test(text);
}

function maskDocument(doc: string[]): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const line of doc) {
    const top = VALUE_BLOCK.exec(line);
    if (top) {
      inBlock = true;
      const rest = top[2]!.trim();
      // Flow style or a scalar on the same line: hide it all.
      out.push(rest === "" || rest.startsWith("#") ? line : `${top[1]}: ${MASKED_VALUE}`);
      continue;
    }
    if (inBlock && (line === "" || /^\s/.test(line))) {
      out.push(maskEntry(line));
      continue;
    }
    inBlock = false;
    out.push(line);
  }
  return out;
}

/** `  key: value` → `  key: <masked>`; a continuation line (block scalar) is blanked. */
function maskEntry(line: string): string {
  if (line.trim() === "" || line.trim().startsWith("#")) return line;
  const m = /^(\s+)(["']?[^"':#]+["']?):(\s|$)/.exec(line);
  if (m) return `${m[1]}${m[2]}: ${MASKED_VALUE}`;
  return `${/^\s*/.exec(line)![0]}${MASKED_VALUE}`;
}
