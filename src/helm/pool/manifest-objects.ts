/**
 * The objects of a rendered manifest or hook as a HelmRelease applies them: the documents of
 * its text that are maps (src/platform/helmreleases.ts releaseObjects). A render worker parses
 * them itself, from the scans its sort kept (manifest-scans.ts), and sends them in the value
 * codec's JSON (src/cache/value-codec.ts, lossless for the value model), which the main thread
 * reads with one JSON.parse instead of scanning and parsing the YAML again: the worker's scans
 * do not travel, and that parse was ~64 ms of the main thread in the cold check of bjw-s
 * home-ops with one worker.
 */
import { decoderOf, encodedJson, parseBody } from "../../cache/value-codec.js";
import { isMap, type KObject } from "../../kustomize/types.js";
import { parseYamlDocuments, parseYamlDocumentsScanned } from "../../yaml/parse.js";
import { takeScan } from "../manifest-scans.js";
import type { Manifest } from "../manifests.js";

/** The objects of `text` (`m`'s content, or it with a line break after it), from `m`'s kept scan where there is one. */
export function manifestObjects(m: Manifest, text: string): KObject[] {
  const scanned = takeScan(m, text);
  const docs = scanned ? parseYamlDocumentsScanned(text, m.path, scanned) : parseYamlDocuments(text, m.path);
  return docs.flatMap((d) => (isMap(d.value) ? [d.value as KObject] : []));
}

/**
 * The text a worker sends: the objects HelmReleases read, those of the content with a line
 * break after it (as post-renderers read it; a hook applied without them is parsed where it
 * is applied). Undefined when the text does not parse: the main thread parses it again and
 * fails the release with the parser's own error.
 */
export function encodeManifestObjects(m: Manifest): string | undefined {
  try {
    return encodedJson(manifestObjects(m, `${m.content}\n`));
  } catch {
    return undefined;
  }
}

/** The JSON text of a manifest's objects as a worker sent them, by the Manifest or Hook decoded with it. */
const sent = new WeakMap<Manifest, string>();

export function keepManifestObjects(m: Manifest, json: string): void {
  sent.set(m, json);
}

/**
 * The objects of `text` when a worker sent them for `m` (they are of its content and a line
 * break: see encodeManifestObjects); undefined otherwise. Each call gives objects of its own
 * (the caller labels them in place).
 */
export function sentManifestObjects(m: Manifest, text: string): KObject[] | undefined {
  const json = sent.get(m);
  // `text === m.content + "\n"` without joining a copy of the content.
  const sentText = text.length === m.content.length + 1 && text.endsWith("\n") && text.startsWith(m.content);
  if (json === undefined || !sentText) return undefined;
  const body = parseBody(json);
  const decode = decoderOf(body);
  return (body as unknown[]).map((o) => decode(o) as KObject);
}
