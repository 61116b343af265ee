/**
 * The dashboard's secret boundary. Objects are masked by field (Secret data, decrypted SOPS
 * fields: src/platform/masking.ts) and every string that leaves for the browser is scrubbed of
 * the run's remembered secret values, so plaintext never reaches a page or a report file.
 * When the model itself carries masked values (issue 9), `object` stays a safe no-op.
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { maskRenderedObject, type SecretValues, scrubStrings } from "../platform/masking.js";
import type { RenderedResource } from "../platform/model.js";

export class Redactor {
  constructor(readonly values: SecretValues) {}

  /** A rendered object fit for the page. */
  resource(r: RenderedResource): KObject {
    return withoutSopsMetadata(maskRenderedObject(r, this.values));
  }

  /** Any other object of the model (a Flux Kustomization or HelmRelease spec). */
  object(obj: KObject): KObject {
    return withoutSopsMetadata(scrubStrings(obj, this.values) as KObject);
  }

  text(s: string): string {
    return this.values.scrub(s);
  }

  /** Every string of a JSON-able value scrubbed (the last step before it is sent or written). */
  deep<T>(v: T): T {
    return scrubDeep(v, this.values) as T;
  }
}

/**
 * An object still encrypted (no key to decrypt it) keeps its ENC[…] values, which are safe to
 * show; its SOPS metadata (wrapped data keys, MAC) says nothing to a reader and is summarised.
 */
function withoutSopsMetadata(obj: KObject): KObject {
  if (!isMap(obj.sops)) return obj;
  return { ...obj, sops: "<SOPS metadata: this object is still encrypted>" };
}

function scrubDeep(v: unknown, values: SecretValues): unknown {
  if (typeof v === "string") return values.scrub(v);
  if (Array.isArray(v)) return v.map((x) => scrubDeep(x, values));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[values.scrub(k)] = scrubDeep(x, values);
    return out;
  }
  return v;
}

export type { YamlValue };
