/**
 * sprig v3.3.0's b64enc/b64dec/b32enc/b32dec (strings.go). The decoders return Go's error
 * text instead of failing ("illegal base64 data at input byte 4"), as sprig does.
 */
import { utf8Decode, utf8Encode } from "../template/gostring.js";
import { type FuncTable, goFunc } from "./define.js";
import { CorruptInputError, decodeBase32, decodeBase64, encodeBase32 } from "./go/base-n.js";

function decodeOrMessage(decode: (b: Uint8Array) => Uint8Array, s: string): string {
  try {
    return utf8Decode(decode(utf8Encode(s)));
  } catch (e) {
    if (e instanceof CorruptInputError) return e.message;
    throw e;
  }
}

export const encodingFuncs: FuncTable = {
  b64enc: goFunc("func(v string) string", (v: string) => Buffer.from(utf8Encode(v)).toString("base64")),
  b64dec: goFunc("func(v string) string", (v: string) => decodeOrMessage(decodeBase64, v)),
  b32enc: goFunc("func(v string) string", (v: string) => encodeBase32(utf8Encode(v))),
  b32dec: goFunc("func(v string) string", (v: string) => decodeOrMessage(decodeBase32, v)),
};
