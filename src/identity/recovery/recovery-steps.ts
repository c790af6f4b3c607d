// The ONE table of account recovery's steps ("I cannot access this email address"): where each
// lives, whether it can be reached, and its back link. "resend" is a side page of "code".
import type { RouteContext, StepTable } from "../journey/journey-guard";
import type { JourneyState } from "../journey/journey-state";
import type { Journey } from "../journey/journey-store";

export type RecoveryStepHandler = (journey: Journey, ctx: RouteContext) => Response | Promise<Response>;

export const recoveryStepIds = ["email", "code", "resend"] as const;
export type RecoveryStepId = (typeof recoveryStepIds)[number];

interface StepDefinition {
  id: RecoveryStepId;
  path: string;
  /** Whether the step can be shown now. */
  canReach(state: JourneyState): boolean;
  back: string;
}

const hasEmail = (state: JourneyState) => !!state.recovery?.email;
const codeSent = (state: JourneyState) => !!state.recovery?.codeId;

export const recoverySteps: readonly StepDefinition[] = [
  { id: "email", path: "/recover", canReach: () => true, back: "/sign-in" },
  // Also "we cannot send you a code" when the address has no account with a verified mobile.
  { id: "code", path: "/recover/code", canReach: hasEmail, back: "/recover" },
  { id: "resend", path: "/recover/resend", canReach: codeSent, back: "/recover/code" },
];

const byId = new Map(recoverySteps.map((step) => [step.id, step]));

export function recoveryStep(id: RecoveryStepId): StepDefinition {
  return byId.get(id)!;
}

/** Where the user should be now: the code page once an email address is given, else the email page. */
export function currentRecoveryStep(state: JourneyState): RecoveryStepId {
  return hasEmail(state) ? "code" : "email";
}

export const recoveryStepTable: StepTable<RecoveryStepId> = {
  path: (id) => recoveryStep(id).path,
  canReach: (id, state) => recoveryStep(id).canReach(state),
  current: currentRecoveryStep,
};

/** Where a recovery sign-in lands: the account's email change (a code to the new address still proves it). */
export const recoveredReturnTo = "/account/email";
