import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { ruleForRecipients } from "../../src/sops/config.js";
import { decryptSops, plaintextBytes } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { reencryptEdited } from "../../src/sops/manage.js";

/**
 * Where comments go when sops 3.13 writes a YAML file (stores/yaml/store.go at v3.13.2):
 * a comment after a scalar value (go-yaml's value LineComment) is flagged `Inline` and written
 * back after the value, encrypted or not (commits 42f75bed, eddc3ca0); a comment on a key's own
 * line over a block collection (the key's LineComment) is placed before the key and written
 * above it. Slipway used to move the first kind above the key too (sops before 3.13).
 */

let identity: string;
let recipient: string;

beforeAll(async () => {
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
});

async function roundTrip(plain: string, rule = ruleForRecipients([recipient])) {
  const encrypted = (await encryptSops(plain, { file: "s.yaml", rule, config: null })).toString();
  const decrypted = await decryptSops(encrypted, { file: "s.yaml", identities: [identity] });
  return { encrypted, decrypted, plain: plaintextBytes(decrypted).toString() };
}

const ENC = "ENC\\[AES256_GCM,[^\\]]*\\]";

describe("sops YAML comments keep their place (sops 3.13)", () => {
  it.each([
    ["after a scalar value", "a: x # note\nb: z\n", "a: x # note\nb: z\n"],
    ["after a sequence item", "l:\n    - a # first\n    - b\n", "l:\n    - a # first\n    - b\n"],
    ["after the last value", "a: x\nb: z # last\n", "a: x\nb: z # last\n"],
    ["after a block scalar's header", "a: |- # note\n    one\n    two\n", "a: |- # note\n    one\n    two\n"],
    ["beside a head comment", "# head\na: x # note\n", "# head\na: x # note\n"],
    ["nested", "m:\n    k: 1 # one\n    o: 2\n", "m:\n    k: 1 # one\n    o: 2\n"],
    // go-yaml: the key's LineComment, which sops writes above the key.
    ["on a key over a mapping", "m: # about m\n    k: 1\n", "# about m\nm:\n    k: 1\n"],
    ["on a key over a sequence", "l: # about l\n    - a\n", "# about l\nl:\n    - a\n"],
    [
      "on a key, then a head comment",
      "m: # about m\n    # head of k\n    k: 1\n",
      "# about m\nm:\n    # head of k\n    k: 1\n",
    ],
    [
      "a head comment of the first key stays inside",
      "m:\n    # head of k\n    k: 1\n",
      "m:\n    # head of k\n    k: 1\n",
    ],
  ])("%s", async (_, plain, expected) => {
    const r = await roundTrip(plain);
    expect(r.plain).toBe(expected);
  });

  it("an encrypted inline comment stays on its value's line", async () => {
    const r = await roundTrip("password: hunter2 # rotate monthly\nuser: bob\n");
    const lines = r.encrypted.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^password: ${ENC} #${ENC}$`));
    expect(lines[1]).toMatch(new RegExp(`^user: ${ENC}$`));
  });

  it("a clear comment (outside encrypted_regex) stays inline as it was written", async () => {
    const rule = ruleForRecipients([recipient], { encrypted_regex: "^stringData$" });
    const plain = "metadata:\n    name: a # the name\nstringData:\n    password: hunter2 # rotate\n";
    const r = await roundTrip(plain, rule);
    expect(r.encrypted).toContain("    name: a # the name\n");
    expect(r.encrypted).toMatch(new RegExp(`\\n    password: ${ENC} #${ENC}\\n`));
    expect(r.plain).toBe(plain);
  });

  it("an edit that only moves a comment off its value's line is a change", async () => {
    const r = await roundTrip("a: x # note\n");
    const moved = reencryptEdited(r.decrypted, Buffer.from("# note\na: x\n"));
    expect(moved).not.toBe(r.decrypted.original);
    const again = await decryptSops(moved, { file: "s.yaml", identities: [identity] });
    expect(plaintextBytes(again).toString()).toBe("# note\na: x\n");
  });
});
