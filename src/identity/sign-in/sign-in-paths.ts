// Where a page sends someone to sign in instead (e.g. "This link is not valid ... sign in").
export const signInHref = (requestId: string) => `/interaction/${encodeURIComponent(requestId)}/sign-in`;
/** "Create an account without a link" for the same request (src/identity/find-record/). */
export const findRecordHref = (requestId: string) => `/interaction/${encodeURIComponent(requestId)}/find-record`;
