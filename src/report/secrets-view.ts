/** The secrets page: SOPS files and their status, decryption problems, Secret objects by key name. Never a value. */
import { isMap } from "../kustomize/types.js";
import type { PlatformSecrets } from "../platform/decrypt.js";
import { metaString } from "../platform/flux-objects.js";
import { isCoreSecret } from "../platform/masking.js";
import type { Platform } from "../platform/model.js";
import type { SecretFileView, SecretsView } from "./model.js";
import { where } from "./overview.js";
import type { Redactor } from "./redact.js";

export function secretsView(
  platform: Platform,
  secrets: PlatformSecrets | undefined,
  redact: Redactor,
): SecretsView {
  const files: SecretFileView[] = (secrets?.files ?? []).map((f) => {
    const v: SecretFileView = {
      file: f.file,
      format: f.format,
      canDecrypt: f.canDecrypt,
      rule:
        f.status?.matchesConfig === undefined
          ? f.status
            ? "no-rule"
            : "unknown"
          : f.status.matchesConfig
            ? "match"
            : "mismatch",
      recipients: f.status?.ageRecipients ?? [],
    };
    if (f.problem) v.problem = redact.text(f.problem);
    return v;
  });
  const secretObjects: SecretsView["secretObjects"] = [];
  for (const c of platform.clusters) {
    for (const k of c.kustomizations) {
      for (const r of k.resources) {
        const obj = r.object;
        if (!isCoreSecret(obj)) continue;
        const keys: string[] = [];
        let encrypted = isMap(obj.sops);
        for (const field of ["data", "stringData"] as const) {
          const m = obj[field];
          if (!isMap(m)) continue;
          for (const [key, v] of Object.entries(m)) {
            keys.push(redact.text(key));
            if (typeof v === "string" && v.startsWith("ENC[")) encrypted = true;
          }
        }
        const entry: SecretsView["secretObjects"][number] = {
          cluster: c.name,
          kustomization: k.id,
          namespace: metaString(obj, "namespace"),
          name: metaString(obj, "name"),
          keys: keys.sort(),
          encrypted,
        };
        if (r.source) entry.source = where(r.source);
        secretObjects.push(entry);
      }
    }
  }
  return {
    haveIdentities: secrets?.haveIdentities ?? false,
    files,
    problems: (secrets?.problems ?? []).map((p) => ({ ...p, reason: redact.text(p.reason) })),
    secretObjects,
  };
}
