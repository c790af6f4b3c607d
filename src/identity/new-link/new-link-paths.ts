// The form action of "Email me a new link" on the expired-link page.
export const newLinkPath = (requestId: string) => `/interaction/${encodeURIComponent(requestId)}/new-link`;
