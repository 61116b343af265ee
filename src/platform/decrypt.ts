/**
 * SOPS decryption while rendering, as kustomize-controller does it (../shared/flux/SPEC.md §4),
 * plus ksops generators for plain kustomize stacks. Everything stays in memory: decrypted
 * generator inputs are served through an overlay FileSystem, never written to disk.
 *
 * The platform loader is synchronous while age unwrapping is not, so loading happens in two
 * steps: `loadPlatformWithSecrets` first finds every SOPS file of the repository and recovers
 * its data key with the user's identities (async), then renders with hooks that decrypt
 * synchronously with those keys. An object whose key was not recovered beforehand (a SOPS
 * file embedded in a Secret's data) is unwrapped after the first render and the platform is
 * rendered once more.
 *
 * Without a key nothing fails: encrypted values stay encrypted (and are masked on output),
 * and each file that could not be decrypted is recorded with the reason, per cluster.
 * The MAC is not verified, as in Flux: kustomize changes the MAC-covered cleartext.
 */
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import { confinedView } from "../fs/confined.js";
import { DiskFileSystem, type FileSystem, readFileWithin } from "../fs/filesystem.js";
import { OverlayFileSystem } from "../fs/overlay.js";
import { kustomizationFileNames } from "../kustomize/kustomization.js";
import { isRemoteReference } from "../kustomize/loader.js";
import type { GeneratorPluginRunner } from "../kustomize/target.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { SecretPaths, type ValuePath } from "../secrets/paths.js";
import { decryptTree, ValueDecryptError } from "../sops/crypt.js";
import { recoverDataKey } from "../sops/datakey.js";
import {
  decryptSops,
  findAgeIdentities,
  formatFromPath,
  loadSopsConfig,
  type SopsFileStatus,
  type SopsFormat,
  sopsStatus,
} from "../sops/index.js";
import type { SopsMetadata } from "../sops/metadata.js";
import { toYamlValue } from "../sops/plain.js";
import { emitPlain, type LoadedEncrypted, loadEncrypted } from "../sops/store.js";
import { Branch, Comment, Sequence, type TreeBranches, type TreeValue } from "../sops/tree.js";
import { aadFor } from "../sops/walk.js";
import { parseYaml } from "../yaml/index.js";
import { groupOf, metaString } from "./flux-objects.js";
import { type DecryptionHooks, type LoadPlatformOptions, loadPlatform } from "./load.js";
import { type Marker, maskPlatform, withholdSecretMessages } from "./masking.js";
import type { Cluster, FluxKustomization, Platform } from "./model.js";

/** kustomize-controller skips files larger than this. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const SKIPPED_DIRS = new Set([".git", "node_modules"]);
export const DECRYPT_ANNOTATION = "kustomize.toolkit.fluxcd.io/decrypt";

/** One SOPS file of the repository, as found before rendering. */
export interface SopsFileReport {
  /** Repository-relative path. */
  file: string;
  format: SopsFormat;
  /** Whether the identities of this run recover its data key. */
  canDecrypt: boolean;
  /**
   * The data key was recovered but the MAC does not match the values: the file was changed
   * outside sops (tampered). Flux decrypts it anyway (it does not check MACs), so render does.
   */
  macMismatch?: boolean;
  /** Why not (never holds secret material). */
  problem?: string;
  /** Recipients compared with `.sops.yaml` (undefined when the metadata could not be read). */
  status?: SopsFileStatus;
}

/** A file the platform needed but could not decrypt. */
export interface DecryptionProblem {
  file: string;
  reason: string;
  cluster?: string;
  kustomization?: string;
  /**
   * A limit of Slipway, not a problem of the repository: Flux decrypts the file (an INI SOPS
   * file), Slipway cannot read it.
   */
  unsupported?: boolean;
}

