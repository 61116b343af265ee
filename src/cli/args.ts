import { type ParseArgsConfig, parseArgs } from "node:util";
import { errorMessage } from "../errors.js";
import { closestName } from "./suggest.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a command's flags the same way for every command: positionals allowed, `-h/--help`
 * prints the help (exit 0), a bad flag prints the error and the help (exit 2). Returns the
 * parsed flags, or the exit code when the command should stop.
 */
export function parseCommandLine<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  help: string,
) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    process.stderr.write(`slipway ${command}: ${flagError(e, options)}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stdout.write(help);
    return 0;
  }
  return parsed;
}

/**
 * Node's text for an unknown flag explains how to pass a positional starting with '-', which is
 * rarely what went wrong: a typo is, so the flag is named with the closest one the command has.
 */
export function flagError(e: unknown, options: Options): string {
  const unknown = (e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION";
  const typed = unknown ? /'(-[^']*)'/.exec(errorMessage(e))?.[1] : undefined;
  if (typed === undefined) return errorMessage(e);
  const flags = Object.entries(options).flatMap(([name, o]) => [
    `--${name}`,
    ...(o.short !== undefined ? [`-${o.short}`] : []),
  ]);
  const name = typed.split("=")[0]!;
  // A one-letter flag is too short to guess from.
  const near = name.startsWith("--") ? closestName(name, flags) : undefined;
  return `unknown flag '${typed}'${near ? ` (did you mean ${near}?)` : ""}; '--help' lists the flags`;
}
