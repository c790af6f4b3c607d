// What a sign-in or registration journey has learned so far. Kept server-side (journeys.state);
// the browser holds only a random id in the identity_journey cookie.

/** The teacher's record at records, as far as the journey needs it. */
export interface TeacherNames {
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  dateOfBirth: string | null;
  /** True when that date is the teacher's own earlier answer (records' provenance "teacher"), not yet checked. */
  dateOfBirthFromTeacher?: boolean;
}

export interface RegistrationAnswers {
  trnTokenHash: string;
  trn: string;
  /**
   * The account's email address, always verified: the token's (the invitation reached this inbox),
   * or one the teacher chose instead on check answers and confirmed with a code.
   */
  email: string;
  /** A different address the teacher asked for, waiting for its code (only that code is checked). */
  newEmail?: { address: string; codeId: string };
  /** From records; looked up when the journey first needs it. */
  teacher?: TeacherNames;
  /** Set by "Create an account" on the landing page. */
  started?: boolean;
  /** E.164. */
  phone?: string;
  /** The security code texted to `phone` for this journey: only it is checked here. */
  phoneCodeId?: string;
  phoneVerified?: boolean;
  noPhone?: boolean;
  /** "0", "1", ... (an offered name) or "other". */
  preferredNameChoice?: string;
  preferredName?: string;
  /** yyyy-mm-dd, asked only when records has none. */
  dateOfBirth?: string;
}

/** How the teacher chose to identify their record on "Create an account without a link". */
export type RecordIdentifier =
  | { kind: "trn"; trn: string }
  | { kind: "nino"; nino: string }
  | { kind: "provider"; providerName: string; awardYear: number }
  | { kind: "none" };

/**
 * "Create an account without a link" (src/identity/find-record/): an email proved with a code,
 * the details records matches on, and how the matching went.
 */
export interface FindRecordAnswers {
  /** The address typed on the first page (lower-cased). */
  email?: string;
  /** The code emailed to `email` for this journey: only it is checked here. */
  codeId?: string;
  /** The code was right and no account has the address: the questions follow. */
  emailVerified?: boolean;
  firstName?: string;
  lastName?: string;
  /** A previous last name (e.g. before marriage); null when the teacher said they have none. */
  previousLastName?: string | null;
  /** yyyy-mm-dd. */
  dateOfBirth?: string;
  identifier?: RecordIdentifier;
  /** Times records was asked, and how many answered "none". */
  attempts?: number;
  failures?: number;
  /** SHA-256 of the details records last answered "none" for: the same details are not asked again. */
  lastFailedDetails?: string;
  /** Set when the account was made without a TRN and its support case opened. */
  supportCase?: { reference: string; accountId: string };
}

/**
 * How a journey ended. It is kept for a while after the end (finishedJourneyLifetimeMs), so that a
 * double click, a refresh or a resubmitted form lands where the first request did.
 */
export interface FinishedJourney {
  at: number;
  /** What the teacher did: the account was made by this journey, or they signed in to one. */
  outcome: "account-created" | "signed-in";
  accountId: string;
  /** The client's name, for "Continue to ...". */
  clientName: string | null;
  /** The identity session the journey ended in (hash), to tell whether it is still live. */
  sessionIdHash: string;
  /**
   * Sealed with the journey cookie's id, which only the browser holds: where the browser was sent
   * (the client's redirect URL with its code) and the session cookie it was given (see finish-journey.ts).
   */
  sealed: string;
}

/**
 * A journey ends in one of two ways, set when it starts: it completes a client's authorization
 * request (the hand-off), or, when no client asked, it returns to one of identity's own pages
 * (e.g. /account). finishJourney() is the one place that tells them apart.
 */
export type JourneyState = ClientJourneyState | PageJourneyState;

interface JourneyAnswers {
  /** The email-code sign-in, when the user chose to sign in. */
  signIn?: {
    email?: string;
    /** The security code emailed for this journey: only it is checked here. */
    codeId?: string;
  };
  /**
   * "I cannot access this email address": the address the teacher gave, and, when its account has a
   * verified mobile, the code texted to it (only that code is checked here) and the number's last 3
   * digits for "ending 789". Without them the code page says how to get help instead.
   */
  recovery?: {
    email: string;
    codeId?: string;
    phoneEnding?: string;
  };
  /** Set once the journey has signed someone in: nothing can be answered any more. */
  finished?: FinishedJourney;
}

export interface ClientJourneyState extends JourneyAnswers {
  /** The authorization request this journey completes. */
  requestId: string;
  returnTo?: undefined;
  /** Present when the request carried a valid TRN token: registering (or signing in to attach it). */
  registration?: RegistrationAnswers;
  /** Present on "Create an account without a link". */
  findRecord?: FindRecordAnswers;
}

export interface PageJourneyState extends JourneyAnswers {
  requestId?: undefined;
  /** The identity page to return to once signed in: a path on identity (isIdentityPath). */
  returnTo: string;
  registration?: undefined;
  findRecord?: undefined;
}

/** A path on identity that a page journey may return to ("/account"), never another origin ("//x", "/\\x"). */
export function isIdentityPath(path: string): boolean {
  return /^\/(?![/\\])[A-Za-z0-9\-._~/]*$/.test(path);
}

/** The authorization request a client's journey completes; registration journeys always have one. */
export function clientRequestId(state: JourneyState): string {
  if (state.requestId === undefined) throw new Error("this journey returns to an identity page: it has no authorization request");
  return state.requestId;
}
