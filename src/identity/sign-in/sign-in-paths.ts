// Where a page sends someone to sign in instead (e.g. "This link is not valid ... sign in").
export const signInHref = (requestId: string) => `/interaction/${encodeURIComponent(requestId)}/sign-in`;
