import { type ParseArgsConfig, parseArgs } from "node:util";
import { errorMessage } from "../errors.js";

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
    process.stderr.write(`slipway ${command}: ${errorMessage(e)}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stdout.write(help);
    return 0;
  }
  return parsed;
}
