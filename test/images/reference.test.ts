import { describe, expect, it } from "vitest";
import { imageReferenceProblem } from "../../src/images/reference.js";

describe("image references, as distribution/reference reads them", () => {
  it.each([
    "nginx",
    "nginx:1.27.2",
    "ghcr.io/acme-platform/backend:1.9.0-rc.2",
    "localhost:5000/team/app:v1",
    "registry.example.com:443/a/b/c:latest",
    "[::1]:5000/app:1",
    "Registry.Example.com/app_x__y--z.w:TAG_1",
    `ghcr.io/acme/app:1.0.0@sha256:${"0".repeat(64)}`,
    `ghcr.io/acme/app@sha256:${"ab".repeat(32)}`,
  ])("%s is valid", (ref) => expect(imageReferenceProblem(ref)).toBeUndefined());

  it.each([
    ["ghcr.io/acme/app:1.9.0 # rc", /a tag is at most 128/],
    ["ghcr.io/acme/app:1.9.0\nx: y", /a tag is at most 128/],
    ["ghcr.io/acme/app:", /a tag/],
    ["ghcr.io/acme/app:.1", /a tag/],
    [`ghcr.io/acme/app:${"1".repeat(129)}`, /a tag/],
    ["ghcr.io/Acme/app:1", /repository name/],
    ["UPPER/Bad Image:1", /repository name/],
    ["ghcr.io/acme/app/:1", /repository name/],
    ["../app:1", /repository name/],
    [`${"a".repeat(256)}:1`, /repository name/],
    ["ghcr.io/acme/app@sha256:00", /a digest/],
    ["ghcr.io/acme/app:1@", /a digest/],
  ])("%j is refused", (ref, why) => expect(imageReferenceProblem(ref)).toMatch(why));

  it("quotes the reference so that control characters are not printed raw", () => {
    expect(imageReferenceProblem("app:1\u001b[2J")).toContain('"app:1\\u001b[2J"');
  });
});
