"""Authentication and authorization: users, memberships, tokens, principals, tenant scoping.

Bearer tokens come in three kinds, told apart by their `typ` header and never accepted for one another:
access tokens for people (`at+jwt`), integrators' API tokens (`rapport-api+jwt`) and survey links
(`rapport-survey+jwt`).

Keys (RAPPORT_* settings):
- embedded default: HS256 with JWT_SECRET, under the kid JWT_SIGNING_KID;
- production: JWT_ALGORITHM=RS256 or ES256, JWT_SIGNING_KEY (PEM private key) under JWT_SIGNING_KID, and
  JWT_VERIFICATION_KEYS, a JSON object of kid -> PEM public key. To rotate, sign with a new key under a new
  kid and list the old public key in JWT_VERIFICATION_KEYS until the old tokens have expired, then remove it.
  Each key verifies only with its own algorithm (RSA: RS256, P-256: ES256); HS and RS/ES keys never mix.
- optionally an external OIDC issuer: OIDC_JWKS_URL, OIDC_ISSUER, OIDC_AUDIENCE (and OIDC_TOKEN_TYPE, the
  `typ` its access tokens carry, `at+jwt` by default). A token whose `iss` is OIDC_ISSUER is verified against
  that JWKS only. It signs in the existing, active Rapport user whose email equals its `email` claim (only
  when `email_verified` is exactly true); its `sub` is not stored and nobody is created on the fly. Roles still come
  from that user's memberships.
"""
