/** Minimal flag parsing shared by the CLIs: `--name value`, `--flag`, and `--` passthrough. */
export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positional: readonly string[];
}

export function parseArgs(argv: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (booleans.includes(arg.slice(2))) {
      flags.set(arg.slice(2), true);
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  return { flags, positional };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new Error(`--${name} needs a value`);
  return value;
}

/** Rejects flags the command does not know, so a typo is not silently ignored. */
export function checkFlags(args: ParsedArgs, known: readonly string[]): void {
  for (const name of args.flags.keys()) {
    if (!known.includes(name))
      throw new Error(`unknown flag --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  }
}

/** Runs a CLI main, printing errors without a stack trace and exiting non-zero. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
