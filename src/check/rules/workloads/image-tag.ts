/** `image-tag-pinned`: every container image names a tag other than `latest`, or a digest. */
import type { Rule, RuleContext } from "../../types.js";
import { describe } from "./objects.js";
import { containersOf, podTemplateOf } from "./pods.js";

/** Why an image reference is not pinned, or undefined when it is (a non-latest tag or a digest). */
export function unpinnedReason(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const lastSlash = image.lastIndexOf("/");
  const lastPart = image.slice(lastSlash + 1);
  const colon = lastPart.lastIndexOf(":");
  if (colon < 0) return "has no tag (pulls :latest)";
  if (lastPart.slice(colon + 1) === "latest") return "uses the :latest tag";
  return undefined;
}

function run(ctx: RuleContext): void {
  for (const r of ctx.resources()) {
    const template = podTemplateOf(r.object);
    if (template === undefined) continue;
    for (const c of containersOf(template, ["containers", "initContainers", "ephemeralContainers"])) {
      const image = c.container.image;
      if (typeof image !== "string" || image.trim() === "") continue;
      const reason = unpinnedReason(image.trim());
      if (reason === undefined) continue;
      ctx.report({
        message: `${describe(r)}: ${c.list === "containers" ? "container" : c.list.replace(/s$/, "")} "${c.name}" image ${image} ${reason}; pin a version tag or a digest`,
        resource: r,
        path: [...c.path, "image"],
      });
    }
  }
}

export const imageTagPinned: Rule = {
  id: "image-tag-pinned",
  defaultSeverity: "warning",
  description: "Container images are pinned: a tag other than :latest, or a digest",
  help: "An image without a tag, or with :latest, changes under the same manifest: rollbacks and diffs stop meaning anything and nodes may run different builds. Pin a version tag (`nginx:1.27.2`) or a digest (`nginx@sha256:…`); with Flux image automation, add a setter marker so the tag is updated by commits. Checks containers, initContainers and ephemeralContainers of every pod-bearing kind, including CronJobs.",
  run,
};
