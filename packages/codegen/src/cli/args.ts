import { CodegenConfigError } from "../errors";

/** Parsed `synapseops` command line. */
export interface CliArgs {
  command: string | undefined;
  input?: string;
  targets?: string[];
  out?: string;
  config?: string;
  /** `test`: the environment to run in. */
  env?: string;
  /** `test`: report (Markdown, or HTML for `.html`), JUnit XML and JSON files to write. */
  report?: string;
  junit?: string;
  json?: string;
  /** `test`: the project id runs are recorded under. */
  project?: string;
  check: boolean;
  quiet: boolean;
  help: boolean;
  /** `--version`: print the version and exit 0. */
  version: boolean;
}

/**
 * Parses `synapseops <command> [--input f] [--targets a,b] [--out dir] [--config f] [--check]` and
 * `synapseops test [--env name] [--report f] [--junit f] [--json f] [--project id]`.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: undefined, check: false, quiet: false, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next.startsWith("--"))
        throw new CodegenConfigError(`${flag} needs a value`, { path: `/argv/${i}` });
      return next;
    };
    switch (flag) {
      case "--input":
      case "-i":
        args.input = value();
        break;
      case "--targets":
      case "-t":
        args.targets = value()
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean);
        break;
      case "--out":
      case "--out-dir":
      case "-o":
        args.out = value();
        break;
      case "--config":
      case "-c":
        args.config = value();
        break;
      case "--env":
      case "-e":
        args.env = value();
        break;
      case "--report":
      case "-r":
        args.report = value();
        break;
      case "--junit":
        args.junit = value();
        break;
      case "--json":
        args.json = value();
        break;
      case "--project":
        args.project = value();
        break;
      case "--check":
        args.check = true;
        break;
      case "--quiet":
      case "-q":
        args.quiet = true;
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      case "--version":
      case "-v":
        args.version = true;
        break;
      default:
        if (arg.startsWith("-"))
          throw new CodegenConfigError(`unknown flag ${arg}; see synapseops --help`, { path: `/argv/${i}` });
        if (args.command === undefined) args.command = arg;
        else throw new CodegenConfigError(`unexpected argument "${arg}"`, { path: `/argv/${i}` });
    }
  }
  return args;
}
