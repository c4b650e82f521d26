/**
 * The shape every intent handler shares, so `index.ts` can hold them in one table and the
 * handler can call them without knowing which one it picked.
 */
import type { Budget, SkillDeps, SkillInvocation } from "../ports.ts";
import type { AlexaResponse } from "../response.ts";
import type { Intent, Session } from "../schemas.ts";

/** What an intent reads from the request: the intent with its slots and the session, if any. */
export interface IntentInput {
  readonly intent: Intent;
  readonly session: Session | undefined;
}

/** One intent: a function of the request, the ports and this invocation's logger and deadline. */
export type IntentHandler = (
  input: IntentInput,
  deps: SkillDeps,
  invocation: SkillInvocation,
) => AlexaResponse | Promise<AlexaResponse>;

/** The budget handed to every port call: the invocation's deadline, logger and trace. */
export function budgetFor(invocation: SkillInvocation): Budget {
  return { deadline: invocation.deadline, log: invocation.log, trace: invocation.trace };
}
