// What a sign-in or registration journey has learned so far. Kept server-side (journeys.state);
// the browser holds only a random id in the identity_journey cookie.

/** The teacher's record at records, as far as the journey needs it. */
export interface TeacherNames {
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  dateOfBirth: string | null;
}

export interface RegistrationAnswers {
  trnTokenHash: string;
  trn: string;
  /** The token's email: the invitation reached this inbox, so it counts as verified. */
  email: string;
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

export interface JourneyState {
  /** The authorization request this journey completes. */
  requestId: string;
  /** Present when the request carried a valid TRN token: registering (or signing in to attach it). */
  registration?: RegistrationAnswers;
  /** The email-code sign-in, when the user chose to sign in. */
  signIn?: {
    email?: string;
    /** The security code emailed for this journey: only it is checked here. */
    codeId?: string;
  };
}
