// Steps "name", "date-of-birth" and "identifier": what records matches on. Each bad answer shows
// the GOV.UK error summary and changes nothing.
import { formFields, htmlResponse } from "../../../web/html";
import type { RouteContext } from "../../journey/journey-guard";
import type { FindRecordAnswers } from "../../journey/journey-state";
import { parseDateOfBirth } from "../../register/register-answers";
import { DateOfBirthPage } from "../../register/register-pages";
import { parseIdentifier, parseNames, type FieldError } from "../find-record-answers";
import { IdentifierPage, NamePage } from "../find-record-pages";
import type { FindRecordDeps } from "../find-record-service";
import { goToNextStep, questionPageProps, type StepHandler } from "../step-guard";

export function nameStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler } {
  const page = (answers: FindRecordAnswers, ctx: RouteContext, typed?: { form: Record<string, string | undefined>; errors: FieldError[] }) => {
    const saved = {
      firstName: answers.firstName,
      lastName: answers.lastName,
      hasPreviousName: answers.previousLastName === undefined ? undefined : answers.previousLastName === null ? "no" : "yes",
      previousLastName: answers.previousLastName ?? undefined,
    };
    const shown = typed ? { ...typed.form, errors: typed.errors } : saved;
    return htmlResponse(<NamePage {...questionPageProps(deps, ctx, "name", answers)} {...shown} />, typed ? 400 : 200);
  };
  return {
    show: (_journey, answers, ctx) => page(answers, ctx),
    answer: (journey, answers, ctx) => {
      const form = formFields(ctx.body);
      const parsed = parseNames(form);
      if (!parsed.ok) return page(answers, ctx, { form, errors: parsed.errors });
      answers.firstName = parsed.value.firstName;
      answers.lastName = parsed.value.lastName;
      answers.previousLastName = parsed.value.previousLastName;
      return goToNextStep(deps, journey);
    },
  };
}

export function dateOfBirthStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler } {
  const page = (answers: FindRecordAnswers, ctx: RouteContext, typed?: { day?: string; month?: string; year?: string; error: { field: string; message: string } }) => {
    const [year, month, day] = answers.dateOfBirth?.split("-") ?? [];
    const shown = typed ?? { day: day && String(Number(day)), month: month && String(Number(month)), year };
    return htmlResponse(
      <DateOfBirthPage
        {...questionPageProps(deps, ctx, "date-of-birth", answers)}
        action="/find-record/date-of-birth"
        day={shown.day}
        month={shown.month}
        year={shown.year}
        error={typed?.error}
      />,
      typed ? 400 : 200,
    );
  };
  return {
    show: (_journey, answers, ctx) => page(answers, ctx),
    answer: (journey, answers, ctx) => {
      const form = formFields(ctx.body);
      const parsed = parseDateOfBirth(form);
      if (!parsed.ok) return page(answers, ctx, { day: form.day, month: form.month, year: form.year, error: { field: parsed.field, message: parsed.message } });
      answers.dateOfBirth = parsed.value;
      return goToNextStep(deps, journey);
    },
  };
}

export function identifierStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler } {
  const page = (answers: FindRecordAnswers, ctx: RouteContext, typed?: { form: Record<string, string | undefined>; errors: FieldError[] }) => {
    const id = answers.identifier;
    const saved = {
      choice: id?.kind,
      trn: id?.kind === "trn" ? id.trn : undefined,
      nino: id?.kind === "nino" ? id.nino : undefined,
      providerName: id?.kind === "provider" ? id.providerName : undefined,
      awardYear: id?.kind === "provider" ? String(id.awardYear) : undefined,
    };
    const shown = typed ? { ...typed.form, choice: typed.form.identifier, errors: typed.errors } : saved;
    return htmlResponse(<IdentifierPage {...questionPageProps(deps, ctx, "identifier", answers)} {...shown} />, typed ? 400 : 200);
  };
  return {
    show: (_journey, answers, ctx) => page(answers, ctx),
    answer: (journey, answers, ctx) => {
      const form = formFields(ctx.body);
      const parsed = parseIdentifier(form);
      if (!parsed.ok) return page(answers, ctx, { form, errors: parsed.errors });
      answers.identifier = parsed.value;
      return goToNextStep(deps, journey);
    },
  };
}
