/**
 * A second reader of SOPS files, written from /work/shared/vectors/sops/SPEC.md and sharing no
 * code with src/sops: the `yaml` package parses, Go's `age` CLI unwraps the data key, Node's
 * crypto opens each value. It checks what real sops checks on `sops decrypt` (every ENC value
 * opens under its key path, the MAC over all values in order matches), and returns the values,
 * which leaves were encrypted, and the key paths, so that a test can compare them with the
 * plaintext and the selection rules. YAML (one document), JSON, dotenv and binary.
 */
import { execFileSync } from "node:child_process";
import { createDecipheriv, createHash } from "node:crypto";
import { isMap, isScalar, isSeq, type Node, parseDocument } from "yaml";

export type Leaf = string | number | boolean;

export interface ReadLeaf {
  /** Map keys on the way down (list indices are not part of a sops path). */
  path: string[];
  value: Leaf;
  encrypted: boolean;
}

export interface ReadFile {
  leaves: ReadLeaf[];
  /** binary files: the bytes */
  bytes?: Buffer;
  metadata: Record<string, unknown>;
}

const ENC = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;

/** SPEC §3: data‖tag opened with the 32-byte IV, the path as additional data. */
function open(text: string, key: Buffer, aad: string): { bytes: Buffer; type: string } {
  const m = ENC.exec(text);
  if (!m) throw new Error(`not an ENC value at ${aad}`);
  const sealed = Buffer.concat([Buffer.from(m[1]!, "base64"), Buffer.from(m[3]!, "base64")]);
  const d = createDecipheriv("aes-256-gcm", key, Buffer.from(m[2]!, "base64"));
  d.setAAD(Buffer.from(aad, "utf8"));
  d.setAuthTag(sealed.subarray(-16));
  return { bytes: Buffer.concat([d.update(sealed.subarray(0, -16)), d.final()]), type: m[4]! };
}

/** SPEC §3.1, read side. */
function typed(bytes: Buffer, type: string): Leaf {
  const s = bytes.toString("utf8");
  if (type === "str") return s;
  if (type === "int") return Number(s);
  if (type === "bool") return /^(1|t|T|TRUE|true|True)$/.test(s);
  throw new Error(`type ${type} not handled by this reader`);
}

/** SPEC §5: the bytes a value contributes to the MAC. */
function macBytes(v: Leaf): Buffer {
  if (typeof v === "boolean") return Buffer.from(v ? "True" : "False");
  return Buffer.from(String(v), "utf8");
}

/** The data key, from the first age stanza the identity file opens (Go age CLI). */
function dataKey(armors: string[], identityFile: string): Buffer {
  for (const armor of armors) {
    try {
      return execFileSync("age", ["-d", "-i", identityFile], {
        input: armor,
        stdio: ["pipe", "pipe", "ignore"],
      });
    } catch {
      // not for this identity
    }
  }
  throw new Error("no age stanza opens with this identity");
}

/** Leaves of a YAML/JSON node tree in document order, with their sops paths. */
function walkNode(node: Node | null, path: string[], out: Array<{ path: string[]; value: unknown }>): void {
  if (isMap(node)) {
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      walkNode(item.value as Node | null, [...path, key], out);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) walkNode(item as Node, path, out);
  } else if (isScalar(node) && node.value !== null) {
    out.push({ path, value: node.value });
  }
}

function walkJs(v: unknown, path: string[], out: Array<{ path: string[]; value: unknown }>): void {
  if (Array.isArray(v)) for (const x of v) walkJs(x, path, out);
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) walkJs(x, [...path, k], out);
  else if (v !== null) out.push({ path, value: v });
}

/** SPEC §4 (the generator's patterns mean the same in JavaScript as in Go). */
function selected(path: string[], md: Record<string, unknown>): boolean {
  const str = (k: string) => (typeof md[k] === "string" && md[k] !== "" ? (md[k] as string) : undefined);
  const uSuffix = str("unencrypted_suffix");
  const eSuffix = str("encrypted_suffix");
  const uRegex = str("unencrypted_regex");
  const eRegex = str("encrypted_regex");
  if (uSuffix === undefined && eSuffix === undefined && uRegex === undefined && eRegex === undefined)
    return !path.some((k) => k.endsWith("_unencrypted"));
  if (uSuffix !== undefined) return !path.some((k) => k.endsWith(uSuffix));
  if (eSuffix !== undefined) return path.some((k) => k.endsWith(eSuffix));
  if (uRegex !== undefined) return !path.some((k) => new RegExp(uRegex).test(k));
  return path.some((k) => new RegExp(eRegex!).test(k));
}

