/**
 * ArtifactGenerator `spec.pathPattern` (source-watcher internal/controller/
 * artifactgenerator_pathpattern.go): `@alias/apps/{app}/envs/{env}` walks the source's
 * directories; each one whose source-relative path matches (captures never cross `/`)
 * stamps out every artifact, with `{name}` placeholders replaced — lower-cased in artifact
 * names and labels, as written in copy paths. Invalid captures, label values, names and
 * collisions are terminal errors.
 */
import type { FileSystem } from "../fs/filesystem.js";
import { GoRegexp } from "../go/regexp.js";
import type { CopyOperation } from "./copy.js";
import { dnsSubdomainErrors, labelKeyErrors, labelValueErrors } from "./k8s-names.js";

export interface OutputArtifactSpec {
  name: string;
  revision?: string;
  originRevision?: string;
  copy: CopyOperation[];
}

export interface ArtifactRequest extends OutputArtifactSpec {
  /** Capture labels (normalized) when stamped out by a path pattern. */
  labels?: Record<string, string>;
  /** The matched directory (source-relative) when stamped out by a path pattern. */
  match?: string;
}

export class PathPatternError extends Error {}

const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function buildArtifactRequests(
  pathPattern: string | undefined,
  artifacts: readonly OutputArtifactSpec[],
  sourceOf: (alias: string) => { fs: FileSystem; root: string } | undefined,
): ArtifactRequest[] {
  if (!pathPattern) return artifacts.map((a) => ({ ...a }));
  const slash = pathPattern.indexOf("/");
  if (slash < 0 || !pathPattern.startsWith("@")) {
    throw new PathPatternError(`invalid pathPattern format: ${pathPattern}`);
  }
  const alias = pathPattern.slice(1, slash);
  const pattern = pathPattern.slice(slash + 1);
  const src = sourceOf(alias);
  if (!src)
    throw new PathPatternError(
      `pathPattern "${pathPattern}": source alias ${alias} not found in local sources`,
    );
  const names = validateCaptures(pathPattern, pattern);
  for (const n of names) {
    const errs = labelKeyErrors(n);
    if (errs.length > 0) {
      throw new PathPatternError(
        `pathPattern "${pathPattern}": capture variable "${n}" is not a valid Kubernetes label key: ${errs.join("; ")}`,
      );
    }
  }
  // RE2, as source-watcher's Go regexp: the pattern and the directory names come from the
  // repository, and adjacent captures (`{a}{b}{c}…`) backtrack polynomially on JavaScript's engine.
  const order: string[] = [];
  const matcher = new GoRegexp(
    `^${pattern
      .split(/(\{[A-Za-z0-9_]+\})/)
      .map((part) => {
        if (!/^\{[A-Za-z0-9_]+\}$/.test(part)) return escapeRegex(part);
        order.push(part.slice(1, -1));
        return "([^/]+)";
      })
      .join("")}$`,
  );
  const reqs: ArtifactRequest[] = [];
  const seen = new Map<string, string>();
  const visit = (rel: string) => {
    const m = matcher.findSubmatchIndex(rel);
    if (!m) return;
    const groups: Record<string, string> = {};
    for (const [i, n] of order.entries()) groups[n] = rel.slice(m[2 * i + 2]!, m[2 * i + 3]!);
    const raw: Record<string, string> = {};
    const normalized: Record<string, string> = {};
    for (const n of names) {
      raw[n] = groups[n]!;
      normalized[n] = raw[n]!.toLowerCase();
    }
    for (const [k, v] of Object.entries(normalized)) {
      const errs = labelValueErrors(v);
      if (errs.length > 0) {
        throw new PathPatternError(
          `pathPattern "${pathPattern}": captured value "${v}" for variable "${k}" is not a valid Kubernetes label value: ${errs.join("; ")}`,
        );
      }
    }
    for (const oa of artifacts) {
      let req: ArtifactRequest;
      try {
        req = {
          ...oa,
          name: renderPlaceholders(oa.name, normalized),
          copy: oa.copy.map((c) => ({
            ...c,
            from: renderPlaceholders(c.from, raw),
            to: renderPlaceholders(c.to, raw),
          })),
          labels: normalized,
          match: rel,
        };
      } catch (err) {
        throw new PathPatternError(
          `pathPattern "${pathPattern}": failed to render artifact ${oa.name} for match ${rel}: ${(err as Error).message}`,
        );
      }
      const errs = dnsSubdomainErrors(req.name);
      if (errs.length > 0) {
        throw new PathPatternError(
          `pathPattern "${pathPattern}": rendered artifact name "${req.name}" is not a valid Kubernetes object name: ${errs.join("; ")}`,
        );
      }
      const prev = seen.get(req.name);
      if (prev !== undefined) {
        throw new PathPatternError(
          `pathPattern "${pathPattern}": directories "${prev}" and "${rel}" both resolve to artifact name "${req.name}"`,
        );
      }
      seen.set(req.name, rel);
      reqs.push(req);
    }
  };
  // filepath.WalkDir: lexical order, depth first, directories only.
  const walk = (abs: string, rel: string, depth: number) => {
    if (depth > 256) return;
    for (const name of src.fs.readDir(abs)) {
      const childAbs = abs === "/" ? `/${name}` : `${abs}/${name}`;
      if (!src.fs.isDirectory(childAbs)) continue;
      const childRel = rel === "" ? name : `${rel}/${name}`;
      visit(childRel);
      walk(childAbs, childRel, depth + 1);
    }
  };
  if (src.fs.isDirectory(src.root)) walk(src.root, "", 0);
  return reqs;
}

