import { describe, expect, it } from "vitest";
import { defaultImages } from "../../../src/kustomize/builtin-fieldspecs.js";
import {
  applyImages,
  type ImageSpec,
  isImageMatched,
  parseImages,
  splitImage,
  updatedImage,
} from "../../../src/kustomize/transformers/images.js";
import type { KObject, YamlValue } from "../../../src/kustomize/types.js";
import { requires } from "../../support/env.js";
import { byId, idOf, kubectlBuild, Rng, resMapOf } from "./kubectl-oracle.js";

describe("image references", () => {
  it("splits name, tag and digest, ignoring a registry port", () => {
    expect(splitImage("nginx")).toEqual({ name: "nginx", tag: "", digest: "" });
    expect(splitImage("nginx:1.2")).toEqual({ name: "nginx", tag: "1.2", digest: "" });
    expect(splitImage("nginx@sha256:abc")).toEqual({ name: "nginx", tag: "", digest: "sha256:abc" });
    expect(splitImage("nginx:1.2@sha256:abc")).toEqual({ name: "nginx", tag: "1.2", digest: "sha256:abc" });
    expect(splitImage("localhost:5000/app")).toEqual({ name: "localhost:5000/app", tag: "", digest: "" });
    expect(splitImage("localhost:5000/app:2")).toEqual({ name: "localhost:5000/app", tag: "2", digest: "" });
  });

  it("matches by name with any tag and digest, the name being a regular expression", () => {
    expect(isImageMatched("nginx", "nginx")).toBe(true);
    expect(isImageMatched("nginx:1.0@sha256:abc", "nginx")).toBe(true);
    expect(isImageMatched("nginxy", "nginx")).toBe(false);
    expect(isImageMatched("docker.io/nginx", "nginx")).toBe(false);
    expect(isImageMatched("nginx", "ngin.")).toBe(true);
  });

  it("digest and tag replace both; a suffix extends the tag and drops the digest", () => {
    expect(updatedImage("nginx:1@sha256:a", { name: "nginx", newTag: "t" })).toBe("nginx:t");
    expect(updatedImage("nginx:1", { name: "nginx", digest: "sha256:d" })).toBe("nginx@sha256:d");
    expect(updatedImage("nginx:1", { name: "nginx", digest: "sha256:d", newTag: "t" })).toBe(
      "nginx:t@sha256:d",
    );
    expect(updatedImage("nginx:1", { name: "nginx", newName: "reg/x" })).toBe("reg/x:1");
    expect(updatedImage("nginx@sha256:a", { name: "nginx", tagSuffix: "-x" })).toBe("nginx:-x");
    expect(updatedImage("nginx:1", { name: "nginx", tagSuffix: "-x", newTag: "t" })).toBe("nginx:t");
    expect(updatedImage("other", { name: "nginx", newTag: "t" })).toBeUndefined();
  });
});

describe("applyImages", () => {
  it("covers field specs and any containers list, skipping CRDs and non-matching values", () => {
    const objs: KObject[] = [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: {
          initContainers: null,
          containers: [{ name: "a", image: "nginx:1" }, { name: "b" }, { image: 5 }],
        },
      },
      {
        apiVersion: "example.com/v1",
        kind: "Foo",
        metadata: { name: "f" },
        spec: { deep: { containers: [{ image: "nginx" }] } },
      },
      {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "c" },
        spec: { containers: [{ image: "nginx" }] },
      },
    ];
    const m = resMapOf(objs);
    applyImages(m, [{ name: "nginx", newTag: "2" }], defaultImages);
    const [pod, foo, crd] = m.resources();
    expect(pod!.obj.spec).toEqual({
      initContainers: [],
      containers: [{ name: "a", image: "nginx:2" }, { name: "b" }, { image: 5 }],
    });
    expect((foo!.obj.spec as KObject).deep).toEqual({ containers: [{ image: "nginx:2" }] });
    expect((crd!.obj.spec as KObject).containers).toEqual([{ image: "nginx" }]);
  });

  it("applies a tag suffix once per walk that reaches the field, as kustomize does", () => {
    const m = resMapOf([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ image: "nginx:1" }] },
      },
    ]);
    applyImages(m, [{ name: "nginx", tagSuffix: "-x" }], defaultImages);
    expect(m.resources()[0]!.obj.spec).toEqual({ containers: [{ image: "nginx:1-x-x" }] });
  });

  it("rejects a mapping where an image should be", () => {
    const m = resMapOf([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ image: { a: 1 } }] } },
    ]);
    expect(() => applyImages(m, [{ name: "nginx", newTag: "2" }], defaultImages)).toThrow(/ScalarNode/);
  });

  it("parses entries strictly", () => {
    expect(parseImages([{ name: "a", newTag: "1", Digest: "sha256:x" }])).toEqual([
      { name: "a", newTag: "1", digest: "sha256:x" },
    ]);
    expect(() => parseImages([{ name: "a", tag: "1" }])).toThrow(/unknown field "tag"/);
  });
});

