// The ONE table of the registration journey's steps. Next step, previous step (back links) and
// "can this step be reached" all come from here, so pages cannot disagree about the order.
//
// The steps after check answers are detours from it, taken only through its "Change" links (e.g. a
// different email address): never asked in turn, never in the way of creating the account, and
// they end back at check answers.
import type { RegistrationAnswers } from "../journey/journey-state";

export const registerStepIds = [
  "landing",
  "phone",
  "phone-code",
  "preferred-name",
  "date-of-birth",
  "check-answers",
  "email",
  "email-code",
] as const;
export type RegisterStepId = (typeof registerStepIds)[number];

interface StepDefinition {
  id: RegisterStepId;
  path: string;
  /** Whether this journey asks this step at all. */
  applies(answers: RegistrationAnswers): boolean;
  /** Whether the step has its answer. */
  complete(answers: RegistrationAnswers): boolean;
}

export const registerSteps: readonly StepDefinition[] = [
  { id: "landing", path: "/register", applies: () => true, complete: (a) => a.started === true },
  { id: "phone", path: "/register/phone", applies: () => true, complete: (a) => a.noPhone === true || !!a.phone },
  { id: "phone-code", path: "/register/phone-code", applies: (a) => a.noPhone !== true, complete: (a) => a.phoneVerified === true },
  { id: "preferred-name", path: "/register/preferred-name", applies: () => true, complete: (a) => !!a.preferredName },
  {
    id: "date-of-birth",
    path: "/register/date-of-birth",
    applies: (a) => !a.teacher?.dateOfBirth,
    complete: (a) => !!a.dateOfBirth,
  },
  // Never "complete": it is where the journey ends, by creating the account.
  { id: "check-answers", path: "/register/check-answers", applies: () => true, complete: () => false },
  // Detours. The journey always has an email address (the link's, or one confirmed with a code).
  { id: "email", path: "/register/email", applies: () => true, complete: () => true },
  // Only while a new address waits for its code; once checked, the change is no longer pending.
  { id: "email-code", path: "/register/email-code", applies: (a) => a.newEmail !== undefined, complete: () => false },
];

const byId = new Map(registerSteps.map((step) => [step.id, step]));

export function stepPath(id: RegisterStepId): string {
  return byId.get(id)!.path;
}

const checkAnswersIndex = registerSteps.findIndex((step) => step.id === "check-answers");
const isDetour = (id: RegisterStepId) => registerSteps.findIndex((step) => step.id === id) > checkAnswersIndex;

function applicableBefore(id: RegisterStepId, answers: RegistrationAnswers): StepDefinition[] {
  const index = registerSteps.findIndex((step) => step.id === id);
  return registerSteps.slice(0, index).filter((step) => step.applies(answers));
}

/** Every question is answered: check answers (and creating the account) is open. */
export function allAnswered(answers: RegistrationAnswers): boolean {
  return applicableBefore("check-answers", answers).every((step) => step.complete(answers));
}

/** A step can be shown when it applies and every applicable step before it is answered. */
export function canReach(id: RegisterStepId, answers: RegistrationAnswers): boolean {
  const step = byId.get(id)!;
  // A detour opens from check answers: every question must be answered first.
  if (isDetour(id)) return step.applies(answers) && allAnswered(answers);
  return step.applies(answers) && applicableBefore(id, answers).every((s) => s.complete(answers));
}

/**
 * Where the user should be now: the first unanswered step, or check answers when all are. It is
 * also where to go after answering a step: after a "Change" from check answers that is check
 * answers again, unless the change opened a new question (a new phone number needs its code).
 */
export function currentStep(answers: RegistrationAnswers): RegisterStepId {
  return registerSteps.find((step) => step.applies(answers) && !step.complete(answers))!.id;
}

/**
 * Where to go after answering step `id`: in a detour, its next step that applies (a new address
 * needs its code); otherwise, and at a detour's end, the first step still unanswered.
 */
export function nextStep(id: RegisterStepId, answers: RegistrationAnswers): RegisterStepId {
  if (isDetour(id)) {
    const index = registerSteps.findIndex((step) => step.id === id);
    const next = registerSteps.slice(index + 1).find((step) => step.applies(answers) && !step.complete(answers));
    if (next) return next.id;
  }
  return currentStep(answers);
}

/**
 * The back link: the previous applicable step; while changing an answer, check answers. In a
 * detour: its previous step, and check answers from its first.
 */
export function previousStep(id: RegisterStepId, answers: RegistrationAnswers): RegisterStepId | undefined {
  if (isDetour(id)) return applicableBefore(id, answers).at(-1)!.id;
  if (id !== "check-answers" && id !== "landing" && allAnswered(answers)) return "check-answers";
  return applicableBefore(id, answers).at(-1)?.id;
}
