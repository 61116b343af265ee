/**
 * `.helmignore` as Helm 4.1.4 applies it when it loads a chart directory (pkg/ignore/rules.go):
 * one rule per line, `#` comments, `!` negation, a trailing `/` for directories only, a leading
 * `/` anchors at the chart root, a rule with a `/` matches the whole relative path, a rule
 * without one matches the base name; `**` is refused. Rules are tried in order and the first
 * that decides wins: a match ignores the path, a negated rule that does *not* match ignores it
 * too (Helm's quirk), a negated rule that matches moves on to the next rule. The default rule
 * `templates/.?*` is appended (dotfiles directly in templates/ are never loaded).
 */
import { BadPatternError, goPathMatch } from "../go/path-match.js";

interface Rule {
  raw: string;
  pattern: string;
  negate: boolean;
  mustDir: boolean;
  /** how the path is compared: the whole path, or only its base name */
  base: boolean;
  /** goPathMatch(pattern, subject), false where it fails */
  test: (subject: string) => boolean;
}

const META = /[*?[\\]/;

/**
 * A matcher for one pattern. Most rules are a name (`.git`, `OWNERS`), one `*` between literal
 * parts (`*.swp`, `kube-prometheus-*.tgz`) or Helm's default `templates/.?*`. filepath.Match
 * compares a pattern without metacharacters byte for byte; `*` takes any run without a `/`, and
 * `?*` a non-empty one. These are decided without the general matcher, which every file of a chart
 * met once per rule (~4-7 ms of kube-prometheus-stack's 350 files).
 */
function matcherOf(pattern: string): (subject: string) => boolean {
  if (!META.test(pattern)) return (subject) => subject === pattern;
  const star = pattern.indexOf("*");
  const one = star > 0 && pattern[star - 1] === "?" ? 1 : 0;
  const head = pattern.slice(0, star - one);
  const tail = pattern.slice(star + 1);
  if (star >= 0 && !META.test(head) && !META.test(tail)) {
    const min = head.length + one + tail.length;
    return (subject) => {
      if (subject.length < min || !subject.startsWith(head) || !subject.endsWith(tail)) return false;
      const end = subject.length - tail.length;
      for (let i = head.length; i < end; i++) if (subject.charCodeAt(i) === 0x2f) return false;
      return true;
    };
  }
  return (subject) => {
    try {
      return goPathMatch(pattern, subject);
    } catch {
      return false;
    }
  };
}

export class IgnoreRules {
  private readonly rules: Rule[] = [];

  /** Rules of a `.helmignore` file (empty text: no rules), followed by Helm's default. */
  static parse(text: string): IgnoreRules {
    const r = new IgnoreRules();
    const body = text.startsWith("\ufeff") ? text.slice(1) : text;
    for (const line of body.split(/\r?\n/)) r.add(line);
    r.add("templates/.?*");
    return r;
  }

  private add(line: string): void {
    let rule = line.trim();
    if (rule === "" || rule.startsWith("#")) return;
    if (rule.includes("**")) throw new Error("double-star (**) syntax is not supported");
    try {
      goPathMatch(rule, "abc");
    } catch (e) {
      // Helm returns filepath.ErrBadPattern as it is.
      if (e instanceof BadPatternError) throw new Error("syntax error in pattern");
      throw e;
    }
    const raw = rule;
    const negate = rule.startsWith("!");
    if (negate) rule = rule.slice(1);
    const mustDir = rule.endsWith("/");
    if (mustDir) rule = rule.slice(0, -1);
    let base = false;
    if (rule.startsWith("/")) rule = rule.slice(1);
    else if (!rule.includes("/")) base = true;
    this.rules.push({ raw, pattern: rule, negate, mustDir, base, test: matcherOf(rule) });
  }

  /** Whether Helm skips `path` (relative, `/`-separated); directories skip their whole tree. */
  ignores(path: string, isDir: boolean): boolean {
    if (path === "" || path === "." || path === "./") return false;
    const base = baseName(path);
    for (const r of this.rules) {
      const subject = r.base ? base : path;
      const matched = r.test(subject);
      if (r.negate) {
        if (r.mustDir && !isDir) return true;
        if (!matched) return true;
        continue;
      }
      if (r.mustDir && !isDir) continue;
      if (matched) return true;
    }
    return false;
  }
}

/** Go's filepath.Base for a relative `/` path. */
function baseName(p: string): string {
  let end = p.length;
  while (end > 0 && p.charCodeAt(end - 1) === 47) end--;
  if (end === 0) return "/";
  const trimmed = end === p.length ? p : p.slice(0, end);
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}
