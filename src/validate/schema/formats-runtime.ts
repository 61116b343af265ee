/**
 * What kubernetes-models' compiled validators (ajv standalone code) take from their runtime
 * package, `@kubernetes-models/validate` (v4, dist/formats.js): its `formats` table, read as each
 * schema module loads (`formats0 = _validate.formats.int32`). Loading that package's index also
 * loads everything else it offers: ajv-formats-draft2019 (IRIs, IDN e-mail and host names, with
 * their Unicode tables) and ajv-i18n's messages in every language (for `runValidateFunc`, which
 * no compiled validator calls) — ~12 ms of a fresh process's CPU before the first object is
 * validated, in a check after a one-file edit that validates a handful of objects.
 *
 * `installFormatsRuntime` puts in Node's module cache, under the name the schema modules resolve
 * the package to, an object whose `formats` table holds the same values, each loaded when first
 * read: ajv-formats' (int32, int64, double, date-time, …) are the package's very objects, the
 * draft-2019 formats and `cidr` load their packages on first use (no Kubernetes schema uses
 * them), and `byte`, `quantity`, `string` are the package's own definitions, repeated here
 * (test/validate/schema/formats-runtime.test.ts compares the whole table with the package's:
 * the same names, the same objects, the same answers). `runValidateFunc` loads the package's.
 * Nothing is installed when the package is loaded already.
 */
import { createRequire, Module } from "node:module";
import * as path from "node:path";

interface Format {
  type?: string;
  validate: ((value: string) => boolean) | RegExp;
}

const PACKAGE = "@kubernetes-models/validate";

/** Formats of ajv-formats-draft2019, which the package's table spreads over ajv-formats'. */
export const DRAFT2019_FORMATS = ["iri", "duration", "idn-email", "idn-hostname", "iri-reference"];

// From @kubernetes-models/validate 4.0.0 dist/formats.js (which cites is-base64 and
// apimachinery's quantity.go).
const rBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const rSignedNumber = /[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)/;
const rBinarySI = /[KMGTPE]i/;
const rDecimalSI = /(?:[YZEPTGMkhdcmunpfazy]|da)/;
const rDecimalExponent = new RegExp(`[eE]${rSignedNumber.source}`);
const rQuantitySuffix = new RegExp(
  `(?:${rBinarySI.source}|${rDecimalSI.source}|${rDecimalExponent.source})?`,
);
const rQuantity = new RegExp(`^${rSignedNumber.source}${rQuantitySuffix.source}$`);

/**
 * The package's `formats` table, each entry loaded when first read. `load(name)`: a module as
 * the package itself would require it.
 */
export function lazyFormats(load: (id: string) => unknown): Record<string, Format> {
  const table: Record<string, Format> = {};
  const set = (name: string, value: Format) =>
    Object.defineProperty(table, name, { value, writable: true, configurable: true, enumerable: true });
  const lazy = (name: string, get: () => Format) =>
    Object.defineProperty(table, name, {
      configurable: true,
      enumerable: true,
      get: () => {
        const value = get();
        set(name, value);
        return value;
      },
    });
  // tslib's __importDefault, as the package's dist/formats.js reads these two modules.
  const importDefault = <T>(m: unknown): T =>
    (m as { __esModule?: boolean }).__esModule ? (m as { default: T }).default : (m as T);
  const full = () =>
    (load("ajv-formats/dist/formats.js") as { fullFormats: Record<string, Format> }).fullFormats;
  const draft2019 = () =>
    importDefault<Record<string, Format>>(load("ajv-formats-draft2019/formats/index.js"));
  for (const name of Object.keys(full())) lazy(name, () => full()[name]!);
  for (const name of DRAFT2019_FORMATS) lazy(name, () => draft2019()[name]!);
  set("byte", { type: "string", validate: (value: string) => rBase64.test(value) });
  set("quantity", { type: "string", validate: rQuantity });
  set("string", { type: "string", validate: (value: string) => typeof value === "string" });
  lazy("cidr", () => {
    const isCidr = importDefault<(v: string) => number>(load("is-cidr"));
    return { type: "string", validate: (value: string) => isCidr(value) !== 0 };
  });
  return table;
}

/**
 * Before the first schema module is required: the package's entry, as resolved from each of
 * `fromFiles` (schema modules' paths), becomes the lazy runtime unless it is loaded already.
 * A package that cannot be resolved is left to Node.
 */
export function installFormatsRuntime(fromFiles: readonly string[]): void {
  for (const from of fromFiles) {
    let entry: string;
    try {
      entry = createRequire(from).resolve(PACKAGE);
    } catch {
      continue;
    }
    const cache = (Module as unknown as { _cache: Record<string, Module> })._cache;
    if (cache[entry] !== undefined) continue;
    // The package's own dependencies, resolved from its directory as its require would.
    const packageRequire = createRequire(entry);
    const exports: Record<string, unknown> = {};
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.formats = lazyFormats(packageRequire);
    Object.defineProperty(exports, "runValidateFunc", {
      enumerable: true,
      get: () =>
        (packageRequire(path.join(path.dirname(entry), "validate.js")) as Record<string, unknown>)
          .runValidateFunc,
    });
    const m = new Module(entry);
    m.filename = entry;
    m.loaded = true;
    m.exports = exports;
    cache[entry] = m;
  }
}
