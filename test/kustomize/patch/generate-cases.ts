import { stringify } from "yaml";
import type { YamlMap, YamlValue } from "../../../src/kustomize/types.js";
import { prng } from "../../support/random.js";

export { prng };

export interface GeneratedCase {
  target: YamlMap;
  patch: YamlMap;
  patchText: string;
}

class Gen {
  constructor(readonly rnd: () => number) {}
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  subset<T>(xs: readonly T[], p = 0.5): T[] {
    return xs.filter(() => this.chance(p));
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

const CONTAINERS = ["app", "sidecar", "proxy", "init"];
const ENV = ["A", "B", "C", "D"];
const PORTS = [80, 443, 8080];
const MOUNTS = ["/data", "/cache", "/etc/conf"];
const VOLUMES = ["data", "cache", "conf"];

function container(g: Gen, name: string): YamlMap {
  const c: YamlMap = { name, image: `${name}:${g.int(5)}` };
  if (g.chance(0.6))
    c.env = g.subset(ENV, 0.5).map((e) => ({ name: e, value: `${e.toLowerCase()}${g.int(3)}` }));
  if (g.chance(0.5)) {
    c.ports = g.subset(PORTS, 0.5).map((p) => {
      const port: YamlMap = { containerPort: p };
      if (g.chance(0.5)) port.protocol = g.pick(["TCP", "UDP"]);
      if (g.chance(0.3)) port.name = `p${p}`;
      return port;
    });
  }
  if (g.chance(0.4)) c.volumeMounts = g.subset(MOUNTS).map((m, i) => ({ mountPath: m, name: VOLUMES[i] }));
  if (g.chance(0.3)) c.args = g.subset(["--a", "--b", "--c"]);
  if (g.chance(0.2)) c.resources = { limits: { cpu: `${g.int(3) + 1}00m` } };
  return c;
}

function podSpec(g: Gen): YamlMap {
  const spec: YamlMap = { containers: g.shuffle(g.subset(CONTAINERS, 0.6)).map((n) => container(g, n)) };
  if (g.chance(0.4)) spec.volumes = g.subset(VOLUMES).map((v) => ({ name: v, emptyDir: {} }));
  if (g.chance(0.3)) spec.tolerations = [{ key: "k1", operator: "Exists" }];
  if (g.chance(0.3)) spec.imagePullSecrets = g.subset(["s1", "s2"]).map((n) => ({ name: n }));
  if (g.chance(0.2)) spec.nodeSelector = { zone: g.pick(["a", "b"]) };
  return spec;
}

function patchContainer(g: Gen, name: string): YamlMap {
  const c: YamlMap = { name };
  const r = g.rnd();
  if (r < 0.1) return { name, $patch: "delete" };
  if (r < 0.15) return { name, image: "replaced", $patch: "replace" };
  if (g.chance(0.5)) c.image = g.chance(0.1) ? null : `${name}:patched`;
  if (g.chance(0.4)) {
    const env: YamlValue[] = g.subset(ENV, 0.4).map((e) => ({ name: e, value: "patched" }));
    if (g.chance(0.2)) env.push({ name: g.pick(ENV), $patch: "delete" });
    if (g.chance(0.1)) env.push({ $patch: g.pick(["replace", "merge", "delete"]) });
    c.env = env;
  }
  if (g.chance(0.3)) {
    c.ports = g.subset(PORTS, 0.4).map((p) => {
      const port: YamlMap = { containerPort: p };
      if (g.chance(0.5)) port.protocol = g.pick(["TCP", "UDP"]);
      if (g.chance(0.3)) port.name = "patched";
      return port;
    });
  }
  if (g.chance(0.2)) c.volumeMounts = [{ mountPath: g.pick(MOUNTS), name: "patched" }];
  if (g.chance(0.2)) c.args = ["--patched"];
  if (g.chance(0.1)) c.resources = null;
  if (g.chance(0.05)) c.$setElementOrder = [{ name: "x" }];
  return c;
}

function patchPodSpec(g: Gen): YamlMap {
  const spec: YamlMap = {};
  if (g.chance(0.8)) {
    const names = g.shuffle(g.subset([...CONTAINERS, "extra1", "extra2"], 0.4));
    const list: YamlValue[] = names.map((n) => patchContainer(g, n));
    if (g.chance(0.08)) list.push({ $patch: g.pick(["replace", "merge", "delete"]) });
    if (g.chance(0.03)) list.push({ image: "nameless" });
    spec.containers = list;
  }
  if (g.chance(0.3)) {
    spec.volumes = g
      .subset(VOLUMES)
      .map(
        (v): YamlMap => (g.chance(0.2) ? { name: v, $patch: "delete" } : { name: v, configMap: { name: v } }),
      );
  }
  if (g.chance(0.2)) spec.tolerations = [{ key: "k2", operator: "Exists" }];
  if (g.chance(0.2)) spec.imagePullSecrets = [{ name: g.pick(["s2", "s3"]) }];
  if (g.chance(0.1)) spec.nodeSelector = null;
  if (g.chance(0.1)) spec.$setElementOrder = [{ name: "app" }];
  if (g.chance(0.05)) spec.$patch = "replace";
  return spec;
}

function deploymentCase(g: Gen, name: string): GeneratedCase {
  const target: YamlMap = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: { replicas: 1, template: { metadata: { labels: { app: name } }, spec: podSpec(g) } },
  };
  if (g.chance(0.3)) (target.metadata as YamlMap).finalizers = g.subset(["f1", "f2", "f3"]);
  const patch: YamlMap = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name } };
  if (g.chance(0.2)) (patch.metadata as YamlMap).finalizers = g.subset(["f3", "f4", "f1"]);
  if (g.chance(0.2)) (patch.metadata as YamlMap).labels = { added: "yes" };
  const spec: YamlMap = {};
  if (g.chance(0.2)) spec.replicas = g.chance(0.2) ? null : 3;
  if (g.chance(0.9)) spec.template = { spec: patchPodSpec(g) };
  if (g.chance(0.05)) spec.strategy = { type: "Recreate" };
  patch.spec = spec;
  return { target, patch, patchText: stringify(patch) };
}

