/**
 * Seeded random JSON-like values (what a template or a decoded file hands an emitter): YAML 1.1
 * look-alikes and numbers as strings, unicode and control characters, keys that need quotes,
 * empty maps and lists, deep nesting, long strings past the 80-column fold.
 */
import type { YamlMap, YamlValue } from "../../src/kustomize/types.js";
import type { Rng } from "../support/random.js";
import { PLAIN_TOKENS, randomKey, randomString } from "./generate.js";

const WORDS = ["app", "main", "nginx", "http", "true", "value", "ghcr.io/home-operations/x", "8080", "a b"];

function plainWord(rng: Rng): string {
  return Array.from({ length: 1 + rng.int(3) }, () => rng.pick(WORDS)).join(rng.pick(["-", ".", "/", "_"]));
}

function longText(rng: Rng): string {
  return Array.from({ length: 10 + rng.int(30) }, () => rng.pick(WORDS)).join(
    rng.pick([" ", "  ", " \n", "\n"]),
  );
}

export function randomScalar(rng: Rng): YamlValue {
  const r = rng.next();
  if (r < 0.05) return null;
  if (r < 0.1) return rng.bool();
  if (r < 0.2) return rng.int(100000) - (rng.bool(0.2) ? 50000 : 0);
  if (r < 0.25) return rng.pick([0.5, -0, 1e21, 2 ** 53 + 2, 1.5e-7, 123456789012, -1, 3.25]);
  if (r < 0.4) return rng.pick(PLAIN_TOKENS);
  if (r < 0.65) return plainWord(rng);
  if (r < 0.75) return longText(rng);
  if (r < 0.8)
    return rng.pick(["", " ", "~", "-", "<<", "a: b", "# x", "@x", "'q'", '"q"', "x\t", "é", "日本"]);
  return randomString(() => rng.next());
}

export function randomMapKey(rng: Rng): string {
  const r = rng.next();
  if (r < 0.6) return plainWord(rng);
  if (r < 0.65) return rng.pick(["<<", "", "a".repeat(130), "x\ny", "1", "y", "no", "~"]);
  return randomKey(() => rng.next());
}

/** A random value up to `depth` levels of maps and lists. */
export function randomValue(rng: Rng, depth: number): YamlValue {
  const r = rng.next();
  if (depth <= 0 || r < 0.4) return randomScalar(rng);
  if (r < 0.75) {
    const m: YamlMap = {};
    for (let i = rng.int(6); i > 0; i--) m[randomMapKey(rng)] = randomValue(rng, depth - 1);
    return m;
  }
  return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth - 1));
}