export interface PlatformSecrets {
  /** Whether any age identity was available at all. */
  haveIdentities: boolean;
  files: SopsFileReport[];
  /** Needed by some cluster and not decrypted: values stay encrypted (and masked). */
  problems: DecryptionProblem[];
}

export interface SecretsLoadOptions extends Omit<LoadPlatformOptions, "decrypt"> {
  /** age identities (`AGE-SECRET-KEY-…`); default: found as sops finds them. */
  identities?: readonly string[];
}

/**
 * Per Secret no key decrypted that the cluster's Flux Kustomizations substitute variables from
 * (FluxKustomization.sealedSubstitutions), one sentence naming them and the variables each uses:
 * what render says on stderr and check as a sops-undecryptable finding.
 */
export function sealedSubstitutionLines(
  cluster: Pick<Cluster, "name" | "kustomizations">,
  only?: (k: FluxKustomization) => boolean,
): Array<{ secret: string; kustomizations: string[]; message: string }> {
  const bySecret = new Map<string, Array<[string, string[]]>>();
  for (const k of cluster.kustomizations) {
    if (only && !only(k)) continue;
    for (const s of k.sealedSubstitutions ?? []) {
      let list = bySecret.get(s.secret);
      if (!list) bySecret.set(s.secret, (list = []));
      list.push([k.id, s.variables]);
    }
  }
  return [...bySecret]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([secret, users]) => {
      const one = users.length === 1;
      const named = users.map(([id, vars]) => `${id} (${vars.map((v) => `\${${v}}`).join(", ")})`).join(", ");
      return {
        secret,
        kustomizations: users.map(([id]) => id),
        message: `cluster ${cluster.name}: Secret ${secret} could not be decrypted, and Flux Kustomization${one ? "" : "s"} ${named} substitute${one ? "s" : ""} its variables: Slipway wrote their ciphertext where Flux writes the plaintext, so those values are unknown (masked, not checked)`,
      };
    });
}

const SECRETS = new WeakMap<Platform, PlatformSecrets>();

/** What `loadPlatformWithSecrets` learnt about the SOPS files of a platform. */
export function platformSecrets(platform: Platform): PlatformSecrets | undefined {
  return SECRETS.get(platform);
}

/** `maskPlatform`, keeping what was learnt about the platform's SOPS files. */
export function maskedPlatform(platform: Platform, masker: Marker): Platform {
  const masked = maskPlatform(platform, masker);
  const known = SECRETS.get(platform);
  if (known) SECRETS.set(masked, known);
  return masked;
}

export async function loadPlatformWithSecrets(
  repoRoot: string,
  opts: SecretsLoadOptions = {},
): Promise<{ platform: Platform; secrets: PlatformSecrets }> {
  const root = path.resolve(repoRoot).split(path.sep).join("/");
  const allowed = (opts.allowedPaths ?? []).map((p) => path.resolve(p).split(path.sep).join("/"));
  const fs = confinedView(opts.fs ?? new DiskFileSystem(), [root, ...allowed]);
  const keyring = new SopsKeyring(opts.identities ?? findAgeIdentities().identities);
  const files = await scanSopsFiles(fs, root, keyring);
  const render = () => {
    const decryptor = new FluxDecryptor(root, keyring);
    const platform = loadPlatform(repoRoot, { ...opts, fs, decrypt: decryptor.hooks });
    return { platform, decryptor };
  };
  let { platform, decryptor } = render();
  if (await keyring.unwrapPending()) ({ platform, decryptor } = render());
  const problems = attributeProblems(platform, decryptor.problems, root);
  for (const p of problems) warn(platform, p);
  withholdSecretMessages(platform);
  const secrets: PlatformSecrets = { haveIdentities: keyring.identities.length > 0, files, problems };
  SECRETS.set(platform, secrets);
  return { platform, secrets };
}

/**
 * Decryption for several renders of one repository (two git revisions in a diff): the data
 * keys of every SOPS file in any of the views are unwrapped up front, so the synchronous
 * render hooks can decrypt both.
 */