function lastModifiedAad(lastmodified: string): string {
  // SPEC §5: parsed and re-formatted as RFC 3339 with seconds, `Z` for UTC.
  const d = new Date(lastmodified);
  if (Number.isNaN(d.getTime())) throw new Error(`lastmodified ${lastmodified} is not RFC 3339`);
  if (!/(Z|[+-]00:00)$/.test(lastmodified)) throw new Error("this reader expects UTC lastmodified");
  return `${d.toISOString().slice(0, 19)}Z`;
}

function decodeLeaves(
  raw: Array<{ path: string[]; value: unknown }>,
  key: Buffer,
  metadata: Record<string, unknown>,
): ReadLeaf[] {
  const macOnly = metadata.mac_only_encrypted === true;
  const h = createHash("sha512");
  if (macOnly) h.update(createHash("sha256").update("sops").digest());
  const leaves = raw.map(({ path, value }) => {
    let v = value as Leaf;
    let encrypted = false;
    let bytes = macBytes(v);
    // Like sops, the rules decide what is decrypted, not the look of a value: a clear value
    // may read `ENC[AES256_GCM,…]`, and a selected one that is not ENC is an error.
    if (selected(path, metadata) && value !== "") {
      const o = open(String(value), key, `${path.join(":")}:`);
      v = typed(o.bytes, o.type);
      // A string's own bytes, not its UTF-8 reading: a binary file's need not be UTF-8.
      bytes = o.type === "str" ? o.bytes : macBytes(v);
      encrypted = true;
    }
    if (!macOnly || encrypted) h.update(bytes);
    return { path, value: v, encrypted };
  });
  const mac = open(String(metadata.mac), key, lastModifiedAad(String(metadata.lastmodified)));
  const computed = h.digest("hex").toUpperCase();
  if (mac.bytes.toString("utf8") !== computed) throw new Error("MAC mismatch");
  return leaves;
}

/** Reads a SOPS file as real sops would, with an age identity file; throws where sops fails. */
export function readSopsIndependently(
  text: string,
  format: "yaml" | "json" | "dotenv" | "binary",
  identityFile: string,
): ReadFile {
  if (format === "dotenv") {
    const raw: Array<{ path: string[]; value: unknown }> = [];
    const flat: Record<string, string> = {};
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      const i = line.indexOf("=");
      const k = line.slice(0, i);
      const v = line.slice(i + 1);
      if (k.startsWith("sops_")) flat[k.slice(5)] = v;
      else raw.push({ path: [k], value: v });
    }
    const armors = Object.entries(flat)
      .filter(([k]) => /^age__list_\d+__map_enc$/.test(k))
      .map(([, v]) => v.replaceAll("\\n", "\n"));
    const metadata: Record<string, unknown> = {
      ...flat,
      mac_only_encrypted: flat.mac_only_encrypted === "true",
    };
    return { leaves: decodeLeaves(raw, dataKey(armors, identityFile), metadata), metadata };
  }
  const raw: Array<{ path: string[]; value: unknown }> = [];
  let all: Record<string, unknown>;
  if (format === "yaml") {
    const doc = parseDocument(text, { version: "1.2" });
    if (doc.errors.length > 0) throw new Error(`not YAML: ${doc.errors[0]!.message}`);
    all = doc.toJS() as Record<string, unknown>;
    if (isMap(doc.contents)) {
      for (const item of doc.contents.items) {
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (k !== "sops") walkNode(item.value as Node | null, [k], raw);
      }
    }
  } else {
    // JSON (sops indents with tabs, which YAML does not take); the generator's keys are never
    // integer-like, so JavaScript keeps their order.
    all = JSON.parse(text) as Record<string, unknown>;
    for (const [k, v] of Object.entries(all)) if (k !== "sops") walkJs(v, [k], raw);
  }
  const metadata = all.sops as Record<string, unknown>;
  const armors = ((metadata.age ?? []) as Array<{ enc: string }>).map((a) => a.enc);
  const key = dataKey(armors, identityFile);
  const leaves = decodeLeaves(raw, key, metadata);
  if (format === "binary") return { leaves, metadata, bytes: open(String(all.data), key, "data:").bytes };
  return { leaves, metadata };
}
