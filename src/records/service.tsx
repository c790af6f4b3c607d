// records (the Qualified Teachers API): teacher records, ITT outcomes and QTS, invitation emails.
import { createServiceApp } from "../web/create-service-app";
import { htmlResponse } from "../web/html";
import { Page, type ServiceBrand } from "../web/layout";
import type { ServiceFactory } from "../server/service";
import { openRecordsDatabase } from "./db/database";

export const createRecordsService: ServiceFactory = async ({ config, logger }) => {
  const log = logger.child({ service: "records" });
  const db = openRecordsDatabase(config.DATA_DIR);
  const brand: ServiceBrand = { name: "Qualified Teachers API", url: config.urls.records };
  const app = createServiceApp({
    service: "records",
    brand,
    logger: log,
    secure: config.urls.records.startsWith("https://"),
    apiPrefixes: ["/v2", "/v3"],
    healthCheck: () => db.$client.query("SELECT 1").get(),
  }).get("/", () =>
    htmlResponse(
      <Page title="Qualified Teachers API" brand={brand}>
        <h1 class="govuk-heading-xl">Qualified Teachers API</h1>
        <p class="govuk-body">
          An API for services that record teacher training outcomes and read teaching records. It needs an access
          token from Teacher ID.
        </p>
      </Page>,
    ),
  );
  return { app, workers: [], close: () => db.$client.close() };
};