export async function decryptorFor(
  root: string,
  views: readonly FileSystem[],
  identities: readonly string[],
): Promise<FluxDecryptor> {
  const keyring = new SopsKeyring(identities);
  for (const fs of views) await scanSopsFiles(confinedView(fs, [root]), root, keyring);
  return new FluxDecryptor(root, keyring);
}

// --- data keys ---------------------------------------------------------------------------

/** Data keys recovered with this run's identities, by the metadata that wraps them. */
export class SopsKeyring {
  private readonly keys = new Map<string, Uint8Array>();
  private readonly failures = new Map<string, string>();
  private readonly pending = new Map<string, SopsMetadata>();
  /** Which repository file a metadata block belongs to, for messages. */
  readonly files = new Map<string, string>();

  constructor(readonly identities: readonly string[]) {}

  add(md: SopsMetadata, key: Uint8Array | undefined, failure?: string): void {
    const id = fingerprint(md);
    if (key) this.keys.set(id, key);
    else this.failures.set(id, failure ?? "data key not recovered");
  }

  /** The data key, or the reason there is none. Unknown metadata is queued for `unwrapPending`. */
  keyFor(md: SopsMetadata): { key: Uint8Array } | { reason: string } {
    const id = fingerprint(md);
    const key = this.keys.get(id);
    if (key) return { key };
    const failure = this.failures.get(id);
    if (failure) return { reason: failure };
    this.pending.set(id, md);
    return { reason: "data key not recovered yet" };
  }

  fileOf(md: SopsMetadata): string | undefined {
    return this.files.get(fingerprint(md));
  }

  /** Unwraps queued keys; true when a new key was recovered (so a new render helps). */
  async unwrapPending(): Promise<boolean> {
    let recovered = false;
    for (const [id, md] of this.pending) {
      try {
        this.keys.set(id, await recoverDataKey(md, this.identities, undefined));
        recovered = true;
      } catch (err) {
        this.failures.set(id, (err as Error).message);
      }
    }
    this.pending.clear();
    return recovered;
  }
}

function fingerprint(md: SopsMetadata): string {
  const wrapped = md.keyGroups.flatMap((g) => g.map((k) => (k.type === "age" ? k.enc : `${k.type}:${k.id}`)));
  return `${md.mac}\0${wrapped.join("\0")}`;
}

// --- the repository's SOPS files -----------------------------------------------------------

/**
 * The formats kustomize-controller decrypts in: sops' own, and INI, which it reads with sops'
 * INI store (formats.FormatForPath: a `.ini` name) and Slipway's SOPS library does not.
 */
export type FluxSopsFormat = SopsFormat | "ini";

const MAC_MARKERS: Record<FluxSopsFormat, string> = {
  yaml: "mac: ENC[",
  json: '"mac": "ENC[',
  binary: '"mac": "ENC[',
  dotenv: "sops_mac=ENC[",
  ini: "[sops]",
};

/** kustomize-controller's test whether a file is SOPS-encrypted (decryptor.go 113-120). */
export function hasSopsMarker(bytes: Buffer, format: FluxSopsFormat): boolean {
  return bytes.includes(MAC_MARKERS[format]);
}

/**
 * The format kustomize-controller decrypts a file in, from its name (decryptor.go formatForPath):
 * sops' own rule, but a name ending in `.dockerconfigjson` (a dockerconfigjson Secret's key, so
 * `files: [.dockerconfigjson=creds.enc.json]`) is JSON.
 */
export function fluxFormatForPath(p: string): FluxSopsFormat {
  if (p.endsWith(".dockerconfigjson")) return "json";
  return p.endsWith(".ini") ? "ini" : formatFromPath(p);
}

/** The format a decrypted Secret data value is written in, from its key (fluxFormatForPath; INI as binary). */
function fluxOutputFormat(key: string): SopsFormat {
  const f = fluxFormatForPath(key);
  return f === "ini" ? formatFromPath(key) : f;
}

