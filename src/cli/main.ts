import * as path from "node:path";
import { errorMessage } from "../errors.js";
import { closestName } from "./suggest.js";
import { escapeStderrControls, restoreStderr } from "./terminal-safe.js";
import { endWorkflowCommandGuard, guardWorkflowCommands } from "./workflow-commands.js";

export const version = "0.1.0";

type Command = (args: string[]) => Promise<number>;

/** Commands load lazily so that `slipway build` does not pay for the modules of `check` or `diff`. */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  build: {
    summary: "render a kustomization directory exactly like `kubectl kustomize DIR`",
    load: async () => (await import("./build.js")).buildCommand,
  },
  render: {
    summary:
      "print what Flux applies to each cluster (every Flux Kustomization, as kustomize-controller builds it)",
    load: async () => (await import("./render.js")).renderCommand,
  },
  graph: {
    summary: "the dependsOn graph: cycles, missing targets, parallel layers, critical path",
    load: async () => (await import("./graph.js")).graphCommand,
  },
  check: {
    summary: "schemas, the dependsOn graph and policies of every cluster, with the file:line to edit",
    load: async () => (await import("./check.js")).checkCommand,
  },
  secrets: {
    summary: "decrypt, encrypt, edit, updatekeys, rotate and status of SOPS + age files",
    load: async () => (await import("./secrets.js")).secretsCommand,
  },
  helm: {
    summary: "render Helm charts like `helm template` (Helm v4.1.4), byte for byte, offline",
    load: async () => (await import("./helm.js")).helmCommand,
  },
  diff: {
    summary: "what a change does to each cluster (masked, Kubernetes-aware), and how environments differ",
    load: async () => (await import("./diff.js")).diffCommand,
  },
  images: {
    summary:
      "every image per cluster, where it is set and its ImagePolicy; set a tag; apply image policies offline",
    load: async () => (await import("./images.js")).imagesCommand,
  },
  new: {
    summary:
      "create a service, HelmRelease app or cluster laid out like the repository's own, rendered and checked",
    load: async () => (await import("./new.js")).newCommand,
  },
  promote: {
    summary: "promote one environment's versions into another, edited where the target sets them",
    load: async () => (await import("./promote.js")).promoteCommand,
  },
  serve: {
    summary: "a local, read-only web dashboard: graphs, findings, environments, diffs; live on file changes",
    load: async () => (await import("./serve.js")).serveCommand,
  },
  charts: {
    summary: "the chart cache render reads: pull charts from Helm repositories and OCI registries, list, add",
    load: async () => (await import("./charts.js")).chartsCommand,
  },
  cache: {
    summary:
      "the render cache: its size (info), entries of other Slipway builds removed (prune), all removed (clear)",
    load: async () => (await import("./cache.js")).cacheCommand,
  },
  report: {
    summary: "the dashboard as one self-contained HTML file (--html FILE), for CI artifacts",
    load: async () => (await import("./report.js")).reportCommand,
  },
};

function usage(): string {
  const lines = [
    "Slipway: one fast, offline toolkit for Flux + Kustomize + SOPS platforms.",
    "",
    "Usage: slipway <command> [flags]",
    "",
    "Commands:",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    "",
    "Global flags:",
    "  --cache-dir DIR  the chart cache and render cache (default: $SLIPWAY_CACHE_DIR, else",
    "                   $XDG_CACHE_HOME/slipway, else ~/.cache/slipway)",
    "  --no-cache       neither read nor write rendered HelmReleases and Flux builds in the cache (also SLIPWAY_NO_CACHE=1)",
    "",
    "Run 'slipway <command> --help' for a command's flags.",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * `--cache-dir DIR` is accepted by every command, anywhere on the line: it becomes
 * SLIPWAY_CACHE_DIR for this process, which is where ChartCache looks by default. `--no-cache`
 * likewise becomes SLIPWAY_NO_CACHE=1, which turns the render cache (src/cache) off.
 */
export function takeCacheDir(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] | string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    let dir: string | undefined;
    if (a === "--no-cache") {
      env.SLIPWAY_NO_CACHE = "1";
      continue;
    }
    if (a === "--cache-dir") {
      dir = argv[++i];
      if (dir === undefined || dir === "") return "--cache-dir needs a directory";
    } else if (a.startsWith("--cache-dir=")) {
      dir = a.slice("--cache-dir=".length);
      if (dir === "") return "--cache-dir needs a directory";
    } else {
      out.push(a);
      continue;
    }
    env.SLIPWAY_CACHE_DIR = path.resolve(dir);
  }
  return out;
}

export async function main(args: string[]): Promise<number> {
  const argv = takeCacheDir(args);
  if (typeof argv === "string") {
    process.stderr.write(`slipway: ${argv}\n`);
    return 2;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "version") {
    process.stdout.write(`slipway ${version}\n`);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    const near = closestName(name, Object.keys(commands));
    process.stderr.write(
      `slipway: unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ""}\n\n${usage()}`,
    );
    return 2;
  }
  // Text from the repository is printed below: in GitHub Actions it must not become a command.
  guardWorkflowCommands(process.env);
  escapeStderrControls();
  process.once("exit", endWorkflowCommandGuard);
  try {
    return await (await cmd.load())(rest);
  } catch (err) {
    process.stderr.write(`slipway ${name}: ${errorMessage(err)}\n`);
    return 2;
  } finally {
    restoreStderr();
    endWorkflowCommandGuard();
  }
}
