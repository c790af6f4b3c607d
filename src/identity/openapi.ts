// identity's OpenAPI 3.1 document for its service APIs (/openapi.json, /docs): POST /trn-tokens and
// the Users API, made from the schemas their routes parse with. The OAuth / OpenID Connect
// endpoints are described by the discovery document (/.well-known/openid-configuration).
import { openApiDocument } from "../openapi/openapi-document";
import { createTrnToken, createTrnTokenSchema, issuedTrnTokenSchema } from "./trn-tokens/schemas";
import { apiUserSchema, bindTrnBody, bindUserTrn, getUser, listUsers, userListSchema } from "./users-api/users-api-schemas";

export function identityApiDocument(urls: { identity: string }) {
  return openApiDocument({
    title: "Teacher ID API",
    version: "1",
    description:
      "Teacher ID's APIs for other services: TRN tokens for magic links, and the Users API (find accounts, bind a TRN). Sign-in itself is OpenID Connect: see /.well-known/openid-configuration.",
    serverUrl: urls.identity,
    identityUrl: urls.identity,
    scopes: {
      "trn_token:write": "Make TRN tokens (records, after a QTS pass).",
      "users:read": "Read Teacher ID accounts. Add `phone` to see phone numbers.",
      "users:write": "Bind a TRN to an account.",
    },
    components: {
      CreateTrnToken: createTrnTokenSchema,
      TrnToken: issuedTrnTokenSchema,
      User: apiUserSchema,
      UserList: userListSchema,
      BindTrn: bindTrnBody,
    },
    operations: [createTrnToken, listUsers, getUser, bindUserTrn],
  });
}