function validateCaptures(pathPattern: string, pattern: string): string[] {
  const seen: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "{") {
      const end = pattern.indexOf("}", i + 1);
      if (end < 0) {
        throw new PathPatternError(
          `pathPattern "${pathPattern}": invalid capture starting at offset ${i}: missing closing brace`,
        );
      }
      const name = pattern.slice(i + 1, end);
      if (name === "") throw new PathPatternError(`pathPattern "${pathPattern}": empty capture variable`);
      if (!CAPTURE_NAME.test(name)) {
        throw new PathPatternError(
          `pathPattern "${pathPattern}": capture variable "${name}" must be a valid capture name matching [A-Za-z_][A-Za-z0-9_]*`,
        );
      }
      if (seen.includes(name)) {
        throw new PathPatternError(`pathPattern "${pathPattern}": duplicate capture variable "${name}"`);
      }
      seen.push(name);
      i = end;
    } else if (c === "}") {
      throw new PathPatternError(
        `pathPattern "${pathPattern}": invalid capture ending at offset ${i}: missing opening brace`,
      );
    }
  }
  return seen;
}

/** renderTemplateString: `{name}` replaced from `data`; unknown or malformed names are errors. */
export function renderPlaceholders(tmpl: string, data: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < tmpl.length; i++) {
    const c = tmpl[i]!;
    if (c === "{") {
      const end = tmpl.indexOf("}", i + 1);
      if (end < 0) {
        throw new Error(
          `invalid template "${tmpl}": capture starting at offset ${i} is missing closing brace`,
        );
      }
      const name = tmpl.slice(i + 1, end);
      if (name === "") throw new Error(`invalid template "${tmpl}": empty capture variable`);
      if (!CAPTURE_NAME.test(name)) {
        throw new Error(
          `invalid template "${tmpl}": capture variable "${name}" must be a valid capture name matching [A-Za-z_][A-Za-z0-9_]*`,
        );
      }
      if (!Object.hasOwn(data, name)) {
        throw new Error(
          `invalid template "${tmpl}": capture variable "${name}" is not defined by pathPattern`,
        );
      }
      out += data[name];
      i = end;
    } else if (c === "}") {
      throw new Error(`invalid template "${tmpl}": capture ending at offset ${i} is missing opening brace`);
    } else {
      out += c;
    }
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
