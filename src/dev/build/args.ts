/**
 * `build.ts`'s command line, parsed into a command without doing anything, so every accepted and
 * refused form is a one-line test.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";
import { ARCHS, type Arch } from "../base/build-plan.ts";

/** What `build.ts` was asked to do. */
export type BuildCommand =
  | { readonly kind: "build"; readonly archs: readonly Arch[]; readonly dryRun: boolean }
  | { readonly kind: "model" }
  | { readonly kind: "help" };

/** Printed by `--help` and after every usage error. */
export const BUILD_USAGE = `Usage: bun run build.ts [options]
       bun run build.ts model

Compiles src/main.ts into dist/<arch>/bootstrap for each architecture, zips each into
dist/lambda-<arch>.zip and writes dist/manifest.json.

Options:
  --arch <x86_64|arm64>  build this architecture only (repeat for both; default: both)
  --dry-run              print the plan and do nothing
  -h, --help             print this help

Commands:
  model                  write the skill package (skill-package/) from the line catalogue
`;

/** Parses the arguments after `build.ts`; throws `UsageError` for anything it does not know. */
export function parseBuildArgs(argv: readonly string[]): BuildCommand {
  const { tokens } = parseArgs({
    args: [...argv],
    options: {
      arch: { type: "string", multiple: true },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const archs: Arch[] = [];
  const positionals: string[] = [];
  let dryRun = false;
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
    } else if (token.kind === "option") {
      switch (token.name) {
        case "arch":
          archs.push(parseArch(token.value));
          break;
        case "dry-run":
        case "help":
          if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
          if (token.name === "help") help = true;
          else dryRun = true;
          break;
        default:
          throw new UsageError(`unknown option ${token.rawName}`);
      }
    }
  }
  if (help) return { kind: "help" };
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (command === undefined) {
    return { kind: "build", archs: ARCHS.filter((arch) => archs.length === 0 || archs.includes(arch)), dryRun };
  }
  if (command !== "model") throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  if (archs.length > 0 || dryRun) throw new UsageError("model takes no options");
  return { kind: "model" };
}

function parseArch(value: string | undefined): Arch {
  if (value === undefined || value === "") throw new UsageError(`--arch needs a value: ${ARCHS.join(" or ")}`);
  const arch = ARCHS.find((known) => known === value);
  if (arch === undefined) {
    throw new UsageError(`--arch must be ${ARCHS.join(" or ")}, not ${JSON.stringify(value)}`);
  }
  return arch;
}
