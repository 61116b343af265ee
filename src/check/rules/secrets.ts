/**
 * Secret rules: Secrets kept in Git in the clear, secret material in shared bases, SOPS files
 * whose recipients disagree with `.sops.yaml`, Flux Kustomizations that apply encrypted
 * objects without `spec.decryption`, and files this run's key could not decrypt.
 * The recipient and decryption rules need what `loadPlatformWithSecrets` learnt about the
 * repository's SOPS files (`platformSecrets`); on a Platform loaded without it they report
 * nothing. No message ever quotes a secret value: only files, names and recipients.
 */

import * as path from "node:path";
import type { SlipwayError } from "../../errors.js";
import { readRegularFile } from "../../fs/read-regular.js";
import { kustomizationFileNames } from "../../kustomize/kustomization.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../../kustomize/types.js";
import {
  DECRYPT_ANNOTATION,
  type FluxSopsFormat,
  fluxFormatForPath,
  hasSopsMarker,
  platformSecrets,
  sealedSubstitutionLines,
} from "../../platform/decrypt.js";
import { loadedFiles } from "../../platform/loaded-files.js";
import { isCoreSecret } from "../../platform/masking.js";
import type { Cluster, FluxKustomization, Platform, RenderedResource } from "../../platform/model.js";
import { AGE_SECRET_KEY, holdsEncryptedValue, isAgeRecipient, parseSopsConfig } from "../../sops/index.js";
import { parseYaml, parseYamlDocuments } from "../../yaml/index.js";
import type { Rule, RuleContext, RuleFinding } from "../types.js";
import { groupByPlace, someOf } from "./places.js";

const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";

/** Reads repository files once per rule run; undefined when unreadable. */
function fileReader(platform: Platform): (file: string) => Buffer | undefined {
  const cache = new Map<string, Buffer | undefined>();
  return (file) => {
    if (!cache.has(file)) cache.set(file, readRepositoryFile(platform, file));
    return cache.get(file);
  };
}

/**
 * The bytes of `file` (repository-relative), undefined when unreadable. The load's view of the
 * repository (src/platform/loaded-files.ts) holds the bytes of most files these rules read (the
 * sources of rendered objects): a cold check of bjw-s home-ops opened ~300 of them again. A file
 * the view refuses (outside it, or reached through a symbolic link) is read from disk, as always.
 */
function readRepositoryFile(platform: Platform, file: string): Buffer | undefined {
  const abs = path.posix.join(platform.root, file);
  const view = loadedFiles(platform);
  if (view !== undefined) {
    try {
      return view.readFile(abs);
    } catch {
      // read from disk below
    }
  }
  try {
    return readRegularFile(abs);
  } catch {
    return undefined;
  }
}

function metaOf(obj: KObject): { namespace: string; name: string } {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  return {
    namespace: typeof md.namespace === "string" ? md.namespace : "",
    name: typeof md.name === "string" ? md.name : "",
  };
}

function secretName(obj: KObject): string {
  const { namespace, name } = metaOf(obj);
  return namespace ? `${namespace}/${name}` : name;
}

function hasValues(obj: YamlValue | undefined): boolean {
  if (!isMap(obj)) return false;
  return ["data", "stringData"].some((f) => isMap(obj[f]) && Object.keys(obj[f] as YamlMap).length > 0);
}

const VARIABLE = /\$\{[^}]+\}/;

// PEM blocks anyone may read; a private key's block (`PRIVATE KEY`, `RSA PRIVATE KEY`…) is not one.
const PUBLIC_PEM =
  /^\s*(?:-----BEGIN (CERTIFICATE|TRUSTED CERTIFICATE|X509 CRL|PUBLIC KEY)-----[A-Za-z0-9+/=\s]*-----END \1-----\s*)+$/;

/**
 * A Secret whose every value is public or built by Flux holds no secret in Git:
 * - values built from `${var}`s: the variables' sources hold the secrets
 *   (`s3:https://host/volsync/${APP}` beside `${SECRET_RESTIC_PASSWORD}`, martinohmann's volsync
 *   component);
 * - public keys: a CA bundle kept in a Secret because the consumer reads one (deedee-ops'
 *   barman `ca.crt`), an `authorized_keys` of OpenSSH public keys (allenporter's devcontainers).
 * One value of any other kind is written in the clear.
 */
