/**
 * Watches a repository for file changes (recursive fs.watch) and reports them in batches:
 * events within `debounceMs` of each other are one batch, so an editor's save (write, rename,
 * chmod) triggers one render. `.git` and `node_modules` are ignored.
 */
import { type FSWatcher, watch } from "node:fs";
import * as path from "node:path";

export interface RepositoryWatcher {
  close(): void;
}

const IGNORED = new Set([".git", "node_modules"]);

export function watchRepository(
  root: string,
  onChange: (paths: Set<string>) => void,
  opts: { debounceMs?: number; onError?: (e: Error) => void } = {},
): RepositoryWatcher {
  const debounceMs = opts.debounceMs ?? 40;
  let batch = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const paths = batch;
    batch = new Set();
    if (paths.size > 0) onChange(paths);
  };
  const watcher: FSWatcher = watch(root, { recursive: true, persistent: false }, (_event, name) => {
    if (name === null) return;
    const rel = name.toString().split(path.sep).join("/");
    if (rel.split("/").some((seg) => IGNORED.has(seg))) return;
    batch.add(path.posix.join(root, rel));
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  watcher.on("error", (e) => opts.onError?.(e));
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
