import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints the plain closing line that CI systems read ("N passed, N failed, N skipped"),
 * since vitest's own summary is formatted for people. A test file that fails to load (a
 * syntax error, a throwing import) counts as one failure, so the line never hides it.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (tests === 0 && mod.state() === "failed") failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