/** A kind no schema knows: lists are replaced unless an object inside names a known type. */
function customCase(g: Gen, name: string): GeneratedCase {
  const target: YamlMap = {
    apiVersion: "example.com/v1",
    kind: "Foo",
    metadata: { name },
    spec: {
      items: g.subset(["a", "b", "c"]).map((n) => ({ name: n, v: g.int(3) })),
      template: { spec: { containers: [{ name: "app", image: "x" }] } },
      tags: g.subset(["t1", "t2"]),
      nested: { keep: 1, drop: 2 },
    },
  };
  const spec: YamlMap = {};
  if (g.chance(0.6)) spec.items = g.subset(["b", "c", "d"]).map((n) => ({ name: n, w: 1 }));
  if (g.chance(0.4))
    spec.template = { spec: { containers: [{ name: g.pick(["app", "other"]), image: "y" }] } };
  if (g.chance(0.3)) spec.tags = ["t3"];
  if (g.chance(0.4))
    spec.nested = g.chance(0.3) ? { $patch: "replace", only: true } : { drop: null, add: "x" };
  if (g.chance(0.2)) {
    // an embedded object naming a built-in type gets that type's schema
    spec.embedded = { apiVersion: "v1", kind: "Pod", spec: { containers: [{ name: "e", image: "z" }] } };
    (target.spec as YamlMap).embedded = {
      apiVersion: "v1",
      kind: "Pod",
      spec: { containers: [{ name: "f", image: "w" }] },
    };
  }
  const patch: YamlMap = { apiVersion: "example.com/v1", kind: "Foo", metadata: { name }, spec };
  return { target, patch, patchText: stringify(patch) };
}

function serviceCase(g: Gen, name: string): GeneratedCase {
  const target: YamlMap = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name },
    spec: {
      selector: { app: name },
      ports: g
        .subset([80, 443, 9090], 0.6)
        .map((p) => ({ port: p, targetPort: p, protocol: g.pick(["TCP", "UDP"]) })),
    },
  };
  const ports = g.subset([80, 443, 8443], 0.5).map((p) => {
    const port: YamlMap = { port: p, name: `n${p}` };
    if (g.chance(0.5)) port.protocol = g.pick(["TCP", "UDP"]);
    return port;
  });
  const patch: YamlMap = { apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports } };
  if (g.chance(0.2)) (patch.spec as YamlMap).selector = { app: null, other: "x" };
  return { target, patch, patchText: stringify(patch) };
}

export function generateCases(seed: number, count: number): GeneratedCase[] {
  const g = new Gen(prng(seed));
  const cases: GeneratedCase[] = [];
  for (let i = 0; i < count; i++) {
    const name = `case${seed}-${i}`;
    const r = g.rnd();
    if (r < 0.6) cases.push(deploymentCase(g, name));
    else if (r < 0.8) cases.push(customCase(g, name));
    else cases.push(serviceCase(g, name));
  }
  return cases;
}
