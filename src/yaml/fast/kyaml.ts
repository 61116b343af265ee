/**
 * A fast tree read the way ../parse.ts reads the `yaml` package's nodes (kustomize's kyaml, or
 * sigs.k8s.io/yaml.YAMLToJSON with `yamlToJson`), with the same resolution functions. Where
 * parse.ts would fail (duplicate or non-string keys, unprintable numbers), or where the input
 * needs a construct the fast tree does not carry (merge keys), this bails so that parse.ts
 * reports it.
 */
import type { YamlMap, YamlValue } from "../../kustomize/types.js";
import { markEmptyNull } from "../empty-null.js";
import { goFoldedText, v3BlockAllowed } from "../folded.js";
import { jsonKey, setKey } from "../json-key.js";
import { type Resolved, resolvePlain, resolvePlainV2 } from "../resolve.js";
import { markScalarText } from "../scalar-text.js";
import {
  bail,
  type FastMap,
  type FastNode,
  type FastPair,
  type FastScalar,
  MAX_ALIASED_NODES,
} from "./nodes.js";

export interface KyamlReadOptions {
  yamlToJson?: boolean;
}

export function kyamlValue(node: FastNode, options: KyamlReadOptions): YamlValue {
  const yamlToJson = options.yamlToJson === true;
  const reader = new KyamlReader(yamlToJson);
  if (!yamlToJson) reader.markTextsIn(node);
  return reader.convert(node, 0, false);
}

class KyamlReader {
  private inAlias = 0;
  private aliased = 0;
  /**
   * metadata, metadata.annotations and metadata.labels: the values of the last two and the name
   * and namespace of the first keep their text (../scalar-text.ts).
   */
  private metadata: FastMap | undefined;
  private annotations: FastMap | undefined;
  private labels: FastMap | undefined;

  constructor(private readonly yamlToJson: boolean) {}

  markTextsIn(root: FastNode): void {
    if (root.kind !== "map") return;
    const metadata = field(root, "metadata");
    if (metadata?.kind !== "map") return;
    this.metadata = metadata;
    const annotations = field(metadata, "annotations");
    if (annotations?.kind === "map") this.annotations = annotations;
    const labels = field(metadata, "labels");
    if (labels?.kind === "map") this.labels = labels;
  }

  convert(node: FastNode, depth: number, flow: boolean): YamlValue {
    if (this.inAlias > 0 && ++this.aliased > MAX_ALIASED_NODES) bail();
    switch (node.kind) {
      case "scalar":
        if (node.style === "plain" && isPlainText(node.text, this.yamlToJson)) return node.text;
        return scalar(node, flow, this.yamlToJson).value as YamlValue;
      case "map":
        return this.mapping(node, depth, flow || node.flow);
      case "alias": {
        this.inAlias++;
        const value = this.convert(node.target, depth, flow);
        this.inAlias--;
        return value;
      }
      default: {
        const inFlow = flow || node.flow;
        const out: YamlValue[] = new Array(node.items.length);
        for (let i = 0; i < out.length; i++)
          out[i] = this.convert(node.items[i] as FastNode, depth + 1, inFlow);
        return out;
      }
    }
  }

  private mapping(node: FastMap, depth: number, flow: boolean): YamlMap {
    const yamlToJson = this.yamlToJson;
    const out: YamlMap = {};
    // In kyaml mode a key is its text; YAMLToJSON may turn two texts into one key, or one text
    // (`1.0` and "1.0") into two, and parse.ts checks duplicates by text.
    const texts = yamlToJson && node.pairs.length > 1 ? new Set<string>() : undefined;
    const pairs = node.pairs;
    let cleared = false;
    const written = node === this.annotations || node === this.labels;
    for (let i = 0; i < pairs.length; i++) {
      const { key, value } = pairs[i] as FastPair;
      if (texts) {
        if (texts.has(key.text)) bail();
        texts.add(key.text);
      }
      if (key.text === "<<") {
        // A merge key needs the full path; a quoted "<<" is dropped as kyaml drops the first
        // (parse.ts kyamlClearedEntry): a second is the full path's.
        if (key.style === "plain" || (cleared && !yamlToJson)) bail();
        cleared = true;
        continue;
      }
      const k = keyOf(key, depth, flow, yamlToJson);
      // Duplicates are errors (or, for kustomizations, a rule of their own): the full path's call.
      if (Object.hasOwn(out, k)) bail();
      const v = this.convert(value, depth + 1, flow);
      setKey(out, k, v);
      if (written || (node === this.metadata && (k === "name" || k === "namespace")))
        markText(out, k, v, value);
      if (v === null && value.kind === "scalar" && value.text === "") markEmptyNull(out, k);
    }
    return out;
  }
}

function field(map: FastMap, key: string): FastNode | undefined {
  return map.pairs.find((p) => p.key.text === key)?.value;
}

/** Keeps the text of `out[k]`, read from `node`, where it is not the value's own (a plain string). */
function markText(out: YamlMap, k: string, v: YamlValue, node: FastNode): void {
  while (node.kind === "alias") node = node.target;
  if (node.kind === "scalar" && v !== node.text) markScalarText(out, k, v, node.text);
}

function scalar(node: FastScalar, flow: boolean, yamlToJson: boolean): Resolved {
  let text = node.text;
  if (node.style === "plain") {
    // kustomize re-emits flow collections as flow; an empty value there comes back as "".
    if (flow && text === "") return { tag: "str", value: "" };
    const r = yamlToJson ? resolvePlainV2(text) : resolvePlain(text, !(flow && text.includes(":")));
    if (r.tag === "timestamp" && r.value === null) bail();
    if (typeof r.value === "number" && !Number.isFinite(r.value)) bail();
    return r;
  }
  if (!yamlToJson && (node.style === "literal" || node.style === "folded")) {
    if (node.style === "folded") text = goFoldedText(text);
    if (text.startsWith("\t") && v3BlockAllowed(text)) bail();
  }
  return { tag: "str", value: text };
}

/**
 * A plain scalar that both readers resolve to its own text, told without resolvePlain (whose
 * table lookup and result object cost on every key and word of a CRD): it starts with an ASCII
 * letter, and with none that starts a bool or null word (v2 adds `yes`/`no`/`on`/`off`/`y`/`n`)
 * or is longer than all of those (`false`). Numbers, timestamps, `.inf` and `<<` start otherwise.
 */
function isPlainText(s: string, yamlToJson: boolean): boolean {
  const c = s.charCodeAt(0) | 0x20; // ASCII letters in lower case
  if (c < 0x61 || c > 0x7a) return false;
  if (s.length > 5) return true;
  if (c === 0x74 || c === 0x66 || c === 0x6e) return false; // t f n
  return !(yamlToJson && (c === 0x79 || c === 0x6f)); // y o
}

function keyOf(key: FastScalar, depth: number, flow: boolean, yamlToJson: boolean): string {
  if (
    key.style === "plain"
      ? isPlainText(key.text, yamlToJson)
      : key.style !== "literal" && key.style !== "folded"
  )
    return key.text;
  const r = scalar(key, flow, yamlToJson);
  if (r.tag === "str") return r.value as string;
  if (yamlToJson) return jsonKey(r) ?? bail();
  if (r.tag === "null" || depth > 0) bail();
  // The top level of a resource decodes into map[string]interface{}: other keys keep their text.
  return key.text;
}