/** Why an INI SOPS file stays encrypted: said, never passed on as if it were the values. */
const INI_UNSUPPORTED = "an INI SOPS file, which Flux decrypts (sops' INI store) and Slipway cannot read";

/** Every SOPS file below `root`: data keys recovered into the keyring, recipients compared with `.sops.yaml`. */
export async function scanSopsFiles(
  fs: FileSystem,
  root: string,
  keyring: SopsKeyring,
): Promise<SopsFileReport[]> {
  const reports: SopsFileReport[] = [];
  for (const abs of walkFiles(fs, root)) {
    let bytes: Buffer | undefined;
    try {
      bytes = readFileWithin(fs, abs, MAX_FILE_BYTES);
    } catch {
      continue;
    }
    const format = formatFromPath(abs);
    if (bytes === undefined || !hasSopsMarker(bytes, format)) continue;
    const file = path.posix.relative(root, abs);
    const report: SopsFileReport = { file, format, canDecrypt: false };
    let loaded: LoadedEncrypted;
    try {
      loaded = loadEncrypted(bytes, format, file);
    } catch (err) {
      report.problem = (err as Error).message;
      reports.push(report);
      continue;
    }
    keyring.files.set(fingerprint(loaded.metadata), file);
    try {
      const d = await decryptSops(bytes, { file, format, identities: keyring.identities, ignoreMac: true });
      keyring.add(loaded.metadata, d.dataKey);
      report.canDecrypt = true;
      try {
        await decryptSops(bytes, { file, format, dataKey: d.dataKey });
      } catch (err) {
        if (/MAC check failed/.test((err as Error).message)) {
          report.macMismatch = true;
          report.problem = (err as SlipwayError).message;
        }
      }
    } catch (err) {
      report.problem = (err as Error).message;
      keyring.add(loaded.metadata, undefined, report.problem);
    }
    try {
      let config: ReturnType<typeof loadSopsConfig> | null = null;
      try {
        config = loadSopsConfig(path.posix.dirname(abs), fs) ?? null;
      } catch {
        config = null;
      }
      report.status = await sopsStatus(bytes, { file: abs, format, identities: [], config });
      report.status.file = file;
      report.status.canDecrypt = report.canDecrypt;
      report.status.decryptProblem = report.problem;
    } catch {
      // The metadata was readable above; a status failure leaves `status` unset.
    }
    reports.push(report);
  }
  return reports;
}

function* walkFiles(fs: FileSystem, dir: string): Generator<string> {
  let names: string[];
  try {
    names = fs.readDir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
    if (fs.isDirectory(p)) {
      if (!SKIPPED_DIRS.has(name)) yield* walkFiles(fs, p);
    } else {
      yield p;
    }
  }
}

// --- decrypting in memory --------------------------------------------------------------------

interface Decrypted {
  branches: TreeBranches;
  encryptedPaths: Set<string>;
}

/** decryptSops without the MAC, synchronously, with a known data key. */
function decryptLoaded(
  loaded: LoadedEncrypted,
  format: SopsFormat,
  key: Uint8Array,
  label: string,
): Decrypted {
  const md = loaded.metadata;
  try {
    const d = decryptTree(
      loaded.branches,
      key,
      format === "binary" ? {} : md.rules,
      md.macOnlyEncrypted,
      () => branchAads(loaded.branches),
    );
    return { branches: d.branches, encryptedPaths: d.encryptedPaths };
  } catch (err) {
    const msg = err instanceof ValueDecryptError ? err.message : (err as Error).message;
    throw new SlipwayError(`decryption failed for '${label}': ${msg}`);
  }
}

function branchAads(branches: TreeBranches): string[] {
  const out = new Set<string>([":"]);
  const visit = (b: Branch, prefix: string[]) => {
    for (const it of b.items) {
      if (it instanceof Comment) continue;
      const p = [...prefix, it.key];
      out.add(aadFor(p));
      if (it.value instanceof Branch) visit(it.value, p);
    }
  };
  for (const b of branches) visit(b, []);
  return [...out];
}

