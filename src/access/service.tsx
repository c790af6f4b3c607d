// access (Access your teaching qualifications): where a teacher signs in and downloads their QTS certificate.
import { createServiceApp } from "../web/create-service-app";
import { htmlResponse } from "../web/html";
import { Page, type ServiceBrand } from "../web/layout";
import type { ServiceFactory } from "../server/service";
import { openAccessDatabase } from "./db/database";

export const createAccessService: ServiceFactory = async ({ config, logger }) => {
  const log = logger.child({ service: "access" });
  const db = openAccessDatabase(config.DATA_DIR);
  const brand: ServiceBrand = { name: "Access your teaching qualifications", url: config.urls.access };
  const app = createServiceApp({
    service: "access",
    brand,
    logger: log,
    secure: config.urls.access.startsWith("https://"),
    apiPrefixes: [],
    healthCheck: () => db.$client.query("SELECT 1").get(),
  }).get("/", () =>
    htmlResponse(
      <Page title="Access your teaching qualifications" brand={brand}>
        <h1 class="govuk-heading-xl">Access your teaching qualifications</h1>
        <p class="govuk-body">Use this service to view your teaching qualifications and download your certificates.</p>
      </Page>,
    ),
  );
  return { app, workers: [], close: () => db.$client.close() };
};