const imagePool = [
  "nginx",
  "nginxy",
  "my.registry:5000/app",
  "registry.io/team/nginx",
  "gcr.io/p/app",
  "redis",
];
const tagPool = ["", ":1.2", "@sha256:abc123", ":1.2@sha256:abc123", ":latest", ":v1_x-y"];

function randomImage(rng: Rng): string {
  return rng.pick(imagePool) + rng.pick(tagPool);
}

function containers(rng: Rng): YamlValue {
  const n = rng.int(3);
  const out: YamlValue[] = [];
  for (let i = 0; i < n; i++)
    out.push(rng.chance(0.85) ? { name: `c${i}`, image: randomImage(rng) } : { name: `c${i}` });
  return out;
}

function randomResources(rng: Rng): KObject[] {
  const objs: KObject[] = [];
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const shape = rng.int(5);
    const name = `r${i}`;
    if (shape === 0) {
      objs.push({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { containers: containers(rng), initContainers: rng.chance(0.3) ? null : containers(rng) },
      });
    } else if (shape === 1) {
      objs.push({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name },
        spec: { template: { spec: { containers: containers(rng), initContainers: containers(rng) } } },
      });
    } else if (shape === 2) {
      objs.push({
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name },
        spec: { jobTemplate: { spec: { template: { spec: { containers: containers(rng) } } } } },
      });
    } else if (shape === 3) {
      objs.push({
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name },
        spec: { a: { containers: containers(rng) }, list: [{ initContainers: containers(rng) }] },
      });
    } else {
      objs.push({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${name}.example.com` },
        spec: { containers: containers(rng) },
      });
    }
  }
  return objs;
}

function randomImageSpecs(rng: Rng): ImageSpec[] {
  const n = 1 + rng.int(3);
  const specs: ImageSpec[] = [];
  for (let i = 0; i < n; i++) {
    const s: ImageSpec = { name: rng.pick(imagePool) };
    if (rng.chance(0.3)) s.newName = rng.pick(["quay.io/x/y", "nginx", "localhost:5000/z"]);
    if (rng.chance(0.5)) s.newTag = rng.pick(["2.0", "v3"]);
    if (rng.chance(0.3)) s.digest = "sha256:fff999";
    if (rng.chance(0.2)) s.tagSuffix = "-sfx";
    specs.push(s);
  }
  return specs;
}

describe.runIf(requires("kubectl"))("applyImages against kubectl kustomize", () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`generated case ${seed}`, () => {
      const rng = new Rng(seed * 7919);
      const objs = randomResources(rng);
      const specs = randomImageSpecs(rng);
      const oracle = kubectlBuild(objs, { images: specs as unknown as YamlValue });
      const m = resMapOf(objs);
      if (!oracle.ok) {
        expect(() => applyImages(m, specs, defaultImages), oracle.error).toThrow();
        return;
      }
      applyImages(m, specs, defaultImages);
      const want = byId(oracle.docs);
      for (const r of m) expect(r.obj, idOf(r.obj)).toEqual(want.get(idOf(r.obj)));
    });
  }
});
