/**
 * The LaunchRequest a deploy (or a local container) is checked with: the dev tools' own LaunchRequest
 * (src/dev/base/events.ts, the one `bun run invoke` sends) with fresh request and session ids, the
 * current time, and the skill id the function expects, so a function that verifies skill ids
 * (README, Decisions D11) answers it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as v from "valibot";
import { buildEvent } from "../base/events.ts";
import { processIo, runShipCli, ShipError, UsageError, type CliIo } from "./cli.ts";

const SKILL_ID = /^amzn1\.ask\.skill\.[0-9a-f-]{36}$/;

/** The fields of the template this module rewrites; everything else is sent as recorded. */
const LaunchTemplateSchema = v.looseObject({
  version: v.literal("1.0"),
  session: v.looseObject({
    sessionId: v.string(),
    application: v.looseObject({ applicationId: v.string() }),
  }),
  context: v.looseObject({
    System: v.looseObject({ application: v.looseObject({ applicationId: v.string() }) }),
  }),
  request: v.looseObject({
    type: v.literal("LaunchRequest"),
    requestId: v.string(),
    timestamp: v.string(),
  }),
});

/** A parsed template. */
export type LaunchTemplate = v.InferOutput<typeof LaunchTemplateSchema>;

/** What changes per invocation; a missing skill id keeps the template's. */
export interface LaunchEventOptions {
  readonly skillId?: string | undefined;
  readonly now: Date;
  /** A fresh UUID per call (`crypto.randomUUID` outside tests). */
  readonly newId: () => string;
}

/** Checks a template read from disk; throws `ShipError` naming the first field that is wrong. */
export function parseLaunchTemplate(value: unknown): LaunchTemplate {
  const parsed = v.safeParse(LaunchTemplateSchema, value);
  if (!parsed.success) {
    const [issue] = parsed.issues;
    throw new ShipError(
      `the launch template is not a LaunchRequest envelope (${v.getDotPath(issue) ?? "root"}: ${issue.message})`,
    );
  }
  return parsed.output;
}

/** The template every ship check starts from: base's LaunchRequest, checked like any other template. */
export function launchTemplate(): LaunchTemplate {
  return parseLaunchTemplate(buildEvent("launch"));
}

/** True for an Alexa skill id (`amzn1.ask.skill.<uuid>`). */
export function isSkillId(value: string): boolean {
  return SKILL_ID.test(value);
}

/**
 * A copy of the template with fresh ids and timestamp, and `skillId` in both places Alexa puts it
 * (`context.System.application` and `session.application`); the template is not modified.
 */
export function buildLaunchEvent(template: LaunchTemplate, options: LaunchEventOptions): LaunchTemplate {
  const event = structuredClone(template);
  const skillId = options.skillId ?? template.context.System.application.applicationId;
  event.context.System.application.applicationId = skillId;
  event.session.application.applicationId = skillId;
  event.session.sessionId = `amzn1.echo-api.session.${options.newId()}`;
  event.request.requestId = `amzn1.echo-api.request.${options.newId()}`;
  // Alexa sends whole seconds in UTC.
  event.request.timestamp = `${options.now.toISOString().slice(0, 19)}Z`;
  return event;
}

/** Printed by `--help` and after a usage error. */
const LAUNCH_EVENT_USAGE = `Usage: bun run src/dev/ship/launch-event.ts [options]

Prints (or writes) the LaunchRequest used to check a deployed function or a local container:
the dev tools' LaunchRequest (src/dev/base/events.ts) with fresh ids, the current time and your skill id.

Options:
  --skill-id ID    amzn1.ask.skill.… the function expects (default: the template's; also SKILL_ID)
  --out PATH       write the event there instead of printing it
  -h, --help       this text`;

/** The CLI. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  return runShipCli(
    {
      argv,
      io,
      usage: LAUNCH_EVENT_USAGE,
      options: {
        "skill-id": { type: "string" },
        out: { type: "string" },
      },
    },
    async ({ values }) => {
      const skillId = readSkillId(values["skill-id"] ?? io.env["SKILL_ID"]);
      const template = launchTemplate();
      const event = buildLaunchEvent(template, { skillId, now: new Date(), newId: () => crypto.randomUUID() });
      const text = `${JSON.stringify(event, null, 2)}\n`;
      if (values.out === undefined) {
        io.out(text);
      } else {
        await mkdir(dirname(values.out), { recursive: true });
        await writeFile(values.out, text);
        io.err(`wrote ${values.out} (skill id ${event.context.System.application.applicationId})`);
      }
      return 0;
    },
  );
}

/** An empty or missing value means "the template's"; anything else must look like a skill id. */
export function readSkillId(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === "") {
    return undefined;
  }
  if (!isSkillId(value.trim())) {
    throw new UsageError(`the skill id must look like amzn1.ask.skill.<uuid>, not "${value}"`);
  }
  return value.trim();
}

if (import.meta.main) {
  process.exitCode = await main(Bun.argv.slice(2), processIo());
}
