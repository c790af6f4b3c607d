// The ONE table of the email-code sign-in's steps: where each lives, whether it can be reached, and
// its back link. "resend" is a side page of "code" ("Send another code").
import type { JourneyState } from "../journey/journey-state";

export const signInStepIds = ["email", "code", "resend"] as const;
export type SignInStepId = (typeof signInStepIds)[number];

interface StepDefinition {
  id: SignInStepId;
  path: string;
  /** Whether the step can be shown now. */
  canReach(state: JourneyState): boolean;
  /** The back link: a registration's sign-in goes back to its landing page. */
  back(state: JourneyState): string | undefined;
}

const hasEmail = (state: JourneyState) => !!state.signIn?.email;

export const signInSteps: readonly StepDefinition[] = [
  { id: "email", path: "/sign-in", canReach: () => true, back: (state) => (state.registration ? "/register" : undefined) },
  { id: "code", path: "/sign-in/code", canReach: hasEmail, back: () => "/sign-in" },
  { id: "resend", path: "/sign-in/resend", canReach: hasEmail, back: () => "/sign-in/code" },
];

const byId = new Map(signInSteps.map((step) => [step.id, step]));

export function signInStep(id: SignInStepId): StepDefinition {
  return byId.get(id)!;
}

/** Where the user should be now: the code page once an email is given, else the email page. */
export function currentSignInStep(state: JourneyState): SignInStepId {
  return hasEmail(state) ? "code" : "email";
}