/**
 * The paths (keys and list indices, as in the plain document) of every value that was stored
 * encrypted, per document; values sops kept in clear (`encrypted_regex` etc.) are not secret.
 */
export function encryptedValuePaths(branches: TreeBranches, encrypted: Set<string>): SecretPaths[] {
  return branches.map((b) => {
    const out = new SecretPaths();
    const visit = (v: TreeValue | Comment, keys: string[], at: ValuePath) => {
      if (v instanceof Comment || v === null) return;
      if (v instanceof Branch) {
        for (const it of v.items)
          if (!(it instanceof Comment)) visit(it.value, [...keys, it.key], [...at, it.key]);
        return;
      }
      if (v instanceof Sequence) {
        let i = 0;
        for (const it of v.items) if (!(it instanceof Comment)) visit(it, keys, [...at, i++]);
        return;
      }
      if (encrypted.has(aadFor(keys))) out.add(at);
    };
    visit(b, [], []);
    return out;
  });
}

/**
 * detectFormatFromMarkerBytes. Go walks a map there, in random order; a value holding the
 * markers of two formats is not a file sops wrote, and sops' own formats come first here.
 */
function markerFormat(bytes: Buffer): FluxSopsFormat | undefined {
  if (bytes.includes(MAC_MARKERS.yaml)) return "yaml";
  if (bytes.includes(MAC_MARKERS.json)) return "json";
  if (bytes.includes(MAC_MARKERS.dotenv)) return "dotenv";
  if (bytes.includes(MAC_MARKERS.ini)) return "ini";
  return undefined;
}

/** The renderer's hooks: Flux decryption for Kustomizations with `decryption.provider: sops`, and ksops. */
export class FluxDecryptor {
  readonly problems: Array<DecryptionProblem & { configuredIn?: string }> = [];
  /** INI files said already: the Secret generated from one holds the same bytes, one problem. */
  private readonly iniSaid = new Set<string>();
  readonly hooks: DecryptionHooks;

  constructor(
    private readonly root: string,
    private readonly keyring: SopsKeyring,
  ) {
    this.hooks = {
      files: (fs, dir, k) => this.decryptSources(fs, dir, k),
      resource: (obj, k) => this.decryptResource(obj, k),
      generatorPlugins: this.ksops,
    };
  }

  private rel(abs: string): string {
    return abs.startsWith("/") ? path.posix.relative(this.root, abs) : abs;
  }

  private problem(p: DecryptionProblem & { configuredIn?: string }): void {
    this.problems.push(p);
  }

