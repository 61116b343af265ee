import type { YamlMap, YamlValue } from "../types.js";

/** Sets a key as an own data property, so a key named `__proto__` stays data. */
export function setOwn(map: YamlMap, key: string, value: YamlValue): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
