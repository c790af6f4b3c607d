// /account/preferred-name: one of the names on the teacher's record, or another they type (the
// same rules as in registration).
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import type { Account } from "../../accounts/accounts";
import type { TeacherNames } from "../../journey/journey-state";
import { parsePreferredName, preferredNameOptions } from "../../register/register-answers";
import { PreferredNamePage } from "../../register/register-pages";
import type { AccountHandler } from "../account-guard";
import { accountNavigation } from "../account-pages";
import { changePreferredName, type AccountDeps } from "../account-service";

export function preferredNamePage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler } {
  /** The names on the record; none when records cannot say (then only "Other"). */
  const optionsFor = async (account: Account): Promise<string[]> => {
    if (!account.trn) return [];
    const found = await deps.findTeacher(account.trn);
    return found.status === "found" ? preferredNameOptions(found.teacher satisfies TeacherNames) : [];
  };
  return {
    show: async ({ account }, ctx) => {
      const options = await optionsFor(account);
      const index = account.preferredName === null ? -1 : options.indexOf(account.preferredName);
      return htmlResponse(
        <PreferredNamePage
          brand={deps.brand}
          csrfToken={ctx.csrfToken}
          action="/account/preferred-name"
          navigation={accountNavigation}
          options={options}
          choice={index >= 0 ? String(index) : account.preferredName ? "other" : undefined}
          other={index < 0 ? (account.preferredName ?? undefined) : undefined}
          backLink="/account"
        />,
      );
    },
    answer: async (signedIn, ctx) => {
      const form = formFields(ctx.body);
      const options = await optionsFor(signedIn.account);
      const parsed = parsePreferredName(options, form.choice, form.otherName);
      if (!parsed.ok)
        return htmlResponse(
          <PreferredNamePage
            brand={deps.brand}
            csrfToken={ctx.csrfToken}
            action="/account/preferred-name"
            navigation={accountNavigation}
            options={options}
            choice={form.choice}
            other={form.otherName}
            error={parsed}
            backLink="/account"
          />,
          400,
        );
      changePreferredName(deps.db, { account: signedIn.account, preferredName: parsed.value });
      deps.logger.info("account_preferred_name_changed", { account_id: signedIn.account.id });
      return seeOther("/account?done=preferred-name");
    },
  };
}
