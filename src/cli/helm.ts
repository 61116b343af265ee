import * as nodeFs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultRenderCache, type RenderCache } from "../cache/index.js";
import { errorMessage, SlipwayError } from "../errors.js";
import { refuseLinksBelow } from "../fs/atomic-write.js";
import { writeFileSet } from "../fs/write-set.js";
import { type KubeVersion, KubeVersionError, parseKubeVersion } from "../helm/capabilities.js";
import { type Chart, type ChartFile, loadWarnings } from "../helm/chart.js";
import {
  type ChartDirReader,
  chartDirFiles,
  diskReader,
  loadChart,
  loadChartDirFiles,
} from "../helm/chart-source.js";
import { RenderError } from "../helm/engine.js";
import { chartDigest } from "../helm/loader.js";
import { formatTemplateOutput, type Hook, isTestHook, ManifestError } from "../helm/manifests.js";
import { persistedHeadsReader } from "../helm/persisted-heads.js";
import {
  readTemplateOutput,
  readUnkeptHint,
  templateOutputKey,
  unkeptHintKey,
  writeTemplateOutput,
  writeUnkeptHint,
} from "../helm/persisted-output.js";
import { persistedValuesReader } from "../helm/persisted-values.js";
import { IncompatibleKubeVersionError, renderChart } from "../helm/render.js";
import { utf8Buffer } from "../helm/template/gostring.js";
import { composeUserValues } from "../helm/values.js";
import { flagError } from "./args.js";

const templateHelp = `Usage: slipway helm template [NAME] CHART [flags]

Renders a Helm chart (a directory or a .tgz) exactly like 'helm template' of Helm v4.1.4:
same stdout byte for byte, same failures, offline. Without NAME the release is "release-name".

Flags:
  -f, --values FILE            values file (repeatable; comma-separated lists allowed)
      --set K=V                set values (typed: ints, bools, null; repeatable)
      --set-string K=V         set string values
      --set-file K=PATH        set a value to a file's contents
      --set-json K=JSON        set JSON values (or a whole JSON object)
      --set-literal K=V        set a literal string value
  -n, --namespace NS           release namespace (default $HELM_NAMESPACE, else "default")
      --kube-version V         Kubernetes version for .Capabilities (default v1.35.0)
  -a, --api-versions G/V[/K]   extra API versions for .Capabilities (repeatable)
      --include-crds           print the chart's crds/ files first
      --skip-tests             leave out test hooks
      --no-hooks               leave out all hooks
      --is-upgrade             .Release.IsUpgrade instead of .Release.IsInstall
  -s, --show-only PATH         only templates matching PATH (e.g. templates/svc.yaml; repeatable)
      --output-dir DIR         write one file per template under DIR instead of stdout
      --release-name           with --output-dir: put files under DIR/NAME
      --skip-schema-validation do not validate values against values.schema.json
      --seed S                 seed of random functions (randAlphaNum, uuidv4, genCA, …):
                               equal seeds render equal output (Slipway only)
      --now RFC3339            pin the clock behind 'now' (Slipway only)
      --no-cache               do not keep parsed templates, values.yaml files, compiled
                               schemas, document heads and printed outputs in the cache
                               between runs (also SLIPWAY_NO_CACHE=1; Slipway only)
  -h, --help                   show this help

Exit codes: 0 rendered, 1 the chart failed to load or render, 2 bad flags.
`;

const helmHelp = `Usage: slipway helm <command> [flags]

Commands:
  template   render a chart like 'helm template' (Helm v4.1.4), offline

Run 'slipway helm template --help' for its flags.
`;

