/**
 * The `slugify` template function: gosimple/slug `Make` with the settings the Flux Operator
 * uses (MaxLength 63, smart truncation): trim; English substitutions (`&` → "and", `@` → "at",
 * quotes dropped, typographic dashes → `-`); non-ASCII transliterated; lower case; every
 * character outside [a-z0-9_-] becomes `-`; runs of `-` collapse; `-`/`_` trimmed at the ends;
 * cut at the last `-` before 63 characters.
 *
 * differs because: gosimple/unidecode transliterates every script with large tables; here
 * Latin letters are decomposed (é → e) plus a few ligatures (ß, æ, ø, œ, ł, đ, þ), and other
 * scripts fall back to `-`. Slugs of ASCII and Latin text are identical.
 */
const MAX_LENGTH = 63;

const SUBSTITUTIONS: Record<string, string> = {
  "&": "and",
  "@": "at",
  '"': "",
  "'": "",
  "\u2019": "",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
};

const LIGATURES: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  ø: "o",
  Ø: "O",
  œ: "oe",
  Œ: "OE",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  þ: "th",
  Þ: "TH",
  ð: "d",
  Ð: "D",
  ı: "i",
};

export function slugify(s: string): string {
  let slug = "";
  for (const ch of s.trim()) slug += SUBSTITUTIONS[ch] ?? ch;
  slug = [...slug]
    .map((ch) => LIGATURES[ch] ?? ch)
    .join("")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "");
  slug = slug.toLowerCase();
  slug = slug.replace(/[^a-zA-Z0-9\-_]/gu, "-");
  slug = slug.replace(/-+/g, "-");
  slug = slug.replace(/^[-_]+|[-_]+$/g, "");
  return smartTruncate(slug);
}

function smartTruncate(text: string): string {
  if (text.length <= MAX_LENGTH) return text;
  for (let i = MAX_LENGTH; i >= 0; i--) if (text[i] === "-") return text.slice(0, i);
  return text.slice(0, MAX_LENGTH);
}
