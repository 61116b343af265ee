/**
 * Secrets as a property of the model (issue 9). A value is marked secret where it enters and
 * the mark travels with it; output is masked by field, never by searching text.
 *
 *   SecretPaths                 the secret paths of one object (a trie of keys and indices):
 *                               add(path), addAll(other, at), covers(path), touches(path),
 *                               under(prefix), without(prefix), paths(), clone(), isEmpty()
 *   unionSecrets(...sets)       merged marks (undefined when none)
 *   valueAt(value, path)
 *   kindSecretPaths(obj)        data/stringData values of a core Secret
 *   maskValue(value, paths, m)  a copy with marked fields replaced by the run's markers
 *   markerOf(value, m)          the marker of one value (containers: canonical JSON)
 *   secretScalars(value, paths) the plaintext scalars at marked paths (for last-resort checks)
 */
export { isCoreSecret, kindSecretPaths } from "./kinds.js";
export { type Marker, markerOf, maskValue, secretScalars } from "./mask.js";
export { SecretPaths, unionSecrets, type ValuePath, valueAt } from "./paths.js";
