/**
 * Go RE2 patterns (as written in `.sops.yaml` and in file metadata) as JS RegExps. The common
 * syntax is shared; the few RE2-only spellings are translated and anything we cannot
 * translate faithfully is rejected instead of silently matching something else.
 */
export function goRegex(pattern: string): RegExp {
  let flags = "";
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === "U") throw new Error(`regex ${JSON.stringify(pattern)}: the (?U) flag is not supported`);
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(lead[0].length);
  }
  if (/\(\?[imsU-]+[:)]/.test(src)) {
    throw new Error(`regex ${JSON.stringify(pattern)}: inline flags are only supported at the start`);
  }
  src = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\\A/g, "^(?<![\\s\\S])");
  try {
    return new RegExp(src, flags);
  } catch (err) {
    throw new Error(`regex ${JSON.stringify(pattern)} is not valid: ${(err as Error).message}`);
  }
}