  // Before the build (DecryptSources): generator inputs and patch files, in an overlay.
  decryptSources(fs: FileSystem, dir: string, k: FluxKustomization): FileSystem {
    const overlay = new OverlayFileSystem(fs);
    const done = new Set<string>();
    const visited = new Set<string>();
    const decryptFile = (abs: string, format: FluxSopsFormat) => {
      if (done.has(abs)) return;
      done.add(abs);
      let bytes: Buffer | undefined;
      try {
        if (fs.isDirectory(abs)) return;
        bytes = readFileWithin(fs, abs, MAX_FILE_BYTES);
      } catch {
        return; // kustomize reports the missing file
      }
      if (bytes === undefined || !hasSopsMarker(bytes, format)) return;
      const file = this.rel(abs);
      if (format === "ini") {
        this.iniSaid.add(bytes.toString("base64"));
        this.problem({
          file,
          reason: INI_UNSUPPORTED,
          cluster: k.cluster,
          kustomization: k.id,
          unsupported: true,
        });
        return;
      }
      let loaded: LoadedEncrypted;
      try {
        loaded = loadEncrypted(bytes, format, file);
      } catch (err) {
        throw new SlipwayError(`error decrypting sources: ${(err as Error).message}`, { file });
      }
      const found = this.keyring.keyFor(loaded.metadata);
      if (!("key" in found)) {
        this.problem({ file, reason: found.reason, cluster: k.cluster, kustomization: k.id });
        return;
      }
      const d = decryptLoaded(loaded, format, found.key, file);
      // Every reader of this file (a generator, a patch, even `resources:`) gets secret values.
      const documents =
        format === "yaml" || format === "json"
          ? encryptedValuePaths(d.branches, d.encryptedPaths)
          : undefined;
      overlay.set(abs, emitPlain(d.branches, format), documents ? { documents } : {});
    };
    const visit = (d: string) => {
      if (visited.has(d)) return;
      visited.add(d);
      const kfile = kustomizationFileNames
        .map((n) => `${d}/${n}`)
        .find((f) => fs.exists(f) && !fs.isDirectory(f));
      if (!kfile) return;
      let raw: YamlValue;
      try {
        raw = parseYaml(fs.readFile(kfile).toString("utf8"), kfile);
      } catch {
        return; // the build reports it
      }
      if (!isMap(raw)) return;
      for (const field of ["resources", "components", "bases"]) {
        for (const p of strings(raw[field])) {
          if (isRemoteReference(p)) continue;
          const abs = path.posix.resolve(d, p);
          if (fs.isDirectory(abs)) visit(abs);
        }
      }
      for (const gen of Array.isArray(raw.secretGenerator) ? raw.secretGenerator : []) {
        if (!isMap(gen)) continue;
        for (const entry of strings(gen.files)) {
          const eq = entry.indexOf("=");
          const p = eq >= 0 ? entry.slice(eq + 1) : entry;
          const key = eq >= 0 ? entry.slice(0, eq) : path.posix.basename(p);
          decryptFile(path.posix.resolve(d, p), fluxFormatForPath(key));
        }
        for (const p of [...strings(gen.envs), ...strings(gen.env === undefined ? [] : [gen.env])]) {
          const f = fluxFormatForPath(p);
          decryptFile(path.posix.resolve(d, p), f === "binary" ? "dotenv" : f);
        }
      }
      for (const patch of Array.isArray(raw.patches) ? raw.patches : []) {
        if (isMap(patch) && typeof patch.path === "string" && !isRemoteReference(patch.path)) {
          decryptFile(path.posix.resolve(d, patch.path), fluxFormatForPath(patch.path));
        }
      }
    };
    visit(dir);
    return overlay;
  }

  // After the build, per object (DecryptResource).
  decryptResource(
    obj: KObject,
    k: FluxKustomization,
  ): { object: KObject | undefined; secrets?: SecretPaths } {
    if (decryptionDisabled(obj)) return { object: obj };
    const sops = obj.sops;
    if (isMap(sops) && typeof sops.mac === "string" && sops.mac !== "") return this.decryptObject(obj, k);
    // A Secret's data is secret by its kind; nothing more to mark.
    if (obj.kind === "Secret" && isMap(obj.data)) this.decryptSecretData(obj, k);
    return { object: obj };
  }

  private decryptObject(
    obj: KObject,
    k: FluxKustomization,
  ): { object: KObject | undefined; secrets?: SecretPaths } {
    const label = resourceLabel(obj);
    let loaded: LoadedEncrypted;
    try {
      loaded = loadEncrypted(JSON.stringify(obj, bigintAsNumber), "json", label);
    } catch (err) {
      throw new SlipwayError(`decryption failed for '${label}': ${(err as Error).message}`);
    }
    const file = this.keyring.fileOf(loaded.metadata) ?? label;
    const found = this.keyring.keyFor(loaded.metadata);
    if (!("key" in found)) {
      // A whole file encrypted, kind and name included (no encrypted_regex): what Flux applies
      // is unknown here, and rules would judge an object of kind `ENC[…]` (false errors).
      const hidden = identityEncrypted(obj);
      const reason = hidden
        ? `${found.reason}; its ${hidden} is encrypted too, so the object is left out`
        : found.reason;
      this.problem({ file, reason, cluster: k.cluster, kustomization: k.id });
      return { object: hidden ? undefined : obj };
    }
    const d = decryptLoaded(loaded, "json", found.key, label);
    const out = toYamlValue(d.branches[0] ?? new Branch()) as KObject;
    return { object: out, secrets: encryptedValuePaths(d.branches, d.encryptedPaths)[0] };
  }