// An OpenSSH public key line (authorized_keys may put options before it, known_hosts host names).
const SSH_PUBLIC_KEY =
  /(?:^|\s)(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA[A-Za-z0-9+/]+={0,3}(?:\s|$)/;

// OpenPGP public keys in ASCII armor (RFC 4880 §6.2: optional `Key: value` headers, a blank
// line, base64 and its `=` checksum): the keys a GitRepository's `verify.secretRef` checks
// commits with (M0NsTeRRR's flux-instance `pgp-public-keys`). A `PGP PRIVATE KEY BLOCK` is not one.
const PGP_PUBLIC_KEY =
  /^\s*(?:-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n(?:[A-Za-z-]+: [^\n]*\n)*[A-Za-z0-9+/=\s]*-----END PGP PUBLIC KEY BLOCK-----\s*)+$/;

/** Public key material only: PEM certificates and public keys, OpenPGP public keys, or OpenSSH public key lines. */
function isPublicKeyMaterial(text: string): boolean {
  if (PUBLIC_PEM.test(text) || PGP_PUBLIC_KEY.test(text)) return true;
  const lines = text.split("\n").filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  return lines.length > 0 && lines.every((l) => SSH_PUBLIC_KEY.test(l) && !l.includes("PRIVATE KEY"));
}

/**
 * A container image reference with its registry and a tag or digest, under a key that says it is
 * an image: the operator's manifests that upstream projects publish keep their sidecar's image in
 * a generated Secret (cloudnative-pg's plugin-barman-cloud `SIDECAR_IMAGE`), public by nature.
 */
const IMAGE_REFERENCE =
  /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost)(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function isImageReference(key: string, text: string): boolean {
  const value = text.trim();
  return (
    /image/i.test(key) && IMAGE_REFERENCE.test(value) && /[:@]/.test(value.slice(value.lastIndexOf("/")))
  );
}

/**
 * Where a VolSync mover's restic or kopia repository is (`s3:http://minio:9000/restic/app`), its
 * password and keys beside it: a location, nothing secret unless a password is written into it
 * (`rest:https://user:pass@host/`).
 */
const BACKUP_REPOSITORY_KEYS = new Set(["RESTIC_REPOSITORY", "KOPIA_REPOSITORY"]);

function isBackupRepositoryLocation(key: string, text: string): boolean {
  return BACKUP_REPOSITORY_KEYS.has(key) && !/\/\/[^/@\s]*:[^/@\s]*@/.test(text);
}

function holdsNoSecret(doc: YamlMap): boolean {
  const plain = isMap(doc.stringData) ? Object.entries(doc.stringData) : [];
  const encoded = isMap(doc.data) ? Object.entries(doc.data) : [];
  // An empty value is a placeholder that something else fills (an ExternalSecret, an operator).
  const open = (key: string, v: YamlValue, text: () => string) =>
    typeof v === "string" &&
    (v === "" ||
      VARIABLE.test(v) ||
      isPublicKeyMaterial(text()) ||
      isImageReference(key, text()) ||
      isBackupRepositoryLocation(key, text()));
  return (
    plain.length + encoded.length > 0 &&
    plain.every(([k, v]) => open(k, v, () => v as string)) &&
    encoded.every(([k, v]) => open(k, v, () => Buffer.from(v as string, "base64").toString("latin1")))
  );
}

const DATA_MARKERS: FluxSopsFormat[] = ["yaml", "json", "dotenv", "ini"];

/**
 * A Secret whose every value is a whole SOPS file (`data: {app.ini: <base64 of it>}`), which
 * Flux decrypts field by field (decryptor.go DecryptResource): ciphertext, not values in the clear.
 */
function onlySopsData(doc: YamlMap): boolean {
  if (isMap(doc.stringData) && Object.keys(doc.stringData).length > 0) return false;
  const values = isMap(doc.data) ? Object.values(doc.data) : [];
  return (
    values.length > 0 &&
    values.every((v) => {
      if (typeof v !== "string") return false;
      const bytes = Buffer.from(v, "base64");
      return DATA_MARKERS.some((f) => hasSopsMarker(bytes, f));
    })
  );
}

function isKustomizationFile(file: string): boolean {
  return kustomizationFileNames.includes(path.posix.basename(file));
}

/** The source document of a rendered object (its `source.line` is the document's first line). */
function sourceDocument(text: string, file: string, line: number): YamlMap | undefined {
  try {
    const docs = parseYamlDocuments(text, file);
    const doc = docs.find((d) => d.line === line) ?? (docs.length === 1 ? docs[0] : undefined);
    return doc && isMap(doc.value) ? doc.value : undefined;
  } catch {
    return undefined;
  }
}

function lineOf(text: string, pattern: RegExp): number | undefined {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => pattern.test(l));
  return i < 0 ? undefined : i + 1;
}

