/**
 * A Masterminds semver Version as templates see it: sprig's `semver` returns a
 * `*semver.Version`, printed by its String method and with the exported methods
 * (`.Major`, `.Prerelease`, `.IncMinor`, `.LessThan`, …). IncX/SetX return a
 * `semver.Version` value, as upstream.
 */
import { parseVersion, SemverError, Version } from "../../semver/index.js";
import { GoInt, type GoMethod, type GoObject, type GoValue, NO_FIELD } from "../template/value.js";
import { GoFuncError } from "./types.js";

export interface SemverObject extends GoObject {
  readonly version: Version;
  marshalJSON(): string;
}

function method(params: string[], call: (args: GoValue[]) => GoValue): GoMethod {
  return { params, call };
}

const asVersion = (v: GoValue): Version => {
  if (v && typeof v === "object" && "version" in v) return (v as SemverObject).version;
  throw new GoFuncError("invalid memory address or nil pointer dereference");
};

const u64 = (n: bigint): GoInt => new GoInt("uint64", n);

export function semverObject(version: Version, pointer = true): SemverObject {
  const wrapErr = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SemverError) throw new GoFuncError(e.message);
      throw e;
    }
  };
  const methods: Record<string, GoMethod> = {
    Major: method([], () => u64(version.major)),
    Minor: method([], () => u64(version.minor)),
    Patch: method([], () => u64(version.patch)),
    Prerelease: method([], () => version.prerelease),
    Metadata: method([], () => version.metadata),
    String: method([], () => version.toString()),
    IncPatch: method([], () => semverObject(version.incPatch(), false)),
    IncMinor: method([], () => semverObject(version.incMinor(), false)),
    IncMajor: method([], () => semverObject(version.incMajor(), false)),
    SetPrerelease: method(["string"], ([p]) =>
      wrapErr(() => semverObject(version.setPrerelease(p as string), false)),
    ),
    SetMetadata: method(["string"], ([m]) =>
      wrapErr(() => semverObject(version.setMetadata(m as string), false)),
    ),
    LessThan: method(["*semver.Version"], ([o]) => version.lessThan(asVersion(o!))),
    LessThanEqual: method(["*semver.Version"], ([o]) => version.lessThanEqual(asVersion(o!))),
    GreaterThan: method(["*semver.Version"], ([o]) => version.greaterThan(asVersion(o!))),
    GreaterThanEqual: method(["*semver.Version"], ([o]) => version.greaterThanEqual(asVersion(o!))),
    Equal: method(["*semver.Version"], ([o]) => version.equal(asVersion(o!))),
    Compare: method(["*semver.Version"], ([o]) => new GoInt("int", version.compare(asVersion(o!)))),
  };
  // Original has a pointer receiver: a semver.Version value does not have it.
  if (pointer) methods.Original = method([], () => version.original);
  return {
    goType: pointer ? "*semver.Version" : "semver.Version",
    goKind: pointer ? "ptr" : "struct",
    version,
    field: () => NO_FIELD,
    method: (name) => methods[name],
    goString: () => version.toString(),
    marshalJSON: () => JSON.stringify(version.toString()),
  };
}

/** What copystructure makes of a *semver.Version: a pointer to the zero struct. */
export function zeroSemverObject(): SemverObject {
  return semverObject(new Version(0n, 0n, 0n, "", "", ""));
}

export function parseSemverObject(s: string): SemverObject {
  try {
    return semverObject(parseVersion(s));
  } catch (e) {
    if (e instanceof SemverError) throw new GoFuncError(e.message);
    throw e;
  }
}