  private decryptSecretData(obj: KObject, k: FluxKustomization): void {
    const data = obj.data as YamlMap;
    for (const [name, v] of Object.entries(data)) {
      if (typeof v !== "string") continue;
      const bytes = Buffer.from(v, "base64");
      const inFormat = markerFormat(bytes);
      if (!inFormat) continue;
      const label = `${resourceLabel(obj)} data.${name}`;
      if (inFormat === "ini") {
        if (this.iniSaid.has(v.replace(/\s+/g, ""))) continue;
        this.problem({
          file: label,
          reason: INI_UNSUPPORTED,
          cluster: k.cluster,
          kustomization: k.id,
          unsupported: true,
        });
        continue;
      }
      let loaded: LoadedEncrypted;
      try {
        loaded = loadEncrypted(bytes, inFormat, label);
      } catch (err) {
        throw new SlipwayError(`decryption failed for '${resourceLabel(obj)}': ${(err as Error).message}`);
      }
      const found = this.keyring.keyFor(loaded.metadata);
      if (!("key" in found)) {
        const file = this.keyring.fileOf(loaded.metadata) ?? label;
        this.problem({ file, reason: found.reason, cluster: k.cluster, kustomization: k.id });
        continue;
      }
      const d = decryptLoaded(loaded, inFormat, found.key, label);
      data[name] = emitPlain(d.branches, fluxOutputFormat(name)).toString("base64");
    }
  }

  // ksops (viaduct.ai/v1, kind ksops): Secrets from SOPS-encrypted manifests and files.
  private readonly ksops: GeneratorPluginRunner = (config, at) => {
    if (config.kind !== "ksops" || !String(config.apiVersion ?? "").startsWith("viaduct.ai/"))
      return undefined;
    const out: Array<{ object: KObject; secrets?: SecretPaths }> = [];
    const read = (p: string) => {
      const abs = path.posix.resolve(at.dir, p);
      try {
        return { abs, bytes: at.fs.readFile(abs) };
      } catch {
        throw new SlipwayError(`ksops: cannot read '${p}'`, { file: at.file });
      }
    };
    /** The decrypted branches, or the still-encrypted ones when there is no key. */
    const open = (
      p: string,
    ): { branches: TreeBranches; format: SopsFormat; decrypted: boolean; secrets?: SecretPaths[] } => {
      const { abs, bytes } = read(p);
      const format = formatFromPath(abs);
      const file = this.rel(abs);
      let loaded: LoadedEncrypted;
      try {
        loaded = loadEncrypted(bytes, format, file);
      } catch (err) {
        throw new SlipwayError(`ksops: ${(err as Error).message}`, { file });
      }
      const found = this.keyring.keyFor(loaded.metadata);
      if (!("key" in found)) {
        this.problem({ file, reason: found.reason, configuredIn: at.dir });
        return { branches: loaded.branches, format, decrypted: false };
      }
      const d = decryptLoaded(loaded, format, found.key, file);
      const secrets = encryptedValuePaths(d.branches, d.encryptedPaths);
      return { branches: d.branches, format, decrypted: true, secrets };
    };
    for (const p of strings(config.files)) {
      const opened = open(p);
      opened.branches.forEach((b, i) => {
        const doc = toYamlValue(b);
        if (isMap(doc)) out.push({ object: doc as KObject, secrets: opened.secrets?.[i] });
      });
    }
    for (const spec of Array.isArray(config.secretFrom) ? config.secretFrom : []) {
      if (!isMap(spec)) continue;
      const data: YamlMap = {};
      for (const entry of [...strings(spec.files), ...strings(spec.binaryFiles)]) {
        const eq = entry.indexOf("=");
        const p = eq >= 0 ? entry.slice(eq + 1) : entry;
        const key = eq >= 0 ? entry.slice(0, eq) : path.posix.basename(p);
        const opened = open(p);
        data[key] = emitPlain(opened.branches, opened.format).toString("base64");
      }
      const secret: KObject = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: isMap(spec.metadata) ? spec.metadata : {},
        data,
      };
      if (typeof spec.type === "string") secret.type = spec.type;
      out.push({ object: secret });
    }
    return out;
  };
}

