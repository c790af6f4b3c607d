// The beta banner's feedback form (when FEEDBACK_URL is not set) and its thank-you page.
import type { ServiceBrand } from "../../web/layout";
import { ErrorSummary } from "../../web/layout";
import { Button, ErrorMessage, PostForm, TwoThirdsPage } from "../journey/components";

export const feedbackPath = "/feedback";
export const feedbackThanksPath = "/feedback/thank-you";
/** The most a message may hold (characters): a few paragraphs. */
export const feedbackMaxLength = 1200;

export function FeedbackPage(props: { brand: ServiceBrand; csrfToken: string; service?: string; text?: string; error?: string }): JSX.Element {
  const describedBy = ["feedback-hint", props.error ? "feedback-error" : ""].filter(Boolean).join(" ");
  return (
    <TwoThirdsPage title="Give feedback" brand={props.brand} hasErrors={!!props.error}>
      <ErrorSummary errors={props.error ? { feedback: props.error } : {}} />
      <PostForm action={feedbackPath} csrfToken={props.csrfToken}>
        {props.service ? <input type="hidden" name="service" value={props.service} /> : ""}
        <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <h1 class="govuk-label-wrapper">
            <label class="govuk-label govuk-label--l" for="feedback">
              Give feedback
            </label>
          </h1>
          <div id="feedback-hint" class="govuk-hint">
            Tell us what you think of this service, or what would make it better. Do not include personal information such as your
            name, email address, teacher reference number (TRN) or security codes: we cannot reply to feedback.
          </div>
          <ErrorMessage id="feedback" message={props.error} />
          <textarea
            class={props.error ? "govuk-textarea govuk-textarea--error" : "govuk-textarea"}
            id="feedback"
            name="feedback"
            rows="6"
            aria-describedby={describedBy}
            safe
          >
            {props.text ?? ""}
          </textarea>
        </div>
        <Button text="Send feedback" />
      </PostForm>
    </TwoThirdsPage>
  );
}

export function FeedbackThanksPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <TwoThirdsPage title="Thank you for your feedback" brand={props.brand}>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">Thank you for your feedback</h1>
      </div>
      <p class="govuk-body">We read all feedback and use it to improve the service. We cannot reply to it.</p>
      <p class="govuk-body">
        If you need help, <a class="govuk-link" href="/help">get help</a>.
      </p>
    </TwoThirdsPage>
  );
}