const options = {
  values: { type: "string", short: "f", multiple: true },
  set: { type: "string", multiple: true },
  "set-string": { type: "string", multiple: true },
  "set-file": { type: "string", multiple: true },
  "set-json": { type: "string", multiple: true },
  "set-literal": { type: "string", multiple: true },
  namespace: { type: "string", short: "n" },
  "kube-version": { type: "string" },
  "api-versions": { type: "string", short: "a", multiple: true },
  "include-crds": { type: "boolean" },
  "skip-tests": { type: "boolean" },
  "no-hooks": { type: "boolean" },
  "is-upgrade": { type: "boolean" },
  "show-only": { type: "string", short: "s", multiple: true },
  "output-dir": { type: "string" },
  "release-name": { type: "boolean" },
  "skip-schema-validation": { type: "boolean" },
  "render-subchart-notes": { type: "boolean" },
  "dry-run": { type: "string" },
  seed: { type: "string" },
  now: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const BOOLEAN_FLAGS = new Set(
  Object.entries(options)
    .filter(([, o]) => o.type === "boolean")
    .map(([name]) => `--${name}`),
);

/** pflag accepts `--bool=true|false`; node's parseArgs does not. */
function normalizeBooleans(argv: string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    const m = /^(--[a-z-]+)=(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.exec(a);
    if (m && BOOLEAN_FLAGS.has(m[1] as string)) {
      if (/^(true|1|t|TRUE|True)$/.test(m[2] as string)) out.push(m[1] as string);
      continue;
    }
    out.push(a);
  }
  return out;
}

/** pflag's StringSlice: each occurrence is a CSV line. */
function csvList(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    if (v === "") continue;
    let field = "";
    let quoted = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as string;
      if (quoted) {
        if (c === '"' && v[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"' && field === "") quoted = true;
      else if (c === ",") {
        out.push(field);
        field = "";
      } else field += c;
    }
    out.push(field);
  }
  return out;
}

/** What `helm template` needs from the outside world; tests pass their own. */
/** One file of --output-dir; `append`: added to the file already on disk (Helm's quirk for hooks). */
export interface OutputFile {
  file: string;
  data: string;
  append: boolean;
}

export interface TemplateIO {
  cwd: string;
  reader: ChartDirReader;
  stdout(data: string): void;
  stderr(data: string): void;
  /**
   * --output-dir: write every file or none (mkdir -p their directories); an `append` file adds
   * to what the file on disk holds. `within` is the output directory, below which nothing may
   * be a symbolic link.
   */
  writeFiles(files: readonly OutputFile[], within: string): void;
  exists(file: string): boolean;
  /** where parsed templates and values persist between runs (off with --no-cache); none: parse every run */
  cache?: RenderCache;
  /** $HELM_NAMESPACE: the release namespace when -n is not given (as Helm's settings read it) */
  helmNamespace?: string;
  /**
   * where printed outputs persist between runs (persisted-output.ts; off with --no-cache); none:
   * render every run. Apart from `cache` so that tests of the parse and values caches render.
   */
  outputCache?: RenderCache;
}

export const diskIO = (): TemplateIO => {
  const cache = defaultRenderCache();
  return {
    cwd: process.cwd(),
    reader: diskReader,
    stdout: (s) => process.stdout.write(utf8Buffer(s)),
    stderr: (s) => process.stderr.write(s),
    writeFiles: (files, within) => {
      const planned = files.map((f) => {
        if (!f.append) return { file: f.file, content: utf8Buffer(f.data) };
        refuseLinksBelow(within, f.file);
        // O_NOFOLLOW: a link planted at the name between the check and the open is not followed.
        const fd = nodeFs.openSync(f.file, nodeFs.constants.O_RDONLY | nodeFs.constants.O_NOFOLLOW);
        try {
          const before = nodeFs.readFileSync(fd);
          const mode = nodeFs.fstatSync(fd).mode & 0o777;
          return { file: f.file, content: Buffer.concat([before, utf8Buffer(f.data)]), mode };
        } finally {
          nodeFs.closeSync(fd);
        }
      });
      writeFileSet(planned, { within });
    },
    exists: (file) => nodeFs.existsSync(file),
    cache,
    helmNamespace: process.env.HELM_NAMESPACE,
    outputCache: cache,
  };
};

function fail(io: TemplateIO, message: string, renderFailed = false): number {
  io.stderr(`Error: ${message}${renderFailed ? "\n\nUse --debug flag to render out invalid YAML" : ""}\n`);
  return 1;
}

function parseNow(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new SlipwayError(`--now: '${text}' is not an RFC 3339 time`);
  return ms;
}

/** `slipway helm template …` with its outside world passed in. Returns the exit code. */
export function runHelmTemplate(argv: string[], io: TemplateIO): number {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>
  >;
  try {
    parsed = parseArgs({ args: normalizeBooleans(argv), allowPositionals: true, options });
  } catch (e) {
    io.stderr(`slipway helm template: ${flagError(e, options)}\n\n${templateHelp}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(templateHelp);
    return 0;
  }
  const pos = parsed.positionals;
  if (pos.length === 0) {
    io.stderr(`Error: "slipway helm template" requires at least 1 argument\n\n${templateHelp}`);
    return 2;
  }
  // Helm parses --kube-version first (pkg/cmd/template.go), and only when it is not empty.
  let kubeVersion: KubeVersion | undefined;
  const kubeVersionText = v["kube-version"];
  if (kubeVersionText) {
    try {
      kubeVersion = parseKubeVersion(kubeVersionText);
    } catch (e) {
      if (!(e instanceof KubeVersionError)) throw e;
      return fail(io, `invalid kube version '${kubeVersionText}': ${e.message}`);
    }
  }
  if (pos.length > 2)
    return fail(io, `expected at most two arguments, unexpected arguments: ${pos.slice(2).join(", ")}`);
  const [release, chartRef] =
    pos.length === 2 ? [pos[0] as string, pos[1] as string] : ["release-name", pos[0] as string];
  const resolve = (p: string) => path.resolve(io.cwd, p);
  let now: number | undefined;
  try {
    now = parseNow(v.now);
  } catch (e) {
    io.stderr(`slipway helm template: ${errorMessage(e)}\n`);
    return 2;
  }

  let userValues: ReturnType<typeof composeUserValues>;
  try {
    userValues = composeUserValues({
      files: csvList(v.values).map((name) => {
        // Helm fetches an http(s) values file; Slipway renders offline.
        if (/^https?:\/\//i.test(name))
          throw new SlipwayError(`${name}: Slipway does not fetch values files over the network`);
        return { name, text: readOrThrow(io, resolve(name), name) };
      }),
      setJson: v["set-json"],
      set: v.set,
      setString: v["set-string"],
      setFile: v["set-file"],
      setLiteral: v["set-literal"],
      readFile: (p) => new TextDecoder().decode(readOrThrow(io, resolve(p), p)),
    });
  } catch (e) {
    // Helm's messages name the file already ("failed to parse v.yaml: …").
    return fail(io, e instanceof SlipwayError ? e.message : errorMessage(e));
  }

  const printOpts = {
    includeCrds: v["include-crds"] ?? false,
    noHooks: v["no-hooks"] ?? false,
    skipTests: v["skip-tests"] ?? false,
    showOnly: v["show-only"] ?? [],
  };
  const outputDir = v["output-dir"];
  // What a run with these inputs printed before (persisted-output.ts); --output-dir writes files.
  const outputCache = outputDir === undefined ? io.outputCache : undefined;
  let outputKey: ReturnType<typeof templateOutputKey>;
  const warnings: string[] = [];
  let unpinned = false;
  const chartAbs = resolve(chartRef);
  // Helm's -n defaults to $HELM_NAMESPACE; an empty value either way means "default".
  const namespace = (v.namespace ?? io.helmNamespace) || "default";
  // A chart whose last output was not kept (it printed a Secret) is rendered without a lookup.
  const hintKey = outputCache === undefined ? undefined : unkeptHintKey(outputCache, chartAbs);
  const lastUnkept = hintKey !== undefined && readUnkeptHint(outputCache!, hintKey);

  let rendered: ReturnType<typeof renderChart>;
  let chart: Chart | undefined;
  // A directory's files are read (not loaded) first: a known output needs only their digest.
  let dirFiles: ChartFile[] | undefined;
  const outputKeyOf = (cache: RenderCache, digest: string) =>
    templateOutputKey(cache, {
      chartDigest: digest,
      values: userValues,
      args: [pos, v, chartRef, io.cwd, namespace],
    });
  try {
    const readValues = io.cache === undefined ? undefined : persistedValuesReader(io.cache);
    // Named by chart and release; what an entry serves is chosen by each document's digest, so a
    // release whose randomness or clock is unpinned has its other documents' heads served too.
    const heads =
      io.cache === undefined
        ? undefined
        : persistedHeadsReader(io.cache, JSON.stringify([chartAbs, release]), () => unpinned);
    if (io.reader.stat(chartAbs)?.kind === "dir") dirFiles = chartDirFiles(chartAbs, io.reader);
    if (outputCache !== undefined && !lastUnkept) {
      let digest: string;
      if (dirFiles !== undefined) digest = chartDigest(dirFiles);
      else {
        chart = loadChart(chartAbs, io.reader, readValues);
        digest = chart.digest;
      }
      outputKey = outputKeyOf(outputCache, digest);
      const known = outputKey === undefined ? undefined : readTemplateOutput(outputCache, outputKey);
      if (known !== undefined) {
        for (const w of known.warnings) io.stderr(`${w}\n`);
        io.stdout(known.stdout);
        return 0;
      }
    }
    // With a cache, the chart's digest is known at load whether or not the output was looked up:
    // the persisted parse is named by it when known (by the template texts when not), so a run
    // after one whose output was not kept (it printed a Secret) found no parse, parsed again and
    // stored a second copy (kube-prometheus-stack: ~400 ms more on the second run).
    chart ??=
      dirFiles !== undefined
        ? loadChartDirFiles(chartAbs, dirFiles, io.reader, readValues, { byDigest: io.cache !== undefined })
        : loadChart(chartAbs, io.reader, readValues);
    for (const w of loadWarnings(chart)) {
      warnings.push(w);
      io.stderr(`${w}\n`);
    }
    rendered = renderChart(chart, {
      releaseName: release,
      namespace,
      values: userValues,
      kubeVersion,
      apiVersions: csvList(v["api-versions"]),
      isUpgrade: v["is-upgrade"] ?? false,
      skipSchemaValidation: v["skip-schema-validation"] ?? false,
      seed: v.seed,
      now,
      warn: (m) => {
        warnings.push(m);
        io.stderr(`${m}\n`);
      },
      chartPath: chartRef,
      cache: io.cache,
      ...(heads === undefined ? {} : { heads }),
      onNonHermetic: (source) => {
        if (source === "random" ? v.seed === undefined : now === undefined) unpinned = true;
      },
    });
  } catch (e) {
    // Helm adds the hint to errors of renderResources, which has a release to print with --debug.
    const afterRelease =
      e instanceof RenderError || e instanceof ManifestError || e instanceof IncompatibleKubeVersionError;
    return fail(io, e instanceof SlipwayError ? e.message : errorMessage(e), afterRelease);
  }

  try {
    if (outputDir === undefined) {
      const stdout = formatTemplateOutput(rendered, printOpts);
      io.stdout(stdout);
      if (outputCache !== undefined && hintKey !== undefined) {
        if (!unpinned && !holdsSecret(rendered)) {
          // A run that skipped the lookup digests the chart now that its output is kept.
          outputKey ??= outputKeyOf(
            outputCache,
            dirFiles !== undefined ? chartDigest(dirFiles) : chart.digest,
          );
          if (outputKey !== undefined) writeTemplateOutput(outputCache, outputKey, { warnings, stdout });
          if (lastUnkept) writeUnkeptHint(outputCache, hintKey, false);
        } else if (!lastUnkept) writeUnkeptHint(outputCache, hintKey, true);
      }
      return 0;
    }
    writeOutputDir(
      io,
      resolve(outputDir),
      outputDir,
      release,
      v["release-name"] ?? false,
      rendered,
      printOpts,
    );
    return 0;
  } catch (e) {
    return fail(io, errorMessage(e));
  }
}

function readOrThrow(io: TemplateIO, abs: string, shown: string): Uint8Array {
  const st = io.reader.stat(abs);
  if (!st) throw new SlipwayError(`open ${shown}: no such file or directory`);
  if (st.kind === "dir") throw new SlipwayError(`read ${shown}: is a directory`);
  return io.reader.readFile(abs);
}

/** --output-dir, as Helm writes it: one file per template, documents appended, "wrote" lines. */
function writeOutputDir(
  io: TemplateIO,
  absDir: string,
  shownDir: string,
  release: string,
  useReleaseName: boolean,
  r: ReturnType<typeof renderChart>,
  opts: { includeCrds: boolean; noHooks: boolean; skipTests: boolean; showOnly: readonly string[] },
): void {
  // Built in memory, then written as one set: a failure leaves no part of the chart on disk.
  const planned = new Map<string, OutputFile>();
  const wrote: string[] = [];
  const write = (absBase: string, shownBase: string, name: string, content: string) => {
    const file = `${absBase}/${name}`;
    const data = `---\n# Source: ${name}\n${content}\n`;
    const before = planned.get(file);
    if (before) before.data += data;
    else planned.set(file, { file, data, append: false });
    wrote.push(`wrote ${shownBase}/${name}\n`);
  };
  if (opts.includeCrds) for (const c of r.crds) write(absDir, shownDir, c.path, c.content);
  const absNew = useReleaseName ? path.join(absDir, release) : absDir;
  const shownNew = useReleaseName ? path.join(shownDir, release) : shownDir;
  // A file written earlier in the run is appended to; one from an earlier run is replaced.
  for (const m of r.manifests) write(absNew, shownNew, m.path, m.content);
  if (!opts.noHooks) {
    for (const h of r.hooks as Hook[]) {
      if (opts.skipTests && isTestHook(h)) continue;
      const file = `${absNew}/${h.path}`;
      // quirk kept: Helm appends a hook to a file that already exists on disk.
      if (!planned.has(file) && io.exists(file)) planned.set(file, { file, data: "", append: true });
      write(absNew, shownNew, h.path, h.content);
    }
  }
  io.writeFiles([...planned.values()], absDir);
  for (const line of wrote) io.stdout(line);
  const rest = formatTemplateOutput({ manifests: [], hooks: [], crds: [] }, { ...opts, noHooks: true });
  io.stdout(rest);
}

export async function helmCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    process.stdout.write(helmHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "template") {
    process.stderr.write(`slipway helm: unknown command '${sub}'\n\n${helmHelp}`);
    return 2;
  }
  return runHelmTemplate(rest, diskIO());
}

/**
 * Whether a render prints a Secret (manifest, hook or crds/ file alike). Such output is not kept
 * in the output cache: an entry's name and seal are hashes of the inputs, and the values that
 * fill a Secret are often short passwords, which a leaked cache directory (a CI cache) would let
 * one guess offline: the rule the render cache follows for HelmReleases whose values come from
 * Secrets.
 */
function holdsSecret(rendered: ReturnType<typeof renderChart>): boolean {
  for (const m of rendered.manifests) if (SECRET_KIND.test(m.content)) return true;
  for (const h of rendered.hooks) if (SECRET_KIND.test(h.content)) return true;
  // crds/ files last, each decoded only if its bytes spell "Secret": kube-prometheus-stack's are
  // megabytes (~4 ms of its fresh render to decode) and its manifests already answer.
  for (const c of rendered.crds) {
    const bytes =
      c.data === undefined ? undefined : Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
    if ((bytes === undefined || bytes.includes("Secret")) && SECRET_KIND.test(c.content)) return true;
  }
  return false;
}

// `kind: Secret` anywhere, block or flow style, quoted or not (a false positive only costs speed).
const SECRET_KIND = /\bkind["']?\s*:\s*["']?Secret(?![\w-])/;
