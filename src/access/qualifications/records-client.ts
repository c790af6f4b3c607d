// Reads the signed-in teacher's own record from records (GET /v3/teacher) with their access token.
import { z } from "zod";

const subjectSchema = z.union([
  z.string(),
  z.object({ name: z.string().nullish(), code: z.string().nullish() }).loose().transform((s) => s.name ?? s.code ?? ""),
]);

const ittSchema = z
  .object({
    providerUkprn: z.string().nullish(),
    providerName: z.string().nullish(),
    programmeType: z.string().nullish(),
    subjects: z.array(subjectSchema).nullish(),
    ageRangeFrom: z.number().nullish(),
    ageRangeTo: z.number().nullish(),
    startDate: z.string().nullish(),
    endDate: z.string().nullish(),
    result: z.string().nullish(),
  })
  .loose();

/** A change the teacher asked for that records has not yet dealt with (name or date of birth). */
const pendingChangeSchema = z
  .object({
    caseReference: z.string(),
    type: z.string(),
    requested: z.record(z.string(), z.string().nullish()).nullish(),
    createdUtc: z.string(),
  })
  .loose();

const qualificationSchema = z
  .object({
    id: z.number(),
    type: z.string().nullish(),
    specialism: z.string().nullish(),
    name: z.string(),
    providerName: z.string().nullish(),
    status: z.string().nullish(),
    startDate: z.string().nullish(),
    awardedDate: z.string().nullish(),
  })
  .loose();

const teacherSchema = z
  .object({
    trn: z.string(),
    firstName: z.string().nullish(),
    middleName: z.string().nullish(),
    lastName: z.string().nullish(),
    dateOfBirth: z.string().nullish(),
    /** "dqt" (the teaching record) or "teacher" (the teacher's own answer, not yet checked). */
    dateOfBirthProvenance: z.string().nullish(),
    email: z.string().nullish(),
    qtsDate: z.string().nullish(),
    qtsRoute: z.string().nullish(),
    eytsDate: z.string().nullish(),
    inductionStatus: z.string().nullish(),
    induction: z.object({ status: z.string().nullish(), startDate: z.string().nullish(), completedDate: z.string().nullish() }).loose().nullish(),
    npqs: z.array(qualificationSchema).nullish(),
    mandatoryQualifications: z.array(qualificationSchema).nullish(),
    initialTeacherTraining: z.array(ittSchema).nullish(),
    pendingDetailChanges: z.array(pendingChangeSchema).nullish(),
  })
  .loose();

export type TeacherRecord = z.output<typeof teacherSchema>;
export type Qualification = z.output<typeof qualificationSchema>;
export type InitialTeacherTraining = z.output<typeof ittSchema>;
export type PendingDetailChange = z.output<typeof pendingChangeSchema>;

export type TeacherLookup =
  | { ok: true; teacher: TeacherRecord }
  /** 401: the access token is not (or no longer) accepted; sign in again. */
  | { ok: false; reason: "unauthorized" }
  /** 403 or 404: the account has no record access can show. */
  | { ok: false; reason: "no_record" }
  /** 409: records holds more than one teacher with this TRN (DQT has some duplicates). */
  | { ok: false; reason: "ambiguous" }
  /** records is down, slow, or answered something unexpected. */
  | { ok: false; reason: "unavailable"; detail: string };

export async function fetchOwnTeacherRecord(recordsUrl: string, accessToken: string): Promise<TeacherLookup> {
  let response: Response;
  try {
    response = await fetch(`${recordsUrl}/v3/teacher`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      signal: AbortSignal.timeout(5000),
    });
  } catch (error) {
    return { ok: false, reason: "unavailable", detail: (error as Error).name };
  }
  return readTeacherResponse(response);
}

/** Any teacher's record (GET /v2/teachers/{trn}), with access's own client-credentials token (scope teachers:read). */
export async function fetchTeacherByTrn(recordsUrl: string, trn: string, fetchWithToken: (url: string) => Promise<Response>): Promise<TeacherLookup> {
  let response: Response;
  try {
    response = await fetchWithToken(`${recordsUrl}/v2/teachers/${encodeURIComponent(trn)}`);
  } catch (error) {
    return { ok: false, reason: "unavailable", detail: (error as Error).name };
  }
  return readTeacherResponse(response);
}

async function readTeacherResponse(response: Response): Promise<TeacherLookup> {
  if (response.status === 401) return { ok: false, reason: "unauthorized" };
  if (response.status === 403 || response.status === 404) return { ok: false, reason: "no_record" };
  if (response.status === 409) return { ok: false, reason: "ambiguous" };
  if (response.status !== 200) return { ok: false, reason: "unavailable", detail: `HTTP ${response.status}` };
  const parsed = teacherSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return { ok: false, reason: "unavailable", detail: "unexpected response body" };
  return { ok: true, teacher: parsed.data };
}
