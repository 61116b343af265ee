/**
 * Keeping secret values out of every output, by field. The model marks secret values where
 * they enter (RenderedResource.secrets: decrypted SOPS values, a Secret's data, fields a
 * secret variable was substituted into, …); `maskPlatform` turns the model into one where
 * every marked field holds a keyed-hash marker (`<masked:sha256:1a2b3c4d>`: equal values get
 * equal markers within a run, so a diff still shows *that* a secret changed). Commands print,
 * check, graph and diff the masked model; plaintext is only shown when the user asks for it
 * (`render --show-secrets`, `secrets decrypt`). Nothing is searched for in text: a field that
 * is not secret stays readable even when its text equals a secret's.
 *
 * Error and warning messages are written without secret text where they are made (positions
 * instead of content). As a last resort that cannot corrupt output, `withholdSecretMessages`
 * replaces a whole message that still quotes a value whose origin is secret
 * (RenderedResource.secretOrigin): not one a Secret of the repository holds in clear text.
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { secretDataNotBase64 } from "../secrets/base64.js";
import { isCoreSecret, kindSecretPaths } from "../secrets/kinds.js";
import { type Marker, markerOf, maskValue, secretScalars, typedStandIn } from "../secrets/mask.js";
import { type SecretPaths, unionSecrets, type ValuePath } from "../secrets/paths.js";
import { createSecretMasker, holdsEncryptedValue, type SecretMasker } from "../sops/index.js";
import { shareLoadedFiles } from "./loaded-files.js";
import { kustomizationId, type Platform, type PlatformError, type RenderedResource } from "./model.js";

export type { Marker, SecretMasker };
export { isCoreSecret };

/** The masker of one run: markers are stable within it, unrelated across runs. */
export function newRunMasker(): SecretMasker {
  return createSecretMasker();
}

/**
 * What a session shares across renders (the dashboard's watch mode, a diff's two revisions):
 * one masker, so that markers stay stable. Secrets themselves live in the model.
 */
export class SecretValues {
  constructor(readonly masker: SecretMasker = createSecretMasker()) {}
}

/** The secret fields of a rendered object (its marks, and a Secret's data whatever marked it). */
export function secretsOf(r: RenderedResource): SecretPaths | undefined {
  return unionSecrets(r.secrets, kindSecretPaths(r.object));
}

/** A rendered object fit for printing: every secret field masked. */
export function maskRenderedObject(r: RenderedResource, masker: Marker): KObject {
  return maskValue(r.object, secretsOf(r), masker) as KObject;
}

/**
 * Beside each masked resource with secrets: its object with every secret scalar replaced by a
 * stand-in of the same type (typedStandIn), so that `check` can tell a secret of the wrong type
 * (Kubernetes would reject the object) without seeing it, and which of a Secret's `data` values
 * are not base64 (the API server refuses those too). Kept out of the model's fields so
 * that no output serialises it.
 */
const standIns = new WeakMap<RenderedResource, TypedStandIn>();

interface TypedStandIn {
  standIn: KObject;
  /** a core Secret's `data` keys whose value is not base64 (secretDataNotBase64) */
  notBase64: string[];
  /**
   * Secret fields holding SOPS ciphertext, as a variable from a Secret no key decrypted leaves
   * them: Flux writes the plaintext there, whose type (`replicas: ${REPLICAS}`) is unknown here.
   */
  ciphertext?: ValuePath[];
}

function standInOf(object: KObject, secrets: SecretPaths): TypedStandIn {
  const ciphertext = ciphertextPaths(object, secrets);
  return {
    standIn: typedStandIn(object, secrets) as KObject,
    notBase64: secretDataNotBase64(object),
    ...(ciphertext.length > 0 ? { ciphertext } : {}),
  };
}

