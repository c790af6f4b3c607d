// Admin only: the support staff (as `teacher-id identity staff add|list|remove|set-role`), plus
// resetting a lost authenticator. Each change: a confirmation, a reason, a StaffChanged event.
import { ukTime } from "../../../mail/time-in-words";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { ErrorSummary } from "../../../web/layout";
import { normaliseEmail } from "../../accounts/accounts";
import { actor } from "../../events/events";
import { Button, ErrorMessage, PostForm, TextField } from "../../journey/components";
import type { AdminDeps } from "../admin-deps";
import { Table } from "../admin-forms";
import { ConfirmPage, ConsolePage, ForbiddenPage, parseReason, SuccessBanner } from "../admin-layout";
import { consoleRoute } from "../admin-page";
import type { ConsoleRouteEntry } from "../sign-in/sign-in-routes";
import type { StaffMember } from "../staff-guard";
import { addStaff, findStaffByEmail, findStaffById, isPlausibleEmail, isStaffRole, listStaff, removeStaff, resetTotp, setStaffRole, StaffExistsError, type StaffRole } from "./staff";

function RoleRadios(props: { value?: string; error?: string }): JSX.Element {
  return (
    <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
      <fieldset class="govuk-fieldset" aria-describedby={props.error ? "role-error" : undefined}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Role</legend>
        <ErrorMessage id="role" message={props.error} />
        <div class="govuk-radios" data-module="govuk-radios">
          {(
            [
              ["support", "Support: find and fix teachers' accounts"],
              ["admin", "Admin: support, plus clients, webhooks, staff and signing keys"],
            ] as const
          ).map(([value, label], i) => (
            <div class="govuk-radios__item">
              <input class="govuk-radios__input" id={i === 0 ? "role" : `role-${value}`} name="role" type="radio" value={value} checked={props.value === value} />
              <label class="govuk-label govuk-radios__label" for={i === 0 ? "role" : `role-${value}`} safe>
                {label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

const roleWords = (role: StaffRole) => (role === "admin" ? "admin" : "support");

export function staffRoutes(deps: AdminDeps): ConsoleRouteEntry[] {
  const brand = deps.brand;
  const by = (member: StaffMember, reason: string) => ({ by: actor.staff(member.id), reason });

  type Action = "remove" | "set-role" | "reset-totp";
  const act = (action: Action) =>
    consoleRoute(deps, "admin", (member, ctx) => {
      const target = findStaffById(deps.db, ctx.params?.id ?? "");
      if (!target) return htmlResponse(ForbiddenPage({ brand, member, message: "There is no such staff member." }), 404);
      const form = formFields(ctx.body);
      const newRole: StaffRole = target.role === "admin" ? "support" : "admin";
      const change =
        action === "remove"
          ? `${target.email} will be removed and signed out: they can no longer sign in to the console`
          : action === "set-role"
            ? `${target.email} will be ${roleWords(newRole)} instead of ${roleWords(target.role)}, from their next request`
            : `${target.email}'s authenticator app and recovery codes stop working; they set up a new app at their next sign-in`;
      const page = (error?: string) =>
        htmlResponse(
          <ConfirmPage
            brand={brand}
            member={member}
            csrfToken={ctx.csrfToken}
            title={action === "remove" ? "Remove this staff member" : action === "set-role" ? "Change this staff member's role" : "Reset this staff member's authenticator app"}
            action={`/admin/staff/${target.id}/${action}`}
            backLink="/admin/staff"
            whatWillChange={[["Staff member", change]]}
            button={action === "remove" ? "Remove staff member" : action === "set-role" ? `Make ${roleWords(newRole)}` : "Reset authenticator app"}
            warningButton={action !== "set-role"}
            reason={form.reason}
            error={error}
          />,
          error ? 400 : 200,
        );
      // The console never loses its last admin (the command line can always add one).
      const lastAdmin = target.role === "admin" && action !== "reset-totp" && listStaff(deps.db).filter((s) => s.role === "admin").length === 1;
      if (lastAdmin) return htmlResponse(ForbiddenPage({ brand, member, message: "This is the only admin. Make someone else an admin first." }), 409);
      if (ctx.request.method === "GET") return page();
      const reason = parseReason(form.reason);
      if (!reason.ok) return page(reason.message);
      const now = deps.now();
      if (action === "remove") removeStaff(deps.db, target.id, by(member, reason.value), now);
      else if (action === "set-role") setStaffRole(deps.db, target.id, newRole, by(member, reason.value), now);
      else resetTotp(deps.db, target.id, by(member, reason.value), now);
      deps.logger.info("admin_staff_changed", { staff_id: member.id, target_id: target.id, change: action });
      // Removing or demoting oneself ends one's admin pages: back to the start.
      return seeOther(target.id === member.id && action !== "reset-totp" ? "/admin" : `/admin/staff?done=${action}`);
    });

  const AddPage = (props: { csrfToken: string; member: StaffMember; form?: Record<string, string>; errors?: Record<string, string> }) => (
    <ConsolePage title="Add a staff member" brand={brand} member={props.member} hasErrors={Boolean(props.errors && Object.keys(props.errors).length)} backLink="/admin/staff">
      <ErrorSummary errors={props.errors ?? {}} />
      <h1 class="govuk-heading-l">Add a staff member</h1>
      <PostForm action="/admin/staff/add" csrfToken={props.csrfToken}>
        <TextField id="email" label="Email address" value={props.form?.email} error={props.errors?.email} type="email" spellcheck={false} />
        <RoleRadios value={props.form?.role} error={props.errors?.role} />
        <Button text="Continue" />
      </PostForm>
    </ConsolePage>
  );

  return [
    {
      path: "/admin/staff",
      access: "admin",
      get: consoleRoute(deps, "admin", (member, ctx) => {
        const done = new URL(ctx.request.url).searchParams.get("done");
        return htmlResponse(
          <ConsolePage title="Staff" brand={brand} member={member} wide>
            {done ? <SuccessBanner heading="The staff member has been changed" /> : ""}
            <h1 class="govuk-heading-l">Staff</h1>
            <a href="/admin/staff/add" class="govuk-button" data-module="govuk-button">
              Add a staff member
            </a>
            <Table
              id="staff"
              caption="Support staff"
              head={["Email", "Role", "Authenticator app", "Actions"]}
              rows={listStaff(deps.db).map((s) => [
                s.email,
                s.role,
                s.totpEnrolledAt ? `Set up ${ukTime(s.totpEnrolledAt, { date: true })}` : "Not set up yet",
                <span>
                  {(
                    [
                      ["set-role", s.role === "admin" ? "Make support" : "Make admin"],
                      ["reset-totp", "Reset authenticator"],
                      ["remove", "Remove"],
                    ] as const
                  ).map(([a, text]) => (
                    <>
                      <a class="govuk-link" href={`/admin/staff/${s.id}/${a}`}>
                        <span safe>{text}</span>
                        <span class="govuk-visually-hidden" safe>{` ${s.email}`}</span>
                      </a>{" "}
                    </>
                  ))}
                </span>,
              ])}
            />
          </ConsolePage>,
        );
      }),
    },
    {
      path: "/admin/staff/add",
      access: "admin",
      get: consoleRoute(deps, "admin", (member, ctx) => htmlResponse(<AddPage csrfToken={ctx.csrfToken} member={member} />)),
      post: consoleRoute(deps, "admin", (member, ctx) => {
        const form = formFields(ctx.body);
        const email = normaliseEmail(form.email ?? "");
        const errors: Record<string, string> = {};
        if (email === "") errors.email = "Enter the staff member's email address";
        else if (!isPlausibleEmail(email)) errors.email = "Enter an email address in the correct format, like name@education.gov.uk";
        else if (findStaffByEmail(deps.db, email)) errors.email = "There is already a staff member with this email address";
        if (!isStaffRole(form.role)) errors.role = "Select a role";
        if (Object.keys(errors).length) return htmlResponse(<AddPage csrfToken={ctx.csrfToken} member={member} form={form} errors={errors} />, 400);
        const role = form.role as StaffRole;
        const confirm = (error?: string) =>
          htmlResponse(
            <ConfirmPage
              brand={brand}
              member={member}
              csrfToken={ctx.csrfToken}
              title="Add this staff member"
              action="/admin/staff/add"
              backLink="/admin/staff/add"
              whatWillChange={[["Staff member", `${email} will be able to sign in to the console as ${roleWords(role)} (email code, then an authenticator app they set up at their first sign-in)`]]}
              hidden={{ email, role }}
              button="Add staff member"
              reason={form.reason}
              error={error}
            />,
            error ? 400 : 200,
          );
        if (form.confirm !== "yes") return confirm();
        const reason = parseReason(form.reason);
        if (!reason.ok) return confirm(reason.message);
        try {
          addStaff(deps.db, { email, role }, by(member, reason.value), deps.now());
        } catch (error) {
          if (!(error instanceof StaffExistsError)) throw error;
          return htmlResponse(<AddPage csrfToken={ctx.csrfToken} member={member} form={form} errors={{ email: "There is already a staff member with this email address" }} />, 409);
        }
        return seeOther("/admin/staff?done=added");
      }),
    },
    ...(["remove", "set-role", "reset-totp"] as const).map((a): ConsoleRouteEntry => ({ path: `/admin/staff/:id/${a}`, access: "admin", get: act(a), post: act(a) })),
  ];
}
