/**
 * The message of a failing `tpl`: Helm's `error during tpl function execution for "TEMPLATE":
 * CAUSE`, which quotes the whole template at every level of a tpl that calls tpl. A template
 * calling itself, padded to 50 K characters, made a 60 MB message over its ~1,200 levels (15 s
 * and 2.3 GB to print it; a longer one would end the process). Once the message passes
 * MAX_TPL_ERROR_CHARS, a level quotes only the template's start, and says so.
 */
import { quote } from "./template/index.js";

export const MAX_TPL_ERROR_CHARS = 1 << 18;
/** The characters of a template quoted past the limit. */
const QUOTED_START = 200;

export function tplErrorMessage(template: string, cause: string): string {
  if (template.length + cause.length <= MAX_TPL_ERROR_CHARS) {
    return `error during tpl function execution for ${quote(template)}: ${cause}`;
  }
  let start = template.slice(0, QUOTED_START);
  // Never half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(start)) start = start.slice(0, -1);
  return `error during tpl function execution for ${quote(start)}… (a template of ${template.length} characters, quoted in part: Slipway's limit for an error): ${cause}`;
}
