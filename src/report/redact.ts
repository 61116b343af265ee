/**
 * The dashboard's secret boundary. The model marks secret fields where they enter
 * (src/secrets, src/platform/masking.ts); objects leave for the browser masked by field: a
 * rendered object by its own marks, a Flux Kustomization or HelmRelease spec by the marks of
 * the rendered object it is. Messages carry no secret text by construction.
 */
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { maskRenderedObject, type SecretValues, secretsOf } from "../platform/masking.js";
import type { Platform, RenderedResource } from "../platform/model.js";
import { maskValue } from "../secrets/mask.js";
import type { SecretPaths } from "../secrets/paths.js";

export class Redactor {
  private readonly marks = new Map<KObject, SecretPaths>();

  constructor(
    readonly values: SecretValues,
    platform?: Platform,
  ) {
    for (const c of platform?.clusters ?? [])
      for (const k of c.kustomizations)
        for (const r of k.resources) {
          const s = secretsOf(r);
          if (s) this.marks.set(r.object, s);
        }
  }

  /** A rendered object fit for the page. */
  resource(r: RenderedResource): KObject {
    return withoutSopsMetadata(maskRenderedObject(r, this.values.masker));
  }

  /** Any other object of the model (a Flux Kustomization or HelmRelease spec). */
  object(obj: KObject): KObject {
    return withoutSopsMetadata(maskValue(obj, this.marks.get(obj), this.values.masker) as KObject);
  }

  /** Messages and notes of the model hold no secret text (they say where, not what). */
  text(s: string): string {
    return s;
  }

  /** Data computed from the masked model is already fit to send. */
  deep<T>(v: T): T {
    return v;
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

export type { YamlValue };