/** The secret string fields of `value` that hold a SOPS-encrypted value (outside a `sops` block). */
function ciphertextPaths(value: YamlValue, secrets: SecretPaths, at: ValuePath = []): ValuePath[] {
  if (typeof value === "string") return secrets.covers(at) && holdsEncryptedValue(value) ? [at] : [];
  if (at.length > 0 && !secrets.touches(at)) return [];
  if (Array.isArray(value)) return value.flatMap((x, i) => ciphertextPaths(x, secrets, [...at, i]));
  if (isMap(value))
    return Object.entries(value).flatMap(([k, x]) =>
      at.length === 0 && k === "sops" ? [] : ciphertextPaths(x, secrets, [...at, k]),
    );
  return [];
}

/**
 * The typed stand-in of a resource's object and the secret paths it stands in for (undefined:
 * nothing in it is secret). A masked resource's was made from the plaintext when it was masked;
 * an unmasked one's (the dashboard checks the plaintext model) is made here.
 */
export function typedStandInOf(r: RenderedResource): (TypedStandIn & { secrets: SecretPaths }) | undefined {
  const secrets = secretsOf(r);
  if (!secrets) return undefined;
  return { ...(standIns.get(r) ?? standInOf(r.object, secrets)), secrets };
}

/** A masked copy of `r` (r itself when nothing in it is secret), its stand-in recorded. */
function maskResource(r: RenderedResource, masker: Marker): RenderedResource {
  const s = secretsOf(r);
  if (!s) return r;
  const masked = { ...r, object: maskValue(r.object, s, masker) as KObject, secrets: s };
  standIns.set(masked, standInOf(r.object, s));
  return masked;
}

/**
 * The platform with every secret field masked: rendered objects, and the objects the model
 * keeps beside them (Flux Kustomizations, HelmReleases, sources) with the fields derived from
 * them (a Kustomization's path and name). Objects without secrets are shared, not copied.
 */
export function maskPlatform(platform: Platform, masker: Marker): Platform {
  const marks = new Map<KObject, SecretPaths>();
  for (const c of platform.clusters)
    for (const k of c.kustomizations)
      for (const r of k.resources) {
        const s = secretsOf(r);
        if (s) marks.set(r.object, s);
      }
  const mask = (obj: KObject): KObject => {
    const s = marks.get(obj);
    return s ? (maskValue(obj, s, masker) as KObject) : obj;
  };
  const text = (obj: KObject, path: Array<string | number>, value: string): string => {
    const s = marks.get(obj);
    return s?.covers(path) ? String(markerOf(value, masker)) : value;
  };
  const masked: Platform = {
    ...platform,
    clusters: platform.clusters.map((c) => ({
      ...c,
      kustomizations: c.kustomizations.map((k) => {
        const namespace = text(k.object, ["metadata", "namespace"], k.namespace);
        const name = text(k.object, ["metadata", "name"], k.name);
        const path = text(k.object, ["spec", "path"], k.path);
        return {
          ...k,
          object: mask(k.object),
          namespace,
          name,
          id: namespace === k.namespace && name === k.name ? k.id : kustomizationId(namespace, name),
          path,
          ...(k.dir !== undefined && path !== k.path ? { dir: path } : {}),
          resources: k.resources.map((r) => maskResource(r, masker)),
        };
      }),
      sources: c.sources.map((s) => ({ ...s, object: mask(s.object) })),
      helmReleases: c.helmReleases.map((h) => ({
        ...h,
        // What the chart was rendered with is plaintext: never part of an output.
        renderInputs: undefined,
        secretInputs: undefined,
        ...(h.resources
          ? {
              resources: h.resources.map((r) => maskResource(r, masker)),
            }
          : {}),
        object: mask(h.object),
        ...(h.version !== undefined
          ? { version: text(h.object, ["spec", "chart", "spec", "version"], h.version) }
          : {}),
      })),
    })),
  };
  shareLoadedFiles(platform, masked);
  return masked;
}

/** Secret texts a message must not quote; shorter ones are left to the structural measures. */
const MIN_WITHHELD_LENGTH = 4;

