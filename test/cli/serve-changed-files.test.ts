import { describe, expect, it } from "vitest";
import { changedFilesText } from "../../src/cli/serve.js";

describe("serve's progress line after a change", () => {
  it("names a few changed files, then counts the rest (a burst of 3,000 made a 60 KB line)", () => {
    const burst = Array.from({ length: 3000 }, (_, i) => `/repo/apps/f-${i}.yaml`);
    expect(changedFilesText(burst, "/repo")).toBe(
      "apps/f-0.yaml, apps/f-1.yaml, apps/f-2.yaml, apps/f-3.yaml, apps/f-4.yaml and 2995 more",
    );
    expect(changedFilesText(["/repo/a.yaml"], "/repo")).toBe("a.yaml");
  });

  it("prints a file name's control characters as escapes", () => {
    expect(changedFilesText(["/repo/apps/x\u001b]0;owned\u0007\n.yaml"], "/repo")).toBe(
      "apps/x\\u001b]0;owned\\u0007\\n.yaml",
    );
  });
});