/**
 * A file that holds values in sops' ENC form but lost the metadata Flux looks for (its MAC
 * marker, decryptor.go): not in the clear, but decryptable by nobody.
 */
function lostSopsMetadata(bytes: Buffer, format: FluxSopsFormat): boolean {
  return !hasSopsMarker(bytes, format) && holdsEncryptedValue(bytes.toString("utf8"));
}

/**
 * `lostSopsMetadata` for a file of resources. Flux decrypts an object with a top-level `sops` map
 * whose `mac` is set (decryptor.go DecryptResource), however the file spells it: d4rkfella writes
 * YAML in flow style (`mac: "ENC[…]"`), which the byte marker of generator inputs misses.
 */
function resourcesLostSopsMetadata(bytes: Buffer, format: FluxSopsFormat, file: string): boolean {
  if (!lostSopsMetadata(bytes, format)) return false;
  if (format !== "yaml" && format !== "json") return true;
  try {
    return !parseYamlDocuments(bytes.toString("utf8"), file).some(
      (d) =>
        isMap(d.value) &&
        isMap(d.value.sops) &&
        typeof d.value.sops.mac === "string" &&
        d.value.sops.mac !== "",
    );
  } catch {
    return true;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface GeneratedSecretSource {
  /** Why it is secret material in the clear, or undefined when its inputs are SOPS files. */
  plain?: string;
  line?: number;
}

function strings(v: YamlValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * The files a `secretGenerator` entry reads (repository-relative), with the format Flux decrypts
 * each as (decryptor.go decryptKustomizationSources: `files` by key, `envs` dotenv by default).
 */
function generatorInputs(
  kfile: string,
  entry: YamlMap,
): Array<{ p: string; file: string; format: FluxSopsFormat; whole: boolean }> {
  const dir = path.posix.dirname(kfile);
  const at = (p: string) => path.posix.normalize(path.posix.join(dir, p));
  return [
    ...strings(entry.files).map((e) => {
      const eq = e.indexOf("=");
      const p = eq >= 0 ? e.slice(eq + 1) : e;
      const format = fluxFormatForPath(eq >= 0 ? e.slice(0, eq) : path.posix.basename(p));
      return { p, file: at(p), format, whole: true };
    }),
    ...strings(entry.envs).map((p) => {
      const f = fluxFormatForPath(p);
      return { p, file: at(p), format: f === "binary" ? ("dotenv" as const) : f, whole: false };
    }),
  ];
}

/**
 * Where a generated Secret came from: the kustomization's `secretGenerator` entry whose name
 * the rendered name contains. Literals are in the clear; files/envs are fine only when they
 * are SOPS files (Flux decrypts them before the build). ksops output comes from SOPS files.
 */
function generatedSource(
  read: (file: string) => Buffer | undefined,
  kfile: string,
  obj: KObject,
): GeneratedSecretSource | undefined {
  const bytes = read(kfile);
  if (!bytes) return undefined;
  const text = bytes.toString("utf8");
  let raw: YamlValue;
  try {
    raw = parseYaml(text, kfile);
  } catch {
    return undefined;
  }
  if (!isMap(raw) || !Array.isArray(raw.secretGenerator)) return undefined;
  const rendered = metaOf(obj).name;
  const entries = raw.secretGenerator
    .filter(isMap)
    .filter((g) => typeof g.name === "string" && g.name !== "");
  const entry = entries
    .filter((g) => rendered.includes(g.name as string))
    .sort((a, b) => String(b.name).length - String(a.name).length)[0];
  if (!entry) return undefined;
  const line = lineOf(text, new RegExp(`name:\\s*["']?${escapeRegExp(String(entry.name))}["']?\\s*$`));
  if (strings(entry.literals).length > 0) return { plain: "from secretGenerator literals", line };
  const files = generatorInputs(kfile, entry);
  // An input that lost its sops metadata is not in the clear: sops-metadata-missing says it.
  // A certificate or public key file is public, as it is written into a Secret (holdsNoSecret).
  const plain = files.filter(({ file, format }) => {
    const b = read(file);
    if (b === undefined || hasSopsMarker(b, format)) return false;
    const text = b.toString("utf8");
    return !holdsEncryptedValue(text) && !isPublicKeyMaterial(text);
  });
  if (plain.length === 0) return {};
  return { plain: `from unencrypted secretGenerator input ${plain.map((f) => f.p).join(", ")}`, line };
}

const secretNotEncrypted: Rule = {
  id: "secret-not-encrypted",
  defaultSeverity: "error",
  description: "A Secret kept in Git must be SOPS-encrypted",
  help: "Encrypt the file with `slipway secrets encrypt --in-place FILE` (recipients from .sops.yaml), or generate the Secret from SOPS-encrypted files, and let Flux decrypt it with `spec.decryption.provider: sops`. A Secret whose every value is built from Flux variables (`${VAR}`), a PEM certificate or public key, OpenPGP public keys (ASCII armor), OpenSSH public keys, a container image reference under a key naming an image (an upstream operator's sidecar image), an empty value (a placeholder another controller fills), or a restic/kopia repository location (`RESTIC_REPOSITORY`, `KOPIA_REPOSITORY`) with no password in it holds nothing secret and is not reported.",
  run(ctx: RuleContext) {
    const read = fileReader(ctx.platform);
    const seen = new Set<string>();
    const plain: Array<{ r: RenderedResource; finding: RuleFinding }> = [];
    const found = (r: RenderedResource, finding: RuleFinding) => plain.push({ r, finding });
    for (const r of ctx.resources()) {
      const obj = r.object;
      const file = r.source?.file;
      if (!file || !isCoreSecret(obj) || !hasValues(obj)) continue;
      const key = `${file}\0${r.source?.line}\0${secretName(obj)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const bytes = read(file);
      if (!bytes) continue;
      if (isKustomizationFile(file)) {
        const g = generatedSource(read, file, obj);
        if (!g?.plain) continue;
        const message = `Secret ${secretName(obj)} is generated ${g.plain}: its values are in Git in the clear`;
        found(r, { message, resource: r, file, line: g.line });
        continue;
      }
      const format = fluxFormatForPath(file);
      if (hasSopsMarker(bytes, format) || lostSopsMetadata(bytes, format)) continue;
      const doc = sourceDocument(bytes.toString("utf8"), file, r.source?.line ?? 0);
      if (doc && (!hasValues(doc) || holdsNoSecret(doc) || onlySopsData(doc))) continue;
      const message = `Secret ${secretName(obj)} is not SOPS-encrypted in ${file}: its values are in Git in the clear`;
      found(r, {
        message,
        resource: r,
        path: [isMap(obj.data) && Object.keys(obj.data).length > 0 ? "data" : "stringData"],
      });
    }
    // One finding per cluster and place: a component's Secret rendered for 24 apps is one thing to
    // encrypt, not 24 findings at the same line.
    const byPlace = groupByPlace(
      plain,
      ({ r, finding }) =>
        `${r.cluster}\0${finding.file ?? r.source?.file}\0${finding.line ?? r.source?.line}`,
    );
    for (const [{ finding }, ...rest] of byPlace) {
      const others = rest.map(({ r }) => secretName(r.object));
      const message =
        others.length === 0
          ? finding.message
          : `${finding.message} (${others.length === 1 ? "so is 1 more Secret" : `so are ${others.length} more Secrets`} rendered from the same place: ${someOf(others, 3)})`;
      ctx.report({ ...finding, message });
    }
  },
};

function underBase(file: string): boolean {
  return file.split("/").slice(0, -1).includes("base");
}

/** The base a file under one belongs to: the `base` folder and the one below it (`apps/base/jellyfin`). */
function baseOf(file: string): string {
  const dirs = file.split("/").slice(0, -1);
  return dirs.slice(0, dirs.lastIndexOf("base") + 2).join("/");
}

/**
 * Per base (baseOf), the Flux Kustomizations (or stacks) of every cluster that render an object
 * from it. A base one of them builds is no more shared than an overlay: Joker9944's single
 * cluster kept each app's SOPS values in apps/base/<app>/, 51 warnings of nothing spread.
 */
function baseUsers(ctx: RuleContext): Map<string, Set<string>> {
  const users = new Map<string, Set<string>>();
  for (const r of ctx.resources()) {
    const file = r.source?.file;
    if (!file || !underBase(file)) continue;
    const base = baseOf(file);
    let set = users.get(base);
    if (!set) users.set(base, (set = new Set()));
    set.add(`${r.cluster}\0${r.kustomization}`);
  }
  return users;
}

const secretInBase: Rule = {
  id: "secret-in-base",
  defaultSeverity: "warning",
  description: "Secret material belongs in an environment overlay, not in a shared base/ directory",
  help: "A base is shared by every environment: a secret there is deployed (and readable) everywhere. Move the Secret, its generator input or its SOPS file to each environment's overlay. Only a base that two or more Flux Kustomizations (or clusters) build is shared: one that a single one builds is reported by nothing.",
  run(ctx: RuleContext) {
    const read = fileReader(ctx.platform);
    const reported = new Set<string>();
    let users: Map<string, Set<string>> | undefined;
    const shared = (file: string) => ((users ??= baseUsers(ctx)).get(baseOf(file))?.size ?? 0) > 1;
    for (const r of ctx.resources()) {
      const file = r.source?.file;
      if (!file || !underBase(file) || !isCoreSecret(r.object) || !hasValues(r.object)) continue;
      if (!shared(file)) continue;
      if (isKustomizationFile(file) && !generatedSource(read, file, r.object)) continue;
      const key = `${file}\0${secretName(r.object)}`;
      if (reported.has(key)) continue;
      reported.add(key);
      reported.add(file);
      ctx.report({ message: `Secret ${secretName(r.object)} is defined in a base (${file})`, resource: r });
    }
    for (const f of platformSecrets(ctx.platform)?.files ?? []) {
      if (!underBase(f.file) || reported.has(f.file) || !shared(f.file)) continue;
      reported.add(f.file);
      ctx.report({ message: `SOPS-encrypted file ${f.file} is in a base directory`, file: f.file });
    }
  },
};

const sopsRecipientsMismatch: Rule = {
  id: "sops-recipients-mismatch",
  defaultSeverity: "error",
  description: "A SOPS file's recipients must be the ones .sops.yaml requires for its path",
  help: "A missing recipient means that environment's key cannot decrypt the file (Flux fails to reconcile): an error. A stale one means a retired key still can: a warning when it is the only difference (an error with --strict). So is a missing age key when an age entry of the file names no key (its label scrubbed by a history rewrite): sops decrypts by the entry, not its label, and the file does not say whose it is. Run `slipway secrets updatekeys FILE`. A .sops.yaml that sops cannot read is an error too: no recipient could be compared, and sops refuses to encrypt or update keys with it.",
  run(ctx: RuleContext) {
    const files = platformSecrets(ctx.platform)?.files ?? [];
    // A .sops.yaml sops cannot read: said once, at its line, instead of comparing nothing quietly.
    for (const [config, governs] of sopsConfigsInUse(ctx.platform, files)) {
      const text = read(ctx.platform, config);
      if (text === undefined) continue;
      try {
        parseSopsConfig(text, config);
      } catch (err) {
        const e = err as SlipwayError;
        const why = e.message
          .replace(/^invalid \.sops\.yaml: /, "")
          .replace(/ at line \d+, column \d+:?$/, "");
        const governed = governs.length;
        ctx.report({
          message: `${config} cannot be read by sops (${why}): sops refuses to encrypt or update keys with it, and the recipients of ${governed} SOPS file${governed === 1 ? "" : "s"} were not compared`,
          file: config,
          ...(e.line !== undefined ? { line: e.line } : {}),
        });
      }
    }
    for (const f of files) {
      const s = f.status;
      if (s?.matchesConfig !== false) continue;
      const parts: string[] = [];
      // An age entry whose label was scrubbed may be for any missing age key: sops decrypts with
      // its stanza, not its label (kreativmonkey's files after a history rewrite).
      const unnamed = s.unnamedRecipients;
      const unknown =
        s.missingRecipients.length > 0 &&
        unnamed.length > 0 &&
        s.missingRecipients.every(isAgeRecipient) &&
        s.missingRecipients.length <= unnamed.length;
      const missing = s.missingRecipients.map(shownRecipient).join(", ");
      if (s.missingRecipients.length > 0)
        parts.push(
          unknown
            ? `missing ${missing} by name, but its age ${unnamed.length === 1 ? "entry names" : "entries name"} no key (${[...new Set(unnamed)].join(", ")}), and whether that is ${s.missingRecipients.length === 1 ? "this key" : "these keys"} the file does not say`
            : `missing ${missing} (that key cannot decrypt it)`,
        );
      const stale = unknown ? s.extraRecipients.filter((r) => !unnamed.includes(r)) : s.extraRecipients;
      if (stale.length > 0)
        parts.push(`stale ${stale.map(shownRecipient).join(", ")} (no longer in .sops.yaml)`);
      const text = read(ctx.platform, f.file);
      // Only stale recipients: every key .sops.yaml names still decrypts the file, so nothing
      // fails; a retired key can still read it (tvories' two PGP keys), hygiene to fix, a warning
      // unless --strict. An unnamed entry that may be the missing key is no known failure either.
      const staleOnly = (s.missingRecipients.length === 0 || unknown) && !ctx.strict;
      ctx.report({
        message: `${f.file}: recipients differ from .sops.yaml: ${parts.join("; ")}; run 'slipway secrets updatekeys ${f.file}'`,
        ...(staleOnly ? { severity: "warning" as const } : {}),
        file: f.file,
        line: text ? lineOf(text, /^sops:\s*$|"sops"\s*:|^sops_/) : undefined,
      });
    }
  },
};

/**
 * The .sops.yaml files sops would use for the repository's SOPS files (the nearest one up to the
 * repository's root) and the root's own, sorted, each with the SOPS files it is the nearest of.
 */
function sopsConfigsInUse(platform: Platform, files: ReadonlyArray<{ file: string }>): Map<string, string[]> {
  const configs = new Map<string, string[]>();
  const nearestOf = new Map<string, string | undefined>();
  const nearest = (dir: string): string | undefined => {
    if (nearestOf.has(dir)) return nearestOf.get(dir);
    const candidate = dir === "." ? ".sops.yaml" : `${dir}/.sops.yaml`;
    const atRoot = dir === "." || dir === "/" || dir === "";
    const found =
      read(platform, candidate) !== undefined
        ? candidate
        : atRoot
          ? undefined
          : nearest(path.posix.dirname(dir));
    nearestOf.set(dir, found);
    return found;
  };
  const root = nearest(".");
  if (root) configs.set(root, []);
  for (const f of files) {
    const config = nearest(path.posix.dirname(f.file));
    if (config) configs.set(config, [...(configs.get(config) ?? []), f.file]);
  }
  return new Map([...configs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function read(platform: Platform, file: string): string | undefined {
  return readRepositoryFile(platform, file)?.toString("utf8");
}

function hasDecryption(obj: KObject): boolean {
  const spec = isMap(obj.spec) ? obj.spec : {};
  return isMap(spec.decryption) && spec.decryption.provider === "sops";
}

/**
 * Whether Flux decrypts for `k`: its own spec, or the copy of itself it applies (the
 * bootstrap pattern: flux-system patches `decryption` into its own Kustomization).
 */
function decrypts(cluster: Cluster, k: FluxKustomization): boolean {
  if (hasDecryption(k.object)) return true;
  for (const other of cluster.kustomizations) {
    for (const r of other.resources) {
      const o = r.object;
      if (o.kind !== "Kustomization" || !String(o.apiVersion ?? "").startsWith(`${KUSTOMIZE_GROUP}/`))
        continue;
      const { namespace, name } = metaOf(o);
      if (`${namespace}/${name}` === k.id && hasDecryption(o)) return true;
    }
  }
  return false;
}

function stillEncrypted(obj: KObject): boolean {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  const ann = isMap(md.annotations) ? md.annotations : {};
  const v = ann[DECRYPT_ANNOTATION];
  if (typeof v === "string" && v.toLowerCase() === "disabled") return false;
  if (isMap(obj.sops) && typeof obj.sops.mac === "string" && obj.sops.mac !== "") return true;
  if (obj.kind !== "Secret" || !isMap(obj.data)) return false;
  return Object.values(obj.data).some((v) => {
    if (typeof v !== "string") return false;
    const b = Buffer.from(v, "base64");
    return hasSopsMarker(b, "yaml") || hasSopsMarker(b, "json") || hasSopsMarker(b, "dotenv");
  });
}

const fluxDecryptionMissing: Rule = {
  id: "flux-decryption-missing",
  defaultSeverity: "error",
  description: "A Flux Kustomization that applies SOPS-encrypted objects needs spec.decryption",
  help: "Add `spec.decryption: { provider: sops, secretRef: { name: sops-age } }` to the Flux Kustomization; without it kustomize-controller refuses encrypted Secrets and applies other encrypted objects as ciphertext.",
  run(ctx: RuleContext) {
    for (const cluster of ctx.clusters()) {
      for (const k of cluster.kustomizations) {
        // An encrypted Secret fails the whole Kustomization at apply (platform/apply-refusals.ts),
        // so the render has none of its objects: the refusal says which Secret.
        for (const e of k.errors) {
          if (e.code !== "SOPS_DECRYPTION_MISSING") continue;
          ctx.report({
            message: `Flux Kustomization ${k.id} is not applied: ${e.message}${e.file ? ` (${e.file}:${e.line ?? 0})` : ""}`,
            cluster: cluster.name,
            kustomization: k.id,
          });
        }
        const encrypted = k.resources.filter((r) => stillEncrypted(r.object));
        if (encrypted.length === 0 || decrypts(cluster, k)) continue;
        const names = encrypted.map(describe);
        const shown =
          names.slice(0, 5).join(", ") + (names.length > 5 ? `, and ${names.length - 5} more` : "");
        // A plain kustomize stack has no Flux Kustomization to decrypt: `kubectl apply -k` sends the
        // ciphertext (and the `sops` field, which strict field validation refuses).
        const message =
          cluster.mode === "kustomize"
            ? `kustomize stack ${cluster.name} (${cluster.path}) holds SOPS-encrypted objects, which 'kubectl apply -k' applies as ciphertext: ${shown} (decrypt them before applying, or let a Flux Kustomization with spec.decryption apply the stack)`
            : `Flux Kustomization ${k.id} applies SOPS-encrypted objects without spec.decryption: ${shown}`;
        ctx.report({ message, cluster: cluster.name, kustomization: k.id });
      }
    }
  },
};

function describe(r: RenderedResource): string {
  const where = r.source?.file ? ` (${r.source.file})` : "";
  return `${String(r.object.kind)} ${secretName(r.object)}${where}`;
}

const sopsUndecryptable: Rule = {
  id: "sops-undecryptable",
  defaultSeverity: "error",
  description:
    "SOPS files the platform needs that the available age key cannot decrypt (an info note when no key is available at all)",
  help: "Flux fails to reconcile a Kustomization whose SOPS files its key cannot decrypt. Rendering continued with those values encrypted (masked); where a Flux Kustomization substitutes variables from such a Secret (postBuild.substituteFrom), Slipway wrote the ciphertext where Flux writes the plaintext: a finding names those Kustomizations and variables, whose values are unknown and not checked. With a key present, make it a recipient (`slipway secrets updatekeys`) or fix the file; without any key (a CI job without the secret), set SOPS_AGE_KEY_FILE or pass --age-key-file to check the real values.",
  run(ctx: RuleContext) {
    const secrets = platformSecrets(ctx.platform);
    const problems = secrets?.problems ?? [];
    // Without any identity nothing can be judged: an info note, not an error.
    const severity = secrets?.haveIdentities ? undefined : ("info" as const);
    for (const cluster of ctx.clusters()) {
      const here = problems.filter((p) => p.cluster === cluster.name);
      // Files Flux decrypts and Slipway cannot read (INI): a limit of Slipway, so a warning,
      // never an error of the repository, but never passed by either.
      const unsupported = here.filter((p) => p.unsupported);
      if (unsupported.length > 0) {
        const files = [...new Set(unsupported.map((p) => p.file))];
        ctx.report({
          message: `cluster ${cluster.name}: ${files.length} SOPS file${files.length === 1 ? "" : "s"} Slipway cannot decrypt though Flux does (values stay encrypted and masked): ${files.join(", ")}: ${unsupported[0]!.reason}`,
          cluster: cluster.name,
          file: files[0]!,
          severity: "warning",
        });
      }
      // Variables substituted from such a Secret: their values are unknown, said where they are used.
      for (const s of sealedSubstitutionLines(cluster)) {
        ctx.report({
          message: s.message,
          cluster: cluster.name,
          kustomization: s.kustomizations[0]!,
          ...(severity ? { severity } : {}),
        });
      }
      const mine = here.filter((p) => !p.unsupported);
      if (mine.length === 0) continue;
      const byReason = new Map<string, Set<string>>();
      for (const p of mine) byReason.set(p.reason, (byReason.get(p.reason) ?? new Set()).add(p.file));
      const parts = [...byReason].map(([reason, files]) => `${[...files].join(", ")}: ${reason}`);
      const files = new Set(mine.map((p) => p.file));
      ctx.report({
        message: `cluster ${cluster.name}: ${files.size} SOPS file${files.size === 1 ? "" : "s"} could not be decrypted (values stay encrypted and masked): ${parts.join("; ")}`,
        cluster: cluster.name,
        file: mine[0]!.file,
        ...(severity ? { severity } : {}),
      });
    }
  },
};

const sopsMacMismatch: Rule = {
  id: "sops-mac-mismatch",
  defaultSeverity: "error",
  description: "A SOPS file whose MAC does not match its values was changed outside sops (tampered)",
  help: "sops refuses to decrypt such a file; Flux does not check the MAC and would apply whatever the file now says. Restore the file from history, or re-encrypt it with `slipway secrets edit` if the change is intended.",
  run(ctx: RuleContext) {
    for (const f of platformSecrets(ctx.platform)?.files ?? []) {
      if (!f.macMismatch) continue;
      const text = read(ctx.platform, f.file);
      ctx.report({
        message: `${f.file}: ${f.problem ?? "MAC check failed"}`,
        file: f.file,
        line: text ? lineOf(text, /^\s*mac:|"mac"\s*:|^sops_mac=/) : undefined,
      });
    }
  },
};

/** The `secretGenerator` entries of a kustomization file; none when it does not parse. */
function secretGenerators(read: (file: string) => Buffer | undefined, kfile: string): YamlMap[] {
  const bytes = read(kfile);
  if (!bytes) return [];
  try {
    const raw = parseYaml(bytes.toString("utf8"), kfile);
    return isMap(raw) && Array.isArray(raw.secretGenerator) ? raw.secretGenerator.filter(isMap) : [];
  } catch {
    return [];
  }
}

const sopsMetadataMissing: Rule = {
  id: "sops-metadata-missing",
  defaultSeverity: "error",
  description:
    "A file the platform applies holds SOPS-encrypted values but no sops metadata: nobody can decrypt it",
  help: "The `sops:` block (or sops_* lines) carries the data key and the MAC; without it no key decrypts the values, and Flux, finding no MAC, passes the ENC[…] text on as the values. Restore the file from history (a merge that dropped the block?), or re-create it with `slipway secrets encrypt --in-place FILE`.",
  run(ctx: RuleContext) {
    const read = fileReader(ctx.platform);
    const seen = new Set<string>();
    const check = (
      file: string,
      format: FluxSopsFormat,
      r: RenderedResource,
      resources: boolean,
      wholeValue = false,
    ) => {
      if (seen.has(file)) return;
      seen.add(file);
      const bytes = read(file);
      const lost = resources ? resourcesLostSopsMetadata : lostSopsMetadata;
      if (!bytes || !lost(bytes, format, file)) return;
      // A `files:` input is one value of the Secret; Flux decrypts a value holding any format's
      // marker after the build (decryptor.go DecryptResource), whatever its key says.
      if (wholeValue && DATA_MARKERS.some((f) => hasSopsMarker(bytes, f))) return;
      ctx.report({
        message: `${file} holds ENC[AES256_GCM,…] values but no sops metadata: nobody can decrypt it, and Flux (finding no MAC) passes the ciphertext on as the values`,
        resource: r,
        file,
        line: lineOf(bytes.toString("utf8"), /ENC\[AES256_GCM,/),
      });
    };
    for (const r of ctx.resources()) {
      const file = r.source?.file;
      if (!file) continue;
      if (!isKustomizationFile(file)) {
        check(file, fluxFormatForPath(file), r, true);
        continue;
      }
      // A generated object's source is its kustomization file: Flux decrypts the inputs.
      if (seen.has(file)) continue;
      seen.add(file);
      for (const g of secretGenerators(read, file)) {
        for (const input of generatorInputs(file, g)) check(input.file, input.format, r, false, input.whole);
      }
    }
  },
};

const sopsConfigPrivateKey: Rule = {
  id: "sops-config-private-key",
  defaultSeverity: "error",
  description:
    "A .sops.yaml names public keys only: an age secret key there is a private key committed to the repository",
  help: "Whoever can read the repository can decrypt every file encrypted for that key. Treat the key as exposed: make a new one (age-keygen), put its public key (age1…) in .sops.yaml, run `slipway secrets updatekeys` and `slipway secrets rotate` on the files the old one encrypted, and replace the key Flux decrypts with (the sops-age Secret).",
  run(ctx: RuleContext) {
    for (const file of sopsConfigsInUse(ctx.platform, platformSecrets(ctx.platform)?.files ?? []).keys()) {
      const lines = read(ctx.platform, file)?.split("\n") ?? [];
      const at = lines.findIndex((l) => AGE_SECRET_KEY.test(l));
      if (at < 0) continue;
      // The key itself is never quoted: its line says where.
      ctx.report({
        message: `${file} holds an age secret key (a private key, not quoted here): whoever can read the repository can decrypt every file encrypted for it; treat it as exposed and put a new key's public key there`,
        file,
        line: at + 1,
      });
    }
  },
};

export const rules: Rule[] = [
  secretNotEncrypted,
  secretInBase,
  sopsRecipientsMismatch,
  sopsConfigPrivateKey,
  fluxDecryptionMissing,
  sopsUndecryptable,
  sopsMacMismatch,
  sopsMetadataMissing,
];

/**
 * A recipient as a message names it: a post-quantum age recipient (`age1pq1…`) is about 2,000
 * characters, a line no one reads (Tanguille/cluster's cut-over), so it is named by its two ends.
 */
function shownRecipient(r: string): string {
  return r.length > 100 ? `${r.slice(0, 20)}…${r.slice(-8)}` : r;
}
