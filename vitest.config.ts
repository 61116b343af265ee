import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // Helm's include recursion limit (1000 levels) needs more JavaScript stack than V8's
    // default ~1 MB; Slipway's Helm renderer runs with a larger stack for the same reason.
    execArgv: ["--stack-size=3900"],
    hookTimeout: 120_000,
    // The persistent render cache stays off in tests (and in the CLIs they spawn) unless a test
    // turns it on with its own directory: runs must not share state through ~/.cache.
    env: { SLIPWAY_NO_CACHE: "1" },
    reporters: ["default", "./test/support/summary-reporter.ts"],
    globalSetup: ["./test/support/run-scratch.ts"],
  },
});
