import { execFile } from "node:child_process";
import { kubectlPath } from "./env.js";

export interface KubectlResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** `kubectl kustomize [flags] DIR`, the oracle for byte-for-byte comparisons. */
export function kubectlKustomize(dir: string, flags: string[] = []): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      kubectlPath,
      ["kustomize", ...flags, dir],
      {
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, HOME: "/nonexistent", KUSTOMIZE_PLUGIN_HOME: "/nonexistent" },
      },
      (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr }),
    );
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}