function strings(v: YamlValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function decryptionDisabled(obj: KObject): boolean {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  for (const field of ["annotations", "labels"]) {
    const m = md[field];
    if (
      isMap(m) &&
      typeof m[DECRYPT_ANNOTATION] === "string" &&
      m[DECRYPT_ANNOTATION].toLowerCase() === "disabled"
    )
      return true;
  }
  return false;
}

function resourceLabel(obj: KObject): string {
  const group = groupOf(obj);
  const version =
    String(obj.apiVersion ?? "")
      .split("/")
      .pop() ?? "";
  const ns = metaString(obj, "namespace");
  return `${group ? `${group}/` : ""}${version}, Kind=${String(obj.kind ?? "")}/${ns ? `${ns}/` : ""}${metaString(obj, "name")}`;
}

function bigintAsNumber(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : v;
}

// --- after the render ------------------------------------------------------------------------

/** ksops problems carry the kustomization directory that generated: give them their clusters. */
function attributeProblems(
  platform: Platform,
  raw: Array<DecryptionProblem & { configuredIn?: string }>,
  root: string,
): DecryptionProblem[] {
  const out: DecryptionProblem[] = [];
  const seen = new Set<string>();
  const add = (p: DecryptionProblem) => {
    const key = [p.cluster, p.kustomization, p.file].join("\0");
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  for (const p of raw) {
    if (!p.configuredIn) {
      const { configuredIn: _, ...problem } = p;
      add(problem);
      continue;
    }
    const configuredIn = path.posix.relative(root, p.configuredIn);
    for (const c of platform.clusters) {
      for (const k of c.kustomizations) {
        const generatedThere = (file: string) =>
          path.posix.dirname(file) === configuredIn &&
          kustomizationFileNames.includes(path.posix.basename(file));
        if (k.resources.some((r) => r.source && generatedThere(r.source.file))) {
          add({
            file: p.file,
            reason: p.reason,
            cluster: c.name,
            kustomization: k.id,
            ...(p.unsupported ? { unsupported: true } : {}),
          });
        }
      }
    }
  }
  return out;
}

function warn(platform: Platform, p: DecryptionProblem): void {
  const cluster = platform.clusters.find((c) => c.name === p.cluster);
  const k = cluster?.kustomizations.find((x) => x.id === p.kustomization);
  k?.warnings.push(`SOPS: could not decrypt ${p.file}: ${p.reason} (its values stay encrypted and masked)`);
}

const ENCRYPTED_VALUE = /^ENC\[[A-Z0-9_]+,data:/;

/** The first identity field of `obj` that holds a SOPS-encrypted value, dotted; undefined if none. */
function identityEncrypted(obj: KObject): string | undefined {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const fields: Array<[string, unknown]> = [
    ["kind", obj.kind],
    ["apiVersion", obj.apiVersion],
    ["metadata.name", meta.name],
    ["metadata.namespace", meta.namespace],
  ];
  return fields.find(([, v]) => typeof v === "string" && ENCRYPTED_VALUE.test(v))?.[0];
}
