// The ONE table of "Create an account without a link": next step, back links and "can this step be
// reached" all come from here. After check answers come the outcomes, which are not questions:
// "not-found" (records found no unique match for the details as they are now) and "case" (the
// account was made without a TRN and a support case opened: nothing can be answered any more).
import { sha256 } from "../../security/tokens";
import type { FindRecordAnswers } from "../journey/journey-state";

export const findRecordStepIds = ["email", "email-code", "name", "date-of-birth", "identifier", "check-answers", "not-found", "case"] as const;
export type FindRecordStepId = (typeof findRecordStepIds)[number];

interface StepDefinition {
  id: FindRecordStepId;
  path: string;
  /** Whether the step has its answer. */
  complete(answers: FindRecordAnswers): boolean;
}

export const findRecordSteps: readonly StepDefinition[] = [
  { id: "email", path: "/find-record", complete: (a) => !!a.email && !!a.codeId },
  { id: "email-code", path: "/find-record/email-code", complete: (a) => a.emailVerified === true },
  { id: "name", path: "/find-record/name", complete: (a) => !!a.lastName && a.previousLastName !== undefined },
  { id: "date-of-birth", path: "/find-record/date-of-birth", complete: (a) => !!a.dateOfBirth },
  { id: "identifier", path: "/find-record/identifier", complete: (a) => !!a.identifier },
  // Never "complete": where records is asked.
  { id: "check-answers", path: "/find-record/check-answers", complete: () => false },
  { id: "not-found", path: "/find-record/not-found", complete: () => false },
  { id: "case", path: "/find-record/case", complete: () => false },
];

const byId = new Map(findRecordSteps.map((step) => [step.id, step]));
const indexOf = (id: FindRecordStepId) => findRecordSteps.findIndex((step) => step.id === id);
const questions = findRecordSteps.slice(0, indexOf("check-answers"));

export function stepPath(id: FindRecordStepId): string {
  return byId.get(id)!.path;
}

/** The details records is asked about, as one hash: the same details are never asked twice. */
export function detailsHash(answers: FindRecordAnswers): string {
  return sha256(JSON.stringify([answers.firstName, answers.lastName, answers.previousLastName, answers.dateOfBirth, answers.identifier]));
}

/** records answered "none" for the details as they are now. */
export function failedAsTheyAre(answers: FindRecordAnswers): boolean {
  return answers.lastFailedDetails !== undefined && answers.lastFailedDetails === detailsHash(answers);
}

/** Every question is answered. */
export function allAnswered(answers: FindRecordAnswers): boolean {
  return questions.every((step) => step.complete(answers));
}

/** Where the teacher should be now. */
export function currentStep(answers: FindRecordAnswers): FindRecordStepId {
  if (answers.supportCase) return "case";
  const open = questions.find((step) => !step.complete(answers));
  if (open) return open.id;
  return failedAsTheyAre(answers) ? "not-found" : "check-answers";
}

/** A step can be shown when every question before it is answered (and, once a case is open, only the case). */
export function canReach(id: FindRecordStepId, answers: FindRecordAnswers): boolean {
  if (answers.supportCase) return id === "case";
  if (id === "case") return false;
  // The email is settled once proved: changing it means starting again.
  if ((id === "email" || id === "email-code") && answers.emailVerified) return false;
  if (id === "not-found") return allAnswered(answers) && (answers.failures ?? 0) > 0;
  return questions.slice(0, indexOf(id)).every((step) => step.complete(answers));
}

/** The back link: the previous question; while changing an answer, check answers. */
export function previousStep(id: FindRecordStepId, answers: FindRecordAnswers): FindRecordStepId | undefined {
  if (id === "case" || id === "email") return undefined;
  if (id === "not-found") return "check-answers";
  if (id === "name" && answers.emailVerified) return allAnswered(answers) ? "check-answers" : undefined;
  if (id !== "check-answers" && allAnswered(answers)) return "check-answers";
  return findRecordSteps[indexOf(id) - 1]?.id;
}
