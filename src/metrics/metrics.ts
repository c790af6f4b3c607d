// Every counter and histogram teacher-id keeps, in one place (docs/OPERATIONS.md "Metrics" lists
// them with their meaning). They are per process: `serve` exposes them on METRICS_PORT with a
// `service` label (metrics-server.ts). Code on a request path keeps a series made here and only
// calls inc()/observe() on it (families.ts).
import { CounterFamily, HistogramFamily, type CounterSeries, type MetricFamily } from "./families";

export const httpRequests = new CounterFamily(
  "teacher_id_http_requests_total",
  "HTTP requests answered, by service, method, route pattern (never the raw path) and status.",
  ["service", "method", "route", "status"],
);

export const httpRequestDuration = new HistogramFamily(
  "teacher_id_http_request_duration_seconds",
  "Time from a request's arrival to its answer, by service, method and route pattern.",
  ["service", "method", "route"],
  [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

const registrationsStartedFamily = new CounterFamily(
  "teacher_id_registrations_started_total",
  "Registration journeys started at identity's /interaction with a valid TRN token (a magic link opened).",
);
const registrationsFinishedFamily = new CounterFamily(
  "teacher_id_registrations_finished_total",
  "Registrations finished with the TRN bound to an account: a new account, or an existing one the teacher signed in to.",
  ["account"],
);

export const registrations = {
  started: registrationsStartedFamily.series(),
  finishedNewAccount: registrationsFinishedFamily.series("new"),
  finishedExistingAccount: registrationsFinishedFamily.series("existing"),
};

const tokensIssuedFamily = new CounterFamily(
  "teacher_id_tokens_issued_total",
  "Access tokens issued by identity's POST /token, by grant type.",
  ["grant_type"],
);

export const tokensIssued: Record<"client_credentials" | "authorization_code" | "refresh_token", CounterSeries> = {
  client_credentials: tokensIssuedFamily.series("client_credentials"),
  authorization_code: tokensIssuedFamily.series("authorization_code"),
  refresh_token: tokensIssuedFamily.series("refresh_token"),
};

const rateLimitRefusalsFamily = new CounterFamily(
  "teacher_id_rate_limit_refusals_total",
  "Requests refused by a rate limit, by what was limited: send (security codes and new links sent), check (security codes checked), renewed (a second new link for one expired link).",
  ["limit"],
);

export const rateLimitRefusals = {
  send: rateLimitRefusalsFamily.series("send"),
  check: rateLimitRefusalsFamily.series("check"),
  renewed: rateLimitRefusalsFamily.series("renewed"),
  other: rateLimitRefusalsFamily.series("other"),
};

export const databaseBusy = new CounterFamily(
  "teacher_id_database_busy_total",
  "Requests answered 503 because another writer held the service's database past busy_timeout (5 s).",
  ["service"],
);

export const databaseErrors = new CounterFamily(
  "teacher_id_database_errors_total",
  "Requests that failed on a database error (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, ...), by service and SQLite code.",
  ["service", "code"],
);

/** The families above, as the exposition lists them. */
export const requestFamilies: MetricFamily[] = [
  httpRequests,
  httpRequestDuration,
  registrationsStartedFamily,
  registrationsFinishedFamily,
  tokensIssuedFamily,
  rateLimitRefusalsFamily,
  databaseBusy,
  databaseErrors,
];
