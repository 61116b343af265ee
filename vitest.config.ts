import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // Helm's include recursion limit (1000 levels) needs more JavaScript stack than V8's
    // default ~1 MB; Slipway's Helm renderer runs with a larger stack for the same reason.
    execArgv: ["--stack-size=3900"],
    hookTimeout: 120_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
