// The GOV.UK form pieces the change request pages use. Values and messages are always escaped (`safe`).
import type { Children } from "@kitajs/html";
import { CsrfField } from "../../web/layout";

/** Field id -> message, in page order: the error summary's links and each field's own message. */
export type FormErrors = Record<string, string>;

export function ErrorMessage(props: { id: string; message?: string }): JSX.Element {
  if (!props.message) return "";
  return (
    <p id={`${props.id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">Error:</span> <span safe>{props.message}</span>
    </p>
  );
}

const describedBy = (id: string, hint: boolean, error?: string) =>
  [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

export function TextField(props: { id: string; name: string; label: string; hint?: string; value?: string; error?: string; autocomplete?: string }): JSX.Element {
  const { id, error } = props;
  return (
    <div class={error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
      <label class="govuk-label" for={id} safe>
        {props.label}
      </label>
      {props.hint ? (
        <div id={`${id}-hint`} class="govuk-hint" safe>
          {props.hint}
        </div>
      ) : (
        ""
      )}
      <ErrorMessage id={id} message={error} />
      <input
        class={error ? "govuk-input govuk-input--error" : "govuk-input"}
        id={id}
        name={props.name}
        type="text"
        value={props.value ?? ""}
        autocomplete={props.autocomplete}
        spellcheck="false"
        aria-describedby={describedBy(id, !!props.hint, error)}
      />
    </div>
  );
}

/** GOV.UK date input; the error's field id says which box is wrong (`{id}-day`, or `{id}` for all three). */
export function DateField(props: {
  id: string;
  legend: string;
  hint: string;
  value: { day?: string; month?: string; year?: string };
  error?: { field: string; message: string };
}): JSX.Element {
  const { id, error } = props;
  const box = (part: "day" | "month" | "year", label: string, width: string) => {
    const boxId = `${id}-${part}`;
    const invalid = error && (error.field === id || error.field === boxId);
    return (
      <div class="govuk-date-input__item">
        <div class="govuk-form-group">
          <label class="govuk-label govuk-date-input__label" for={boxId}>
            {label}
          </label>
          <input
            class={`govuk-input govuk-date-input__input ${width}${invalid ? " govuk-input--error" : ""}`}
            id={boxId}
            name={part}
            type="text"
            inputmode="numeric"
            value={props.value[part] ?? ""}
          />
        </div>
      </div>
    );
  };
  return (
    <div class={error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
      <fieldset class="govuk-fieldset" role="group" aria-describedby={describedBy(id, true, error?.message)}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m" safe>
          {props.legend}
        </legend>
        <div id={`${id}-hint`} class="govuk-hint" safe>
          {props.hint}
        </div>
        <ErrorMessage id={id} message={error?.message} />
        <div class="govuk-date-input" id={id}>
          {box("day", "Day", "govuk-input--width-2")}
          {box("month", "Month", "govuk-input--width-2")}
          {box("year", "Year", "govuk-input--width-4")}
        </div>
      </fieldset>
    </div>
  );
}

export function FileField(props: { id: string; label: string; hint: string; error?: string }): JSX.Element {
  const { id, error } = props;
  return (
    <div class={error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
      <label class="govuk-label govuk-label--m" for={id} safe>
        {props.label}
      </label>
      <div id={`${id}-hint`} class="govuk-hint" safe>
        {props.hint}
      </div>
      <ErrorMessage id={id} message={error} />
      <input
        class={error ? "govuk-file-upload govuk-file-upload--error" : "govuk-file-upload"}
        id={id}
        name={id}
        type="file"
        accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        aria-describedby={describedBy(id, true, error)}
      />
    </div>
  );
}

export function Radios(props: {
  id: string;
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  error?: string;
}): JSX.Element {
  const { id, error } = props;
  return (
    <div class={error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
      <fieldset class="govuk-fieldset" aria-describedby={error ? `${id}-error` : undefined}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
          <h1 class="govuk-fieldset__heading" safe>
            {props.legend}
          </h1>
        </legend>
        <ErrorMessage id={id} message={error} />
        <div class="govuk-radios" data-module="govuk-radios">
          {props.options.map((option, index) => {
            // The first radio carries the field's id, where the error summary links.
            const radioId = index === 0 ? id : `${id}-${option.value}`;
            return (
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id={radioId} name={props.name} type="radio" value={option.value} />
                <label class="govuk-label govuk-radios__label" for={radioId} safe>
                  {option.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** A POST form; `upload` sends it as multipart/form-data (the page must be one of createServiceApp's uploadPages). */
export function Form(props: { action: string; csrfToken: string; upload?: boolean; children?: Children }): JSX.Element {
  return (
    <form method="post" action={props.action} enctype={props.upload ? "multipart/form-data" : undefined} novalidate>
      <CsrfField token={props.csrfToken} />
      {props.children as "safe"}
    </form>
  );
}

export function Button(props: { text: string }): JSX.Element {
  return (
    <button type="submit" class="govuk-button" data-module="govuk-button" safe>
      {props.text}
    </button>
  );
}
