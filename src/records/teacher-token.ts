// The signed-in teacher behind a request to records' /v3 API: a user access token with scope
// dqt:read and a trn claim (GET /v3/teacher, the change requests). User tokens are also checked
// with identity, so a revoked sign-in is refused within seconds (the verifier's `revocation`), and
// count against the client's API rate limit.
import { enterBearerApi, type BearerApiDoor, type BearerApiRequest } from "../api-rate-limit/bearer-api";
import { problemResponse } from "../web/problem";
import { trnSchema } from "./itt-outcome/itt-outcome-schemas";

export interface SignedInTeacher {
  trn: string;
  /** identity's subject identifier for the account. */
  sub: string;
}

/** The teacher, or the 401/403/429/503 problem+json to send (through the API's rate limit). */
export async function signedInTeacher(door: BearerApiDoor, context: BearerApiRequest): Promise<SignedInTeacher | Response> {
  const claims = await enterBearerApi(door, context, "dqt:read");
  if (claims instanceof Response) return claims;
  const trn = trnSchema.safeParse(claims.trn);
  if (!trn.success) {
    return problemResponse({
      title: "Forbidden",
      status: 403,
      detail: "The access token has no trn claim: the signed-in account is not linked to a teaching record.",
    });
  }
  return { trn: trn.data, sub: claims.sub };
}
