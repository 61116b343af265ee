import { describe, expect, it } from "vitest";
import { terraformBootstraps } from "../../src/platform/terraform-bootstrap.js";
import { ks } from "../support/flux.js";
import { clusterRows, kustomizationStatuses, loadMemoryPlatform } from "../support/memory-platform.js";

const module = (files: Record<string, string>) => new Map(Object.entries(files));

describe("Terraform's flux_bootstrap_git, read from HCL text", () => {
  it("resolves a path made of locals and variable defaults (pawelpesz/simple-eks-flux-cluster)", () => {
    const found = terraformBootstraps(
      module({
        "terraform/flux.tf": `resource "flux_bootstrap_git" "flux" {
  version                = var.flux_version
  path                   = local.flux_target_path # where the cluster lives
  kustomization_override = file("\${path.module}/kustomization.yaml")
  depends_on = [
    module.eks.cluster_addons,
  ]
}
`,
        "terraform/main.tf": `locals {
  azs              = slice(data.aws_availability_zones.available.names, 0, 3)
  flux_target_path = "\${var.flux_target_base_path}/\${var.environment}"
}
`,
        "terraform/variables.tf": `variable "environment" {
  description = "Environment type (one of: dev, stage, prod)"
  type        = string
  default     = "dev"
  validation {
    condition     = contains(["dev", "stage", "prod"], var.environment)
    error_message = "Incorrect environment type."
  }
}
/* variable "flux_target_base_path" { default = "old" } */
variable "flux_target_base_path" {
  default = "clusters"
}
`,
      }),
    );
    expect(found).toEqual([
      { name: "flux", path: "clusters/dev", at: { file: "terraform/flux.tf", line: 1 } },
    ]);
  });

  it("takes terraform.tfvars and *.auto.tfvars over defaults, as Terraform loads them", () => {
    const found = terraformBootstraps(
      module({
        "main.tf": `resource "flux_bootstrap_git" "this" {\n  path = "clusters/\${var.cluster_name}"\n}\nvariable "cluster_name" {\n  default = "dev"\n}\n`,
        "terraform.tfvars": `cluster_name = "staging"\n`,
        "z.auto.tfvars": `# the one in use\ncluster_name = "prod"\n`,
      }),
    );
    expect(found.map((b) => b.path)).toEqual(["clusters/prod"]);
  });

  it("leaves a path it cannot resolve unresolved, as written", () => {
    const found = terraformBootstraps(
      module({
        "main.tf": `resource "flux_bootstrap_git" "this" {\n  path = var.flux_bootstrap_git_path\n}\nvariable "flux_bootstrap_git_path" {\n  type = string\n}\n`,
      }),
    );
    expect(found).toEqual([
      { name: "this", unresolved: "var.flux_bootstrap_git_path", at: { file: "main.tf", line: 1 } },
    ]);
  });
});

describe("a cluster bootstrapped by Terraform, with no sync file in the repository", () => {
  const layout = {
    "terraform/flux.tf": `resource "flux_bootstrap_git" "flux" {\n  path = local.flux_target_path\n}\n`,
    "terraform/main.tf": `locals {\n  flux_target_path = "\${var.base}/dev"\n}\nvariable "base" {\n  default = "clusters"\n}\n`,
    "clusters/dev/observability.yaml": ks("observability", "  path: ./observability/dev\n"),
    "observability/dev/kustomization.yaml": "resources: [cm.yaml]\n",
    "observability/dev/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loki, namespace: observability}\n",
  };

  it("is the folder its path names, synced by flux-system", () => {
    const p = loadMemoryPlatform(layout);
    expect(clusterRows(p)).toEqual([["dev", "clusters/dev", "sync"]]);
    expect(p.clusters[0]!.reason).toBe(
      "Terraform flux_bootstrap_git.flux in terraform/flux.tf (path clusters/dev)",
    );
    expect(kustomizationStatuses(p)).toEqual([
      "dev flux-system/flux-system rendered",
      "dev flux-system/observability rendered",
    ]);
    expect(p.discovery!.notes.filter((n) => n.file === "clusters/dev/observability.yaml")).toEqual([]);
  });

  it("whose path names no folder here is another repository's bootstrap: no cluster from it", () => {
    const p = loadMemoryPlatform({
      ...layout,
      "terraform/main.tf": `locals {\n  flux_target_path = "fleet/dev"\n}\n`,
    });
    expect(clusterRows(p)).toEqual([]);
  });

  it("whose path does not resolve is said, when nothing else makes a cluster", () => {
    const p = loadMemoryPlatform({
      ...layout,
      "terraform/main.tf": `locals {\n  flux_target_path = var.path\n}\n`,
    });
    expect(clusterRows(p)).toEqual([]);
    const note = p.discovery!.notes.find((n) => n.file === "terraform/flux.tf");
    expect(note?.message).toContain("syncs path local.flux_target_path, which Slipway does not resolve");
  });
});