/**
 * What to look for in chart output, lower-cased (fields are compared lower-cased: `upper`,
 * `lower`, `title` keep a value's letters): each secret string of at least MIN_WITHHELD_LENGTH,
 * and each of its lines (a block scalar re-indents them, `toYaml` folds them), as written, as
 * Go's encoding/json and JSON escape it (`toJson`, `toPrettyJson`, `quote` of a value with a
 * quote), as YAML single quotes write it (`toYaml`), base64 (`b64enc`, and twice), base32
 * (`b32enc`), hex (`printf "%x"`) and URL-encoded (`urlquery`).
 */
export function secretForms(secretStrings: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (x: string) => {
    if (x.length >= MIN_WITHHELD_LENGTH) out.add(x.toLowerCase());
  };
  // A shorter run of base64 characters turns up by chance in certificates and other keys.
  const addEmbedded = (x: string) => {
    if (x.length >= MIN_EMBEDDED_BASE64) out.add(x.toLowerCase());
  };
  for (const s of secretStrings) {
    if (s.length < MIN_WITHHELD_LENGTH) continue;
    const parts = new Set([s, ...s.split(/\r?\n/).map((l) => l.trim())]);
    for (const x of parts) {
      if (x.length < MIN_WITHHELD_LENGTH) continue;
      const json = JSON.stringify(x).slice(1, -1);
      add(x);
      const goJson = json.replace(/&/g, "\\u0026").replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
      add(json);
      add(goJson);
      add(x.replace(/'/g, "''"));
      const b64 = Buffer.from(x, "utf8").toString("base64");
      add(b64);
      // Reversible encodings sprig offers: `b64enc | b64enc`, `b32enc`, `printf "%x"` (and %X).
      add(Buffer.from(b64, "utf8").toString("base64"));
      // Inside a longer text that is then base64-encoded (`printf "%s:%s" .user .password |
      // b64enc`, a dockerconfigjson's auth encoded again with its JSON): once or twice.
      // As written or JSON-escaped (`toJson` of a map holding it, then `b64enc`).
      for (const form of new Set([x, json, goJson])) {
        for (const core of embeddedBase64(Buffer.from(form, "utf8"))) {
          addEmbedded(core);
          for (const twice of embeddedBase64(Buffer.from(core, "utf8"))) addEmbedded(twice);
        }
      }
      add(goBase32(Buffer.from(x, "utf8")));
      add(Buffer.from(x, "utf8").toString("hex"));
      add(encodeURIComponent(x));
      // Go's url.QueryEscape: a space is `+`, and !'()* are escaped too.
      add(
        encodeURIComponent(x)
          .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)
          .replace(/%20/g, "+"),
      );
    }
  }
  return [...out];
}

/** Shortest base64 run looked for inside a longer base64 text (nine bytes of the secret). */
const MIN_EMBEDDED_BASE64 = 12;

/**
 * The base64 characters that encode `bytes` wherever they sit in a longer input: one run for
 * each of the three offsets modulo 3 that they can start at. Base64 encodes each 3-byte group
 * alone, so the groups made only of these bytes always come out the same; a first group
 * shared with the bytes before and a last one shared with the bytes after are left out.
 */
function embeddedBase64(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const whole = Math.floor((offset + bytes.length) / 3) * 4;
    const core = encoded.slice(offset === 0 ? 0 : 4, whole);
    if (core.length > 0) out.push(core);
  }
  return out;
}

/** Go's encoding/base32 StdEncoding (RFC 4648, padded), as sprig's `b32enc` writes it. */
function goBase32(bytes: Buffer): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "";
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, "=");
}

/** Length of a fragment window, and the step between windows. */
const FRAGMENT = 12;
const FRAGMENT_STEP = 4;
/** Longer secrets are matched whole only (their windows would be many). */
const MAX_FRAGMENTED_LENGTH = 4096;

/**
 * Windows of each secret string (and each of its lines), lower-cased: FRAGMENT characters every
 * FRAGMENT_STEP characters and the last FRAGMENT, so that any part of a secret of at least
 * FRAGMENT + FRAGMENT_STEP - 1 (15) characters contains one. A chart that prints a prefix or a
 * middle of a password (`trunc`, `substr`) prints such a part. A field of the HelmRelease
 * with a secret substituted into it (`grafana.${SECRET_DOMAIN}`) also holds template text: a
 * window that lies in 12 or more characters of such text marks chart fields that hold it,
 * which errs on the side of masking.
 */
