import { describe, expect, it } from "vitest";
import type { PullOutcome } from "../../src/charts/pull.js";
import type { ChartRequest } from "../../src/charts/requests.js";
import { createPullProgress } from "../../src/cli/charts-progress.js";

const req: ChartRequest = {
  release: { cluster: "dev", namespace: "apps", name: "web" },
  kind: "helm",
  source: "https://charts.io",
  name: "web",
  range: "^1",
  helmTags: false,
  insecure: false,
  passCredentials: false,
  via: "HelmRepository flux-system/web",
};
const outcome = (status: PullOutcome["status"]): PullOutcome => ({
  requests: [req],
  status,
  ms: 1,
  ...(status === "failed" ? {} : { ref: { source: req.source, name: "web", version: "1.2.0" } }),
});

function fakeStream(columns = 60) {
  const writes: string[] = [];
  return {
    writes,
    stream: { columns, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream,
  };
}

describe("charts pull progress", () => {
  it("plain lines when not interactive (CI, pipes)", () => {
    const { writes, stream } = fakeStream();
    const p = createPullProgress(stream, false);
    p.onEvent({ type: "start", total: 2 });
    p.onEvent({ type: "done", outcome: outcome("pulled"), done: 1, total: 2 });
    p.onEvent({ type: "done", outcome: outcome("failed"), done: 2, total: 2 });
    p.done();
    expect(writes).toEqual([
      "slipway charts pull: [1/2] pulled https://charts.io web@1.2.0\n",
      "slipway charts pull: [2/2] failed https://charts.io web@^1\n",
    ]);
  });

  it("one bar rewritten in place on a terminal, cleared at the end, never wider than the terminal", () => {
    const { writes, stream } = fakeStream(40);
    const p = createPullProgress(stream, true);
    p.onEvent({ type: "done", outcome: outcome("cached"), done: 1, total: 4 });
    p.done();
    expect(writes[0]).toMatch(/^\r\x1b\[2K\[######------------------\] 1\/4 /);
    expect(writes[0]!.length - "\r\x1b[2K".length).toBeLessThanOrEqual(39);
    expect(writes.at(-1)).toBe("\r\x1b[2K");
    expect(writes.join("")).not.toContain("\n");
  });
});
