import { readFileSync } from "node:fs";
import * as path from "node:path";
import { armor, Decrypter } from "age-encryption";
import { describe, expect, it } from "vitest";
import { findSopsConfig, parseSopsConfig, selectCreationRule } from "../../src/sops/config.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { defaultAgeKeyFile, findAgeIdentities, parseAgeIdentities } from "../../src/sops/identities.js";
import { requires, sharedDir } from "../support/env.js";

const K1 = "AGE-SECRET-KEY-1QXRVEJH9S4NQU0FPD6V79ESZQ8S6PXH3L8V40EVPTHFH6KNKD4DQ7SKC4P";
const K2 = "AGE-SECRET-KEY-1G0Q5K9TV4REQ3ZSQRMTMG8NSWQGYT0T7TZ33RAZEE0GZYVZN0APSU24RK7";

describe("finding age identities like sops", () => {
  const files: Record<string, string> = {
    "/keys/explicit.txt": `# created: x\n# public key: age1…\n${K2}\n`,
    "/home/u/.config/sops/age/keys.txt": `${K1}\n`,
    "/xdg/sops/age/keys.txt": `\n# xdg\n${K2}\n`,
  };
  const base = {
    homeDir: "/home/u",
    platform: "linux" as const,
    readFile: (p: string) => {
      if (!(p in files)) throw Object.assign(new Error("nope"), { code: "ENOENT" });
      return files[p]!;
    },
    exists: (p: string) => p in files,
  };

  it("combines SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the default keys.txt", () => {
    const r = findAgeIdentities({
      ...base,
      env: { SOPS_AGE_KEY: `${K1}\n`, SOPS_AGE_KEY_FILE: "/keys/explicit.txt" },
    });
    expect(r.identities).toEqual([K1, K2]);
    expect(r.sources).toEqual(["SOPS_AGE_KEY", "/keys/explicit.txt", "/home/u/.config/sops/age/keys.txt"]);
    expect(r.problems).toEqual([]);
  });

  it("honours XDG_CONFIG_HOME for the default file", () => {
    expect(
      defaultAgeKeyFile({ env: { XDG_CONFIG_HOME: "/xdg" }, homeDir: "/home/u", platform: "linux" }),
    ).toBe("/xdg/sops/age/keys.txt");
    const r = findAgeIdentities({ ...base, env: { XDG_CONFIG_HOME: "/xdg" } });
    expect(r.identities).toEqual([K2]);
  });

  it("reports a missing key file and bad lines without echoing key material", () => {
    const r = findAgeIdentities({
      ...base,
      env: { SOPS_AGE_KEY_FILE: "/missing", SOPS_AGE_KEY: "not-a-key-SECRETISH" },
    });
    expect(r.problems.join("\n")).toMatch(/SOPS_AGE_KEY_FILE \/missing: ENOENT/);
    expect(r.problems.join("\n")).toMatch(/SOPS_AGE_KEY: line 1: not an age identity/);
    expect(r.problems.join("\n")).not.toContain("SECRETISH");
  });

  it("says a line's problem once, however many words it has (a key file written as JSON)", () => {
    const r = parseAgeIdentities(`{"key": "AGE-SECRET-KEY-1XYZ"}\n${K1} other words\n`, "k.json");
    expect(r.identities).toEqual([K1]);
    expect(r.problems).toEqual([
      "k.json: line 1: not an age identity",
      "k.json: line 2: not an age identity",
    ]);
  });

  it("parses several keys per SOPS_AGE_KEY, skipping comments", () => {
    expect(parseAgeIdentities(`# c\n${K1} ${K2}\n\n`, "x").identities).toEqual([K1, K2]);
  });
});

describe(".sops.yaml", () => {
  const cfgText = `keys:
  - &alice age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr
creation_rules:
  - path_regex: clusters/prod/.*\\.ya?ml$
    encrypted_regex: ^(data|stringData)$
    key_groups:
      - age:
          - *alice
          - age19j4d6v9j7rx5fs629fu387qz4zmlpsqjexa4s08tkfrrmfdl5cwqjlaupd, age13runq29jhy9kfpaegczrzttykerswh0qprq59msgd754yermtfmsa3hwg2
          - *alice
        pgp: [ABCDEF]
  - path_regex: (?i)\\.ENV$
    age: " age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr , "
    mac_only_encrypted: true
  - age: age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr
stores:
  yaml:
    indent: 2
`;
  const cfg = parseSopsConfig(cfgText, "/repo/.sops.yaml");

  it("parses key groups (comma lists, aliases, de-duplication) and the selection rule", () => {
    const r = selectCreationRule(cfg, "/repo/clusters/prod/app/secret.yaml");
    expect(r.rules).toEqual({ encrypted_regex: "^(data|stringData)$" });
    expect(r.keyGroups).toHaveLength(1);
    expect(r.keyGroups[0]!.map((k) => `${k.type}:${k.id.slice(0, 8)}`)).toEqual([
      "age:age1je6k",
      "age:age19j4d",
      "age:age13run",
      "pgp:ABCDEF",
    ]);
    expect(cfg.stores.yamlIndent).toBe(2);
  });

  it("matches path_regex relative to the config directory, Go-style (?i) included; first match wins", () => {
    const env = selectCreationRule(cfg, "/repo/apps/prod.env");
    expect(env.macOnlyEncrypted).toBe(true);
    expect(env.keyGroups[0]!.map((k) => k.id)).toEqual([
      "age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr",
    ]);
    expect(selectCreationRule(cfg, "/repo/other.yaml").rules).toEqual({});
  });

  it("rejects a rule with two selection rules", () => {
    expect(() =>
      parseSopsConfig("creation_rules:\n  - encrypted_regex: a\n    unencrypted_suffix: b\n"),
    ).toThrow(/only one of/);
  });

  it.runIf(requires("shared"))("is found upwards from a directory", () => {
    const dir = path.join(sharedDir, "vectors/sops/humphd-sops-age");
    expect(findSopsConfig(dir)).toBe(path.join(dir, ".sops.yaml"));
  });
});

describe.runIf(requires("shared"))("age key-wrap vectors from sops' tests", () => {
  const dir = path.join(sharedDir, "vectors/sops/getsops-sops/age-keywrap");
  it("X25519 armored file decrypts with typage and the mock identity", async () => {
    const ids = parseAgeIdentities(
      readFileSync(path.join(dir, "mockIdentity.txt"), "utf8"),
      "mock",
    ).identities;
    const d = new Decrypter();
    for (const i of ids) d.addIdentity(i);
    const out = await d.decrypt(
      armor.decode(readFileSync(path.join(dir, "mockEncryptedKey.age"), "utf8")),
      "text",
    );
    expect(out).toBe("data");
  });

  it("the inner sops document of a Flux Secret (base64 in data) decrypts", async () => {
    const base = path.join(sharedDir, "vectors/sops/fluxcd-kustomize-controller");
    const outer = readFileSync(path.join(base, "inside/secret.yaml"), "utf8");
    const inner = Buffer.from(/key: (\S+)/.exec(outer)![1]!, "base64");
    const ids = parseAgeIdentities(readFileSync(path.join(base, "keys/age.txt"), "utf8"), "k").identities;
    const d = await decryptSops(inner, {
      file: "inside/secret.yaml#data.key",
      format: "binary",
      identities: ids,
    });
    expect(d.branches[0]!.get("data")).toBe("value");
  });
});