export function secretFragments(secretStrings: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of secretStrings) {
    if (s.length > MAX_FRAGMENTED_LENGTH) continue;
    for (const part of new Set([s, ...s.split(/\r?\n/).map((l) => l.trim())])) {
      const x = part.toLowerCase();
      if (x.length <= FRAGMENT) continue;
      for (let i = 0; i + FRAGMENT <= x.length; i += FRAGMENT_STEP) out.add(x.slice(i, i + FRAGMENT));
      out.add(x.slice(-FRAGMENT));
    }
  }
  return [...out];
}

/**
 * The secret fields of a rendered object whose value is secret to a reader of the repository;
 * all of them unless the object says which (secretOrigin is set only where that is known).
 */
function secretOriginOf(r: RenderedResource): SecretPaths | undefined {
  return r.secretOrigin ?? secretsOf(r);
}

/**
 * Whether a text quotes a secret value of the platform, as written, base64-encoded or in a form a
 * chart's template prints an input in; undefined when the platform holds no secret.
 *
 * Only values whose origin is secret count: decrypted, substituted from a Secret's variable
 * (whatever that Secret's own origin), a HelmRelease's input from a Secret, made by a chart or a
 * ResourceSet, copied from any of those — and anything not known to be clear. A value a Secret
 * of the repository holds in clear text does not withhold a message (it is still masked
 * wherever it is a field), unless it is also the value of such a field.
 *
 * Why this tells a pull request's author nothing new about a secret value. Text withholding is
 * a membership test by nature: a message the author makes quote a guess is withheld iff some
 * withheld value lies in it. Today the withheld values are the secret-origin ones S and the
 * clear ones C; after this, S alone. Every value of C is text in the repository the author can
 * edit: a pull request that rewrites each of them (to text no guess contains, or moves it out
 * of a Secret) is withheld from today exactly as this one is from now, except for messages
 * quoting C, which the author knows. S is the same in both (a decryption, a Secret's variable
 * or a chart input does not read C's text as a clear value: what a Secret in Git feeds to
 * substitution, replacements or a chart is marked secret itself, so rewriting it only changes
 * values the author knows). So every answer this gives, the author could get today. What must
 * not happen is that anything the author controls shrinks S (why "printed elsewhere anyway" was
 * refused: the author could print a dictionary of guesses and see which one stops being
 * withheld): S is decided by where a value comes from, never by where else its text appears,
 * and a value both clear and secret stays in S.
 */
export function secretQuoter(platform: Platform): ((text: string) => boolean) | undefined {
  const values = new Set<string>();
  for (const c of platform.clusters)
    for (const k of c.kustomizations)
      for (const r of k.resources) {
        const origin = secretOriginOf(r);
        if (!origin || origin.isEmpty()) continue;
        const texts = secretScalars(r.object, origin);
        if (isCoreSecret(r.object) && isMap(r.object.data))
          for (const [key, v] of Object.entries(r.object.data))
            if (typeof v === "string" && origin.covers(["data", key])) texts.push(secretDataText(v));
        for (const v of texts)
          for (const form of [v, base64Text(v)]) if (form.length >= MIN_WITHHELD_LENGTH) values.add(form);
      }
  // What entered a HelmRelease's values from a Secret (valuesFrom, substitution): a chart's `fail`
  // or `required` message, or a template error, may quote it.
  // In the forms a template prints it in, or a part of it (lower-cased, as secretForms and
  // secretFragments give them).
  const inputs = platform.clusters.flatMap((c) => c.helmReleases.flatMap((h) => h.secretInputs ?? []));
  const folded = [...secretForms(inputs), ...secretFragments(inputs)];
  if (values.size === 0 && folded.length === 0) return undefined;
  const list = [...values];
  return (s: string) => {
    if (list.some((v) => s.includes(v))) return true;
    if (folded.length === 0) return false;
    const lower = s.toLowerCase();
    return folded.some((v) => lower.includes(v));
  };
}

