// OpenID Provider metadata (OpenID Connect Discovery 1.0, RFC 8414).
import { grantTypes, tokenScopes } from "../clients/clients";
import { signingAlgorithms } from "../keys/signing-keys";

export function discoveryDocument(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    end_session_endpoint: `${issuer}/end-session`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    scopes_supported: tokenScopes,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: grantTypes,
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: signingAlgorithms,
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
    prompt_values_supported: ["none", "login", "create"],
    claims_supported: [
      "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
      "email", "email_verified", "phone_number", "phone_number_verified",
      "given_name", "family_name", "name", "preferred_name", "birthdate", "trn", "trn_lookup_status", "trn_lookup_case", "new_account",
    ],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/`,
  };
}
