import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import * as path from "node:path";
import { flushWrites } from "../cache/index.js";
import { errorMessage } from "../errors.js";
import { printable } from "../printable.js";
import { webAssets } from "../report/assets.js";
import { revisionChoices, revisionDiff } from "../report/revision.js";
import { startDashboardServer } from "../server/http.js";
import { DashboardSession } from "../server/session.js";
import { watchRepository } from "../server/watch.js";
import { ageIdentitiesOrWarn } from "./age-keys.js";
import { parseCommandLine } from "./args.js";
import { nothingFoundLine } from "./discovery.js";

const help = `Usage: slipway serve [REPO] [flags]

A local, read-only web dashboard of REPO (default: the current directory): an overview of
every cluster's Flux Kustomizations and HelmReleases, the dependency graph per cluster
(critical path, cycles, missing targets; click a node for its spec, source and rendered
objects), findings linked to the source line, the environment matrix and environment
diffs, revision diffs against any Git revision, and the status of SOPS secrets (never their
values). The repository is watched: a saved file re-renders what it affects and the page
updates itself.

Flags:
      --port N              port on 127.0.0.1 (default 7420; 0 picks a free one)
      --host ADDR           address to bind (default 127.0.0.1; anything else exposes the
                            dashboard to your network)
      --open                open the dashboard in the default browser
      --no-watch            render once; do not watch the repository
      --cluster NAME        only this cluster (repeatable)
      --age-key-file FILE   age identities for SOPS files (default: where sops looks); values
                            are used to render and never leave the process unmasked
      --no-cache            neither read nor write the render cache (also SLIPWAY_NO_CACHE=1)
  -h, --help                show this help

Exit codes: 0 stopped with Ctrl-C (SIGINT/SIGTERM), 2 bad usage or the port is taken.
`;

const options = {
  port: { type: "string" },
  host: { type: "string" },
  open: { type: "boolean" },
  "no-watch": { type: "boolean" },
  cluster: { type: "string", multiple: true },
  "age-key-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function serveCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("serve", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const fail = (msg: string) => {
    process.stderr.write(`slipway serve: ${msg}\n`);
    return 2;
  };
  if (positionals.length > 1) return fail("give at most one repository directory");
  const port = Number(values.port ?? "7420");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return fail(`--port must be 0-65535, not '${values.port}'`);
  const repo = positionals[0] ?? ".";
  try {
    if (!statSync(repo).isDirectory()) throw new Error("not a directory");
  } catch (e) {
    return fail(`cannot read repository ${repo}: ${errorMessage(e)}`);
  }
  const keys = ageIdentitiesOrWarn("serve", values["age-key-file"]);
  if ("error" in keys) return fail(keys.error);
  let assets: ReturnType<typeof webAssets>;
  try {
    assets = webAssets();
  } catch (e) {
    return fail(errorMessage(e));
  }
  const root = path.resolve(repo).split(path.sep).join("/");
  const session = new DashboardSession(root, {
    identities: keys.identities,
    ...(values.cluster ? { clusters: values.cluster } : {}),
  });
  let server: Awaited<ReturnType<typeof startDashboardServer>>;
  try {
    server = await startDashboardServer({
      session,
      assets,
      port,
      ...(values.host ? { host: values.host } : {}),
      revisions: () => revisionChoices(root),
      diff: (base) => revisionDiff(root, base, keys.identities, session.secretValues, values.cluster),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      code === "EADDRINUSE" ? `port ${port} is in use (try --port 0 for a free one)` : errorMessage(e),
    );
  }
  process.stderr.write(`slipway serve: rendering ${repo}…\n`);
  const rendered = session.start().then(() => {
    // The render cache's entries of this render go to disk now, not when the session ends.
    flushWrites();
    const s = session.snapshot?.model;
    const status = session.status();
    if (status.error) process.stderr.write(`slipway serve: render failed: ${status.error}\n`);
    else if (s) {
      // Loud like every other command, but the dashboard stays up: a saved file may add a cluster.
      if (s.summary.clusters === 0) process.stderr.write(`slipway serve: ${nothingFoundLine(repo)}\n`);
      process.stderr.write(
        `slipway serve: ${s.summary.clusters} clusters, ${s.summary.kustomizations} Flux Kustomizations, ${s.summary.objects} objects, ${s.summary.findings.error} error findings (${status.lastRenderMs} ms)\n`,
      );
    }
  });
  process.stdout.write(`Slipway dashboard: ${server.url}  (read-only; Ctrl-C to stop)\n`);
  if (values.host && !["127.0.0.1", "localhost", "::1"].includes(values.host)) {
    process.stderr.write(
      `slipway serve: warning: bound to ${values.host}: anyone who can reach it sees the platform\n`,
    );
  }
  if (values.open) openBrowser(server.url);
  await rendered;
  const watcher = values["no-watch"]
    ? undefined
    : watchRepository(root, (paths) => {
        void session.changed(paths).then(() => {
          flushWrites();
          const st = session.status();
          const rel = changedFilesText(paths, root);
          process.stderr.write(
            st.error
              ? `slipway serve: render failed after ${rel}: ${st.error}\n`
              : `slipway serve: re-rendered after ${rel} (${st.lastRenderMs} ms)\n`,
          );
        });
      });
  return new Promise<number>((resolve) => {
    const stop = () => {
      watcher?.close();
      void server.close().then(() => resolve(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** The most changed files one progress line names. */
const NAMED_CHANGES = 5;

/**
 * The files of one re-render, for its progress line: a few, then a count (a checkout or a
 * generator changes thousands at once, and the line named every one), each printable (a file
 * name may hold a newline or a terminal escape).
 */
export function changedFilesText(paths: Iterable<string>, root: string): string {
  const all = [...paths];
  const named = all.slice(0, NAMED_CHANGES).map((p) => printable(path.posix.relative(root, p)));
  const more = all.length - named.length;
  return more > 0 ? `${named.join(", ")} and ${more} more` : named.join(", ");
}

function openBrowser(url: string): void {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(cmd, [url], { stdio: "ignore", detached: true });
    child.on("error", () =>
      process.stderr.write(`slipway serve: could not start ${cmd}; open ${url} yourself\n`),
    );
    child.unref();
  } catch {
    process.stderr.write(`slipway serve: could not open a browser; open ${url} yourself\n`);
  }
}
