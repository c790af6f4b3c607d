// identity (Teacher ID): accounts, TRN tokens, the OpenID Connect provider and its pages.
import { createServiceApp } from "../web/create-service-app";
import { htmlResponse } from "../web/html";
import { Page, type ServiceBrand } from "../web/layout";
import type { ServiceFactory } from "../server/service";
import { openIdentityDatabase } from "./db/database";

export const identityApiPrefixes = ["/.well-known", "/token", "/userinfo", "/trn-tokens", "/revoke", "/jwks"];

export const createIdentityService: ServiceFactory = async ({ config, logger }) => {
  const log = logger.child({ service: "identity" });
  const db = openIdentityDatabase(config.DATA_DIR);
  const brand: ServiceBrand = { name: "Teacher ID", url: config.urls.identity };
  const app = createServiceApp({
    service: "identity",
    brand,
    logger: log,
    secure: config.urls.identity.startsWith("https://"),
    apiPrefixes: identityApiPrefixes,
    csrfExemptPaths: ["/token", "/userinfo", "/revoke"],
    healthCheck: () => db.$client.query("SELECT 1").get(),
  }).get("/", () =>
    htmlResponse(
      <Page title="Teacher ID" brand={brand}>
        <h1 class="govuk-heading-xl">Teacher ID</h1>
        <p class="govuk-body">
          A Teacher ID account lets you sign in to Department for Education services for teachers, such as Access
          your teaching qualifications.
        </p>
        <p class="govuk-body">If you have been awarded qualified teacher status, we will email you a link to create your account.</p>
      </Page>,
    ),
  );
  return { app, workers: [], close: () => db.$client.close() };
};
