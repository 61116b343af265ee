/**
 * node:crypto, loaded when something is first hashed, signed or drawn at random: it costs a fresh
 * process ~6 ms, and the modules every command loads first (errors.ts with url-credentials.ts,
 * the workflow-command guard of cli/main.ts) use it only on paths most runs never take;
 * `slipway --version` and the usage text need none of it.
 *
 * Apart from src/fs/lazy-modules.ts, whose chunk holds tar's code: every command loads this one.
 * In the bundle `require` is the chunk's own; the ES modules of dist/ and the tests take Node's.
 */
import type * as Crypto from "node:crypto";
import { createRequire } from "node:module";

let crypto: typeof Crypto | undefined;

export function cryptoModule(): typeof Crypto {
  crypto ??= (
    typeof require === "function" ? require("node:crypto") : createRequire(import.meta.url)("node:crypto")
  ) as typeof Crypto;
  return crypto;
}