const WITHHELD_MESSAGE =
  "the message is withheld: it quotes a secret value ('slipway render --show-secrets' shows it)";
const WITHHELD_WARNING =
  "a warning was withheld: it quotes a secret value ('slipway render --show-secrets' shows it)";

/**
 * What withholdSecretMessages replaced in each platform, as the steps that put it back: the
 * user who asks for plaintext (`render --show-secrets`) gets the messages too, or a failure whose
 * message quotes a secret could not be read by anyone.
 */
const WITHHELD = new WeakMap<Platform, Array<() => void>>();

/**
 * Last resort: any error or warning of the platform that still contains the text of a secret
 * value (all structural measures notwithstanding) loses its text; the place (file, line,
 * cluster, Kustomization) stays. Whole messages are replaced, never parts of them.
 */
export function withholdSecretMessages(platform: Platform): void {
  const quotes = secretQuoter(platform);
  if (quotes === undefined) return;
  const restores = WITHHELD.get(platform) ?? [];
  WITHHELD.set(platform, restores);
  const fix = (e: PlatformError) => {
    if (!quotes(e.message)) return;
    const original = e.message;
    restores.push(() => {
      e.message = original;
    });
    e.message = WITHHELD_MESSAGE;
  };
  // A new array: the one the model holds may be shared with a cached result.
  const fixWarnings = (owner: { warnings?: string[] }) => {
    if (!owner.warnings?.some(quotes)) return;
    owner.warnings = owner.warnings.map((w, i) => {
      if (!quotes(w)) return w;
      restores.push(() => {
        if (owner.warnings) owner.warnings[i] = w;
      });
      return WITHHELD_WARNING;
    });
  };
  platform.errors.forEach(fix);
  for (const c of platform.clusters) {
    c.errors.forEach(fix);
    for (const k of c.kustomizations) {
      k.errors.forEach(fix);
      fixWarnings(k);
    }
    for (const h of c.helmReleases) {
      h.errors?.forEach(fix);
      // The chart's source URL, substituted from a Secret (`https://user:${TOKEN}@charts…`), is
      // in the not-cached finding's text and in render's header beside the release.
      if (h.chartMissing !== undefined && quotes(`${h.chartMissing}\n${h.chartMissingWhy ?? ""}`)) {
        const { chartMissing, chartMissingWhy } = h;
        restores.push(() => {
          h.chartMissing = chartMissing;
          h.chartMissingWhy = chartMissingWhy;
        });
        h.chartMissing = `HelmRelease ${h.namespace}/${h.name}: its chart is not in the chart cache; run 'slipway charts pull' to fetch it (not rendered; the source's URL is withheld: it quotes a secret value)`;
        h.chartMissingWhy = undefined;
      }
      if (h.chartLocation !== undefined && quotes(h.chartLocation)) {
        const { chartLocation } = h;
        restores.push(() => {
          h.chartLocation = chartLocation;
        });
        h.chartLocation = undefined;
      }
      fixWarnings(h);
    }
  }
}

/**
 * Puts back what withholdSecretMessages replaced in `platform`, for output the user asked to be
 * plaintext. Never for a model that anything else reads.
 */
export function restoreWithheldMessages(platform: Platform): void {
  const restores = WITHHELD.get(platform) ?? [];
  // Latest first: a later pass may have withheld again what an earlier one wrote.
  for (let i = restores.length - 1; i >= 0; i--) restores[i]!();
  WITHHELD.delete(platform);
}

function base64Text(v: string): string {
  return Buffer.from(v, "utf8").toString("base64");
}

/** The plain text behind a Secret `data` value: the decoded UTF-8 when it is text, else the base64. */
export function secretDataText(value: string): string {
  const bytes = Buffer.from(value, "base64");
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : value;
}

/** True when a value is a marker made by a SecretMasker. */
export function isMaskedMarker(v: YamlValue | undefined): boolean {
  return typeof v === "string" && /^<masked:sha256:[0-9a-f]+>$/.test(v);
}
