import type { DependencyRef, GraphNodeInput, GraphNodeKind } from "../../src/graph/model.js";

/** `node("a", ["b", "other/c"])`: a Kustomization in flux-system depending on b and other/c. */
export function node(
  ref: string,
  deps: string[] = [],
  extra: Partial<GraphNodeInput> & { kind?: GraphNodeKind } = {},
): GraphNodeInput {
  const [namespace, name] = ref.includes("/") ? ref.split("/") : ["flux-system", ref];
  const kind = extra.kind ?? "Kustomization";
  const dependsOn: DependencyRef[] = deps.map((d) =>
    d.includes("/") ? { namespace: d.split("/")[0]!, name: d.split("/")[1]! } : { name: d },
  );
  return {
    id: `${kind}/${namespace}/${name}`,
    kind,
    namespace: namespace!,
    name: name!,
    cluster: "dev",
    dependsOn,
    ...extra,
  };
}

/** The id of a Kustomization. */
export const ks = (name: string, ns = "flux-system") => `Kustomization/${ns}/${name}`;
