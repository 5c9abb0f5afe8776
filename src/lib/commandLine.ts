/**
 * What every command of the project (report, worker, bench, bench:queue, soak) does with a mistake
 * on its command line or in a RELU_AE_* setting: it prints one line saying what was wrong and one
 * saying what is accepted, and exits with USAGE_EXIT_CODE. A stack trace is printed only for an
 * error that is not a usage error, because that one is a bug.
 *
 *   argv ─ readFlags (UsageError on an unknown flag, a missing or bad value) ─▶ the command's options
 *   commandSettings(usage): a bad RELU_AE_* value ─▶ UsageError naming the variable
 *   runCommand(main): UsageError ─▶ "name: problem" + "usage: …", exit 2; any other error ─▶ its stack, exit 1
 */
import { redactSecrets } from './experiment/queue/redact';
import { readSettings, Settings } from './settings';
import { SpecError } from './specErrors';

/** The exit code of a usage error (the shells' and getopt's convention). */
export const USAGE_EXIT_CODE = 2;

/** The exit code of an unexpected error: a bug, printed with its stack. */
export const BUG_EXIT_CODE = 1;

/** A mistake of the user's, told in one line, with the command's usage on a second. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** What the command accepts, one line; printed after the problem. */
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** How each flag of a command takes its value: `value` (--flag V or --flag=V) or `switch` (--flag alone). */
export type FlagKinds = Record<string, 'value' | 'switch'>;

/**
 * Reads `--flag value`, `--flag=value` and `--switch` arguments; the last of a repeated flag wins.
 * Anything else (a stray word, an unknown flag, a switch given a value, a value missing) is a
 * UsageError that quotes the argument with any password in it hidden.
 */
export function readFlags(argv: ReadonlyArray<string>, kinds: FlagKinds, usage: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const [flag, inlineValue] = argv[index].split(/=(.*)/s, 2);
    const kind = Object.prototype.hasOwnProperty.call(kinds, flag) ? kinds[flag] : undefined;
    if (kind === undefined) throw new UsageError(`unknown argument ${JSON.stringify(redactSecrets(argv[index]))}`, usage);
    if (kind === 'switch') {
      if (inlineValue !== undefined) throw new UsageError(`${flag} takes no value, got ${JSON.stringify(redactSecrets(argv[index]))}`, usage);
      flags.set(flag, '');
      continue;
    }
    const value = inlineValue ?? argv[++index];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`, usage);
    flags.set(flag, value);
  }
  return flags;
}

/** A flag's value as a number > 0 (`whole`: an integer too), or a UsageError naming the flag. */
export function positiveNumber(flag: string, text: string, usage: string, whole = false): number {
  const pattern = whole ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(text) || Number(text) <= 0) {
    throw new UsageError(`${flag} must be a ${whole ? 'whole' : 'positive'} number${whole ? ' ≥ 1' : ''}, got ${JSON.stringify(redactSecrets(text))}`, usage);
  }
  return Number(text);
}

/**
 * The RELU_AE_* settings a command starts with; a bad value is a UsageError naming the variable
 * (settings are part of a command's input, read before any work starts).
 */
export function commandSettings(usage: string, environment: NodeJS.ProcessEnv = process.env): Settings {
  try {
    return readSettings(environment);
  } catch (error) {
    if (error instanceof SpecError) throw new UsageError(error.message, usage);
    throw error;
  }
}

/** The lines a usage error prints: the problem, prefixed with the command's name, then what is accepted. */
export function usageLines(command: string, error: UsageError): string {
  // The usage line is the command's own text, never the user's: only the problem can hold a password.
  return `${redactSecrets(`${command}: ${error.message}`)}\n${error.usage}\n`;
}

/**
 * Runs a command's main function and exits with the code it resolves to. A UsageError prints its
 * two lines without a stack and exits 2; anything else is a bug: its stack is printed (passwords
 * hidden) and the exit code is 1.
 */
export function runCommand(command: string, main: () => Promise<number>): void {
  main().then(
    (exitCode) => process.exit(exitCode),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(usageLines(command, error));
        process.exit(USAGE_EXIT_CODE);
      }
      process.stderr.write(`${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
      process.exit(BUG_EXIT_CODE);
    },
  );
}
