/** sprig v3.3.0's semver.go: `semver` and `semverCompare` over Masterminds semver v3.4.0. */
import { parseConstraintsShared, parseVersion, SemverError } from "../../semver/index.js";
import { type FuncTable, goFunc } from "./define.js";
import { parseSemverObject } from "./semver-object.js";
import { GoFuncError } from "./types.js";

function semverCompare(constraint: string, version: string): boolean {
  try {
    return parseConstraintsShared(constraint).check(parseVersion(version));
  } catch (e) {
    if (e instanceof SemverError) throw new GoFuncError(e.message);
    throw e;
  }
}

export const semverFuncs: FuncTable = {
  semver: goFunc("func(version string) (*semver.Version, error)", (v: string) => parseSemverObject(v)),
  semverCompare: goFunc("func(constraint, version string) (bool, error)", (c: string, v: string) =>
    semverCompare(c, v),
  ),
};
