import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ModcapError } from '../errors.ts';

/** Option values as `parseArgs` gives them: strings, booleans, or absent. */
export type OptionValues = Record<string, string | boolean | undefined>;

/**
 * Parses a command's options; an unknown option or a missing value becomes a `BAD_ARGUMENT` error that ends
 * with the command's usage.
 * @throws ModcapError BAD_ARGUMENT
 * @example parseOptions(['--out', 'x'], { out: { type: 'string' } }, USAGE).out // => 'x'
 */
export function parseOptions(
  argv: string[],
  options: ParseArgsConfig['options'],
  usage: string,
): OptionValues {
  try {
    return parseArgs({ args: argv, options }).values as OptionValues;
  } catch (e) {
    throw new ModcapError('BAD_ARGUMENT', `${(e as Error).message}\n\n${usage}`);
  }
}
