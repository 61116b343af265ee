/**
 * `.Files` (Helm 4.1.4 pkg/engine/files.go): the chart's non-template files as a
 * `map[string][]byte` with methods. `Get`/`GetBytes` return empty for a missing file, `Glob` uses
 * gobwas/glob with `/` as separator (an invalid pattern matches everything, as Helm falls back to
 * `**`), `Lines` splits on "\n" after dropping one trailing newline, `AsConfig`/`AsSecrets` print
 * a YAML map of base names to contents (base64 for secrets) the way toYAML does.
 */

import type { YamlMap } from "../kustomize/types.js";
import { emitYaml } from "../yaml/index.js";
import type { ChartFile } from "./chart.js";
import { GoFuncError } from "./funcs/types.js";
import { compileGobwasGlob } from "./glob.js";
import { utf8Decode } from "./template/gostring.js";
import { GoMap, type GoMethod, type GoObject, type GoValue, NO_FIELD, sliceOf } from "./template/value.js";

const EMPTY = new Uint8Array(0);

/** Go's path.Base. */
function baseName(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

/** toYAML of a map[string]string: sigs.k8s.io/yaml.Marshal without the final newline. */
function yamlOfStrings(entries: Map<string, string>): string {
  const obj: YamlMap = {};
  for (const [k, v] of entries) Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true });
  return emitYaml(obj).replace(/\n$/, "");
}

const method = (params: string[], call: (args: GoValue[]) => GoValue): GoMethod => ({ params, call });

export interface FilesObject extends GoObject {
  jsonValue(): GoValue;
}

/**
 * The `.Files` object over a chart's files (later files with the same name win, as in a Go map).
 * It holds the files, not their bytes: a chart file read from disk may be read only when its
 * `data` is first asked for (chart-source.ts), and most files of a chart (kube-prometheus-stack's
 * 4.5 MB of crds/) are never looked at by its templates.
 */
export function filesObject(files: readonly ChartFile[] | ReadonlyMap<string, ChartFile>): FilesObject {
  const map =
    files instanceof Map ? (files as ReadonlyMap<string, ChartFile>) : toMap(files as readonly ChartFile[]);
  const get = (name: string): Uint8Array => map.get(name)?.data ?? EMPTY;
  const asMap = (render: (data: Uint8Array) => string): Map<string, string> => {
    const out = new Map<string, string>();
    for (const [k, v] of map) out.set(baseName(k), render(v.data));
    return out;
  };
  return {
    goType: "engine.files",
    goKind: "map",
    field: () => NO_FIELD,
    method: (name) => {
      switch (name) {
        case "GetBytes":
          return method(["string"], ([n]) => get(n as string));
        case "Get":
          return method(["string"], ([n]) => utf8Decode(get(n as string)));
        case "Glob":
          return method(["string"], ([p]) => {
            const re = compileGobwasGlob(p as string);
            const matched = new Map<string, ChartFile>();
            for (const [k, v] of map) if (!re || re.test(k)) matched.set(k, v);
            return filesObject(matched);
          });
        case "Lines":
          return method(["string"], ([p]) => {
            const data = map.get(p as string)?.data;
            if (data === undefined) return sliceOf([], "string");
            // quirk kept: Helm indexes the last byte, so an empty file (read from a directory) panics.
            if (data.length === 0) throw new GoFuncError("runtime error: index out of range [-1]");
            let s = utf8Decode(data);
            if (s.endsWith("\n")) s = s.slice(0, -1);
            return sliceOf(s.split("\n"), "string");
          });
        case "AsConfig":
          return method([], () => yamlOfStrings(asMap((d) => utf8Decode(d))));
        case "AsSecrets":
          return method([], () => yamlOfStrings(asMap((d) => Buffer.from(d).toString("base64"))));
        default:
          return undefined;
      }
    },
    fmtValue: () =>
      new GoMap(
        [...map].map(([k, v]): [string, GoValue] => [k, v.data]),
        "map[string][]uint8",
      ),
    jsonValue: () => new GoMap([...map].map(([k, v]): [string, GoValue] => [k, v.data])),
  };
}

function toMap(files: readonly ChartFile[]): Map<string, ChartFile> {
  const m = new Map<string, ChartFile>();
  for (const f of files) m.set(f.name, f);
  return m;
}
