/**
 * sprig's random functions — randAlphaNum, randAlpha, randNumeric, randAscii (goutils
 * CryptoRandom*), randBytes and uuidv4 — drawing from the render's seeded `random()` instead
 * of crypto/rand, so a re-render of an unchanged release is identical.
 */
import type { GoInt } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { runtimeError } from "./go/panic.js";
import { isDigit, isLetter } from "./go/unicode.js";
import type { CallContext } from "./types.js";

/** A uniform integer in [0, n) from the context's source. */
export function randomInt(ctx: CallContext, n: number): number {
  return Math.min(n - 1, Math.floor(ctx.random() * n));
}

export function randomBytes(ctx: CallContext, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = randomInt(ctx, 256);
  return b;
}

/** goutils.CryptoRandom(count, start, end, letters, numbers) over ASCII; count < 0 → "" (sprig drops the error). */
function cryptoRandom(
  ctx: CallContext,
  count: bigint,
  start: number,
  end: number,
  letters: boolean,
  numbers: boolean,
) {
  if (count <= 0n) return "";
  if (count > 1n << 24n) throw runtimeError("makeslice: len out of range");
  let out = "";
  while (out.length < Number(count)) {
    const ch = start + randomInt(ctx, end - start);
    if ((letters && isLetter(ch)) || (numbers && isDigit(ch)) || (!letters && !numbers)) {
      out += String.fromCharCode(ch);
    }
  }
  return out;
}

function uuidv4(ctx: CallContext): string {
  const b = randomBytes(ctx, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Buffer.from(b).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const opts = { hermetic: false };

export const randomFuncs: FuncTable = {
  randAlphaNum: goFunc(
    "func(count int) string",
    function (count: GoInt) {
      return cryptoRandom(this, count.value, 32, 123, true, true);
    },
    opts,
  ),
  randAlpha: goFunc(
    "func(count int) string",
    function (count: GoInt) {
      return cryptoRandom(this, count.value, 32, 123, true, false);
    },
    opts,
  ),
  randNumeric: goFunc(
    "func(count int) string",
    function (count: GoInt) {
      return cryptoRandom(this, count.value, 32, 123, false, true);
    },
    opts,
  ),
  randAscii: goFunc(
    "func(count int) string",
    function (count: GoInt) {
      return cryptoRandom(this, count.value, 32, 127, false, false);
    },
    opts,
  ),
  randBytes: goFunc(
    "func(count int) (string, error)",
    function (count: GoInt) {
      if (count.value < 0n || count.value > 1n << 28n) throw runtimeError("makeslice: len out of range");
      return Buffer.from(randomBytes(this, Number(count.value))).toString("base64");
    },
    opts,
  ),
  uuidv4: goFunc(
    "func() string",
    function () {
      return uuidv4(this);
    },
    opts,
  ),
};
