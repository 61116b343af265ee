import { describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { RemoteResourceError } from "../../src/kustomize/loader.js";
import { KustomizationFieldError } from "../../src/platform/postprocess.js";
import { SecretIdentityError } from "../../src/secrets/kinds.js";

// A wrapper adds context to an error; consumers tell kinds of problem apart by class
// (toPlatformError's codes), so the rewrapped error must stay what it was.
describe("SlipwayError.withContext", () => {
  it.each([
    ["SlipwayError", new SlipwayError("m", { file: "a.yaml", line: 3, column: 4 })],
    ["RemoteResourceError", new RemoteResourceError("m", { file: "a.yaml" })],
    ["SecretIdentityError", new SecretIdentityError("m", { file: "a.yaml", line: 2 })],
    ["KustomizationFieldError", new KustomizationFieldError("m", ["spec", "path"], "REMOTE_RESOURCE")],
  ])("keeps a %s, its fields and its cause", (_, e) => {
    const w = e.withContext(`ctx: ${e.message}`);
    expect(Object.getPrototypeOf(w)).toBe(Object.getPrototypeOf(e));
    expect(w.name).toBe(e.name);
    expect(w.message).toBe("ctx: m");
    expect([w.file, w.line, w.column]).toEqual([e.file, e.line, e.column]);
    expect(w.stack?.split("\n")[0]).toBe(`${e.name}: ctx: m`);
    expect(e.message).toBe("m");
    if (e instanceof KustomizationFieldError) {
      expect((w as KustomizationFieldError).field).toEqual(["spec", "path"]);
      expect((w as KustomizationFieldError).code).toBe("REMOTE_RESOURCE");
    }
  });

  it("replaces the whole place when given one", () => {
    const cause = new Error("inner");
    const e = new SlipwayError("m", { file: "a.yaml", line: 3, column: 4, cause });
    const w = e.withContext("m", { file: "k.yaml" });
    expect([w.file, w.line, w.column]).toEqual(["k.yaml", undefined, undefined]);
    expect(w.format()).toBe("k.yaml: m");
    expect(w.cause).toBe(cause);
  });
});
