/* The interop suite from C: OpenID Connect against npm oidc-provider
 * (tests/interop/server.mjs), an authorization server we did not write.
 * Discovery from the issuer, the authorization code flow with `openid`
 * (PKCE S256, state and nonce by default) for basic-client, the ID token
 * validated by the exchange (its claims read back: sub, iss, aud, nonce),
 * userinfo with the access token (same sub), and what must be refused: a
 * redirect with an altered `state` or `iss`, a replayed code, and an ID token
 * whose nonce is not the one this client sent. The sign-in and consent pages
 * are driven by the test-side user tests/interop/op_user.py. Then RAR
 * (details granted with client credentials, an unknown type refused), a
 * signed request object (JAR) for rsa-client, and the FAPI 2.0 preset's whole
 * sign-in (PAR, private_key_jwt, a DPoP-bound token). Then mutual TLS
 * (RFC 8705) against the HTTPS issuer of `server.mjs --mtls`: tls_client_auth
 * and self_signed_tls_client_auth get tokens bound to their certificates
 * (introspection's cnf.x5t#S256), the wrong certificate is invalid_client.
 *
 *   test_oidc_provider OP_USER_PY KEYS_DIR
 *
 * OP_ISSUER (the issuer server.mjs printed), OP_MTLS_ISSUER and OP_MTLS_DIR
 * (the mutual-TLS issuer and its PEM files) come from the environment that
 * tests/interop/test.sh sets. Exit status 0 only when every check passed. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oauth2kit.h"
#include "check.h"


/* Keep in step with CLIENTS in server.mjs (test fixtures, not credentials). */
static const char *const CLIENT_ID = "basic-client";
static const char *const CLIENT_SECRET = "basic secret+/&=:%";
static const char *const REDIRECT_URI = "http://127.0.0.1/callback";
/* oidc-provider's dev login makes the user name the account's `sub`. */
static const char *const USER = "alice-c";

static const char *issuer(void) {
  const char *v = getenv("OP_ISSUER");
  if (!v || !*v) {
    fprintf(stderr, "test_oidc_provider: OP_ISSUER is not set (run bash tests/interop/test.sh)\n");
    exit(2);
  }
  return v;
}

static oauth2kit_client *make_client(void) {
  oauth2kit_config *cfg = NULL;
  if (oauth2kit_config_new(CLIENT_ID, &cfg) != OAUTH2KIT_STATUS_OK) return NULL;
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, issuer()));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CLIENT_SECRET, CLIENT_SECRET));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTH_METHOD, "client_secret_basic"));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_REDIRECT_URI, REDIRECT_URI));
  oauth2kit_client *client = NULL;
  OK(oauth2kit_client_new(cfg, &client));
  oauth2kit_config_free(cfg);
  return client;
}

/* A new string: the value of the query parameter `name` of `url` (taken as
 * it is: the values compared here are base64url or plain), or NULL. */
static char *param(const char *url, const char *name) {
  const char *q = strchr(url, '?');
  size_t n = strlen(name);
  for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
    if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '=') {
      const char *v = p + 2 + n;
      return strndup(v, strcspn(v, "&#"));
    }
  }
  return NULL;
}

/* A new string: `url` with the value of its query parameter `name` replaced
 * by `value`, or NULL when it has no such parameter. */
static char *with_param(const char *url, const char *name, const char *value) {
  const char *q = strchr(url, '?');
  size_t n = strlen(name);
  for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
    if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '=') {
      const char *v = p + 2 + n;
      const char *rest = v + strcspn(v, "&#");
      char *out = NULL;
      if (asprintf(&out, "%.*s%s%s", (int)(v - url), url, value, rest) < 0) return NULL;
      return out;
    }
  }
  return NULL;
}

/* A new string: the string value of the first "key":"..." in a JSON object
 * (oauth2kit writes compact JSON; the values read here have no escapes), or NULL. */
static char *json_string(const char *json, const char *key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *p = json ? strstr(json, pattern) : NULL;
  if (!p) return NULL;
  p += strlen(pattern);
  const char *end = strchr(p, '"');
  return end ? strndup(p, (size_t)(end - p)) : NULL;
}

/* Whether the claims' `aud` (a string or an array of strings) contains `id`. */
static bool aud_contains(const char *claims, const char *id) {
  char *one = json_string(claims, "aud");
  if (one) {
    bool same = strcmp(one, id) == 0;
    free(one);
    return same;
  }
  const char *p = claims ? strstr(claims, "\"aud\":[") : NULL;
  if (!p) return false;
  const char *end = strchr(p, ']');
  char quoted[128];
  snprintf(quoted, sizeof quoted, "\"%s\"", id);
  const char *hit = strstr(p, quoted);
  return hit && end && hit < end;
}

static bool starts_with(const char *s, const char *prefix) {
  return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Runs op_user.py login URL USER and returns the redirect it prints (not followed). */
static char *sign_in(const char *op_user, const char *auth_url) {
  char *cmd = NULL;
  if (asprintf(&cmd, "python3 '%s' login '%s' '%s'", op_user, auth_url, USER) < 0) return NULL;
  FILE *p = popen(cmd, "r");
  free(cmd);
  if (!p) return NULL;
  char *line = calloc(1, 8192);
  if (line && !fgets(line, 8192, p)) line[0] = 0;
  int rc = pclose(p);
  if (!line) return NULL;
  line[strcspn(line, "\r\n")] = 0;
  if (rc != 0 || !line[0]) {
    free(line);
    return NULL;
  }
  return line;
}

/* A fresh authorization request for `openid` and the redirect the user ends at;
 * false (after counting a failed check) when either is missing. */
static bool authorize(const char *op_user, const oauth2kit_client *c, oauth2kit_authorization **auth,
                      char **url, char **redirect) {
  *auth = NULL;
  *url = NULL;
  *redirect = NULL;
  OK(oauth2kit_client_authorization_url(c, "openid", NULL, NULL, 0, auth));
  if (*auth) OK(oauth2kit_authorization_url(*auth, url));
  CHECK(*url != NULL);
  if (*url) *redirect = sign_in(op_user, *url);
  CHECK(*redirect != NULL);
  return *redirect != NULL;
}

static void test_code_flow_id_token_and_userinfo(const char *op_user, const oauth2kit_client *c) {
  oauth2kit_authorization *auth = NULL;
  char *url = NULL, *redirect = NULL;
  if (authorize(op_user, c, &auth, &url, &redirect)) {
    /* What oauth2kit sent by default with `openid`: PKCE S256, a state, a nonce. */
    char *method = param(url, "code_challenge_method");
    char *state = param(url, "state");
    char *nonce = param(url, "nonce");
    CHECK(method && strcmp(method, "S256") == 0);
    CHECK(state && strlen(state) >= 22);
    CHECK(nonce && strlen(nonce) >= 22);
    /* The server's redirect: to our redirect URI, with our state and its iss (RFC 9207). */
    CHECK(starts_with(redirect, REDIRECT_URI));
    char *back_state = param(redirect, "state");
    CHECK(back_state && state && strcmp(back_state, state) == 0);
    char *back_iss = param(redirect, "iss");
    CHECK(back_iss && back_iss[0]);

    /* Refused before the code is spent: an altered state, an altered iss. */
    /* (A success leaves the last error as it was: clear it first.) */
    oauth2kit_token_set *refused = NULL;
    char *forged_state = with_param(redirect, "state", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    CHECK(forged_state != NULL);
    if (forged_state) {
      oauth2kit_last_error_clear();
      CHECK(oauth2kit_client_exchange_redirect(c, auth, forged_state, &refused) == OAUTH2KIT_STATUS_STATE_MISMATCH);
      CHECK(refused == NULL && oauth2kit_last_error_status() == OAUTH2KIT_STATUS_STATE_MISMATCH);
      oauth2kit_token_set_free(refused);
      refused = NULL;
    }
    char *forged_iss = with_param(redirect, "iss", "http%3A%2F%2F127.0.0.1%3A1%2Fevil");
    CHECK(forged_iss != NULL);
    if (forged_iss) {
      oauth2kit_last_error_clear();
      CHECK(oauth2kit_client_exchange_redirect(c, auth, forged_iss, &refused) == OAUTH2KIT_STATUS_ISSUER_MISMATCH);
      const char *msg = oauth2kit_last_error_message();
      CHECK(refused == NULL && msg && strstr(msg, "/evil") != NULL);
      oauth2kit_token_set_free(refused);
      refused = NULL;
    }

    /* The real redirect: the code exchange validates the ID token. */
    oauth2kit_token_set *t = NULL;
    OK(oauth2kit_client_exchange_redirect(c, auth, redirect, &t));
    CHECK(t != NULL);
    char *claims = NULL;
    if (t) OK(oauth2kit_token_set_id_token_claims(t, &claims));
    CHECK(claims != NULL);
    char *sub = json_string(claims, "sub");
    char *iss = json_string(claims, "iss");
    char *id_nonce = json_string(claims, "nonce");
    CHECK(sub && strcmp(sub, USER) == 0);
    CHECK(iss && strcmp(iss, issuer()) == 0);
    CHECK(aud_contains(claims, CLIENT_ID));
    CHECK(id_nonce && nonce && strcmp(id_nonce, nonce) == 0);

    /* UserInfo with the access token: the same subject. */
    char *info = NULL;
    if (t) OK(oauth2kit_client_userinfo(c, t, &info));
    char *info_sub = json_string(info, "sub");
    CHECK(info_sub && sub && strcmp(info_sub, sub) == 0);

    /* The code is single-use: the server says invalid_grant. */
    oauth2kit_token_set *again = NULL;
    oauth2kit_last_error_clear();
    CHECK(oauth2kit_client_exchange_redirect(c, auth, redirect, &again) == OAUTH2KIT_STATUS_OAUTH);
    const char *err = oauth2kit_last_error_oauth_error();
    CHECK(again == NULL && err && strcmp(err, "invalid_grant") == 0);
    oauth2kit_token_set_free(again);

    free(info_sub);
    oauth2kit_string_free(info);
    free(id_nonce);
    free(iss);
    free(sub);
    oauth2kit_string_free(claims);
    oauth2kit_token_set_free(t);
    free(forged_iss);
    free(forged_state);
    free(back_iss);
    free(back_state);
    free(nonce);
    free(state);
    free(method);
  }
  free(redirect);
  oauth2kit_string_free(url);
  oauth2kit_authorization_free(auth);
}

/* The pending authorization, saved and restored (as a web app does between
 * two requests) with another nonce than the one sent: the server's genuine ID
 * token then carries a nonce this request did not send, and the exchange
 * fails with INVALID_RESPONSE naming the nonce check, handing out no token. */
static void test_nonce_mismatch_is_refused(const char *op_user, const oauth2kit_client *c) {
  oauth2kit_authorization *auth = NULL;
  char *url = NULL, *redirect = NULL;
  if (authorize(op_user, c, &auth, &url, &redirect)) {
    char *json = NULL;
    OK(oauth2kit_authorization_to_json(auth, &json));
    char *sent = url ? param(url, "nonce") : NULL;
    char *saved = json_string(json, "nonce");
    CHECK(sent && saved && strcmp(sent, saved) == 0);
    char *altered = NULL;
    if (json && saved) {
      /* Same length and alphabet, one character different. */
      char *at = strstr(json, "\"nonce\":\"") + strlen("\"nonce\":\"");
      at[0] = at[0] == 'A' ? 'B' : 'A';
      altered = json;
    }
    oauth2kit_authorization *restored = NULL;
    if (altered) OK(oauth2kit_authorization_from_json(altered, &restored));
    oauth2kit_token_set *t = NULL;
    if (restored) {
      oauth2kit_last_error_clear();
      CHECK(oauth2kit_client_exchange_redirect(c, restored, redirect, &t) == OAUTH2KIT_STATUS_INVALID_RESPONSE);
      CHECK(t == NULL && oauth2kit_last_error_status() == OAUTH2KIT_STATUS_INVALID_RESPONSE);
      const char *msg = oauth2kit_last_error_message();
      CHECK(msg && strstr(msg, "ID token") && strstr(msg, "nonce check failed"));
      /* No nonce in the message, neither the sent nor the received one. */
      CHECK(msg && sent && strstr(msg, sent) == NULL);
    }
    oauth2kit_token_set_free(t);
    oauth2kit_authorization_free(restored);
    free(saved);
    free(sent);
    oauth2kit_string_free(json);
  }
  free(redirect);
  oauth2kit_string_free(url);
  oauth2kit_authorization_free(auth);
}

/* DPoP (RFC 9449) against oidc-provider, which has it on by default: a
 * client credentials token bound to the client's generated key (token_type
 * DPoP, the key's thumbprint on the set); the FAPI 2.0 preset refuses this
 * client's shared secret before anything is sent. */
static void test_dpop_and_fapi2(void) {
  oauth2kit_config *cfg = NULL;
  OK(oauth2kit_config_new(CLIENT_ID, &cfg));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, issuer()));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CLIENT_SECRET, CLIENT_SECRET));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DPOP, "true"));
  oauth2kit_client *c = NULL;
  OK(oauth2kit_client_new(cfg, &c));
  oauth2kit_token_set *t = NULL;
  if (c) OK(oauth2kit_client_client_credentials(c, "read", &t));
  char *type = NULL, *jkt = NULL;
  if (t) {
    OK(oauth2kit_token_set_token_type(t, &type));
    OK(oauth2kit_token_set_dpop_jkt(t, &jkt));
  }
  CHECK(type && strcmp(type, "DPoP") == 0);
  CHECK(jkt && strlen(jkt) == 43);
  oauth2kit_string_free(type);
  oauth2kit_string_free(jkt);
  oauth2kit_token_set_free(t);
  oauth2kit_client_free(c);

  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_FAPI2, "true"));
  c = NULL;
  oauth2kit_last_error_clear();
  CHECK(oauth2kit_client_new(cfg, &c) == OAUTH2KIT_STATUS_CONFIG);
  CHECK(c == NULL);
  CHECK(strstr(oauth2kit_last_error_message(), "private_key_jwt") != NULL);
  oauth2kit_config_free(cfg);
}

/* RAR (RFC 9396): details with client credentials come back granted; an
 * unknown type is oidc-provider's invalid_authorization_details. It grants
 * details only with a resource indicator. */
static void test_rar(void) {
  const char *details[] = {
      "[{\"type\":\"payment_initiation\",\"instructedAmount\":{\"currency\":\"EUR\",\"amount\":\"42.00\"}}]",
      "[{\"type\":\"crypto_swap\"}]",
  };
  for (int i = 0; i < 2; i++) {
    oauth2kit_config *cfg = NULL;
    OK(oauth2kit_config_new(CLIENT_ID, &cfg));
    OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, issuer()));
    OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CLIENT_SECRET, CLIENT_SECRET));
    OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_RESOURCE, "urn:oauth2kit:api"));
    OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTHORIZATION_DETAILS, details[i]));
    oauth2kit_client *c = NULL;
    OK(oauth2kit_client_new(cfg, &c));
    oauth2kit_config_free(cfg);
    if (!c) continue;
    oauth2kit_token_set *t = NULL;
    if (i == 0) {
      OK(oauth2kit_client_client_credentials(c, NULL, &t));
      char *granted = NULL;
      if (t) OK(oauth2kit_token_set_authorization_details(t, &granted));
      CHECK(granted && strstr(granted, "\"payment_initiation\"") && strstr(granted, "\"42.00\""));
      oauth2kit_string_free(granted);
    } else {
      CHECK(oauth2kit_client_client_credentials(c, NULL, &t) == OAUTH2KIT_STATUS_OAUTH);
      CHECK(t == NULL);
      CHECK(strcmp(oauth2kit_last_error_oauth_error(), "invalid_authorization_details") == 0);
    }
    oauth2kit_token_set_free(t);
    oauth2kit_client_free(c);
  }
}

/* rsa-client (private_key_jwt) signs in with `option` on: a signed request
 * object (JAR) by value, or the FAPI 2.0 preset through PAR. Returns the
 * token type (a new string) or NULL. */
static char *sign_in_rsa_client(const char *op_user, const char *keys, oauth2kit_option option) {
  char *pem = read_file_in(keys, "rsa-client.pem");
  CHECK(pem != NULL);
  if (!pem) return NULL;
  oauth2kit_config *cfg = NULL;
  OK(oauth2kit_config_new("rsa-client", &cfg));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, issuer()));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_PRIVATE_KEY_PEM, pem));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_REDIRECT_URI, REDIRECT_URI));
  OK(oauth2kit_config_set(cfg, option, "true"));
  free(pem);
  oauth2kit_client *c = NULL;
  OK(oauth2kit_client_new(cfg, &c));
  oauth2kit_config_free(cfg);
  if (!c) return NULL;
  oauth2kit_authorization *auth = NULL;
  if (option == OAUTH2KIT_OPTION_FAPI2)
    OK(oauth2kit_client_pushed_authorization_url(c, "read", NULL, NULL, 0, &auth));
  else
    OK(oauth2kit_client_authorization_url(c, "read", NULL, NULL, 0, &auth));
  char *url = NULL, *redirect = NULL, *type = NULL;
  if (auth) OK(oauth2kit_authorization_url(auth, &url));
  if (url) {
    CHECK(strstr(url, option == OAUTH2KIT_OPTION_FAPI2 ? "request_uri=" : "&request=ey") != NULL);
    CHECK(strstr(url, "state=") == NULL);
    redirect = sign_in(op_user, url);
  }
  CHECK(redirect != NULL);
  oauth2kit_token_set *t = NULL;
  if (redirect) OK(oauth2kit_client_exchange_redirect(c, auth, redirect, &t));
  if (t) OK(oauth2kit_token_set_token_type(t, &type));
  oauth2kit_token_set_free(t);
  free(redirect);
  oauth2kit_string_free(url);
  oauth2kit_authorization_free(auth);
  oauth2kit_client_free(c);
  return type;
}

static void test_jar_and_fapi2_sign_in(const char *op_user, const char *keys) {
  char *type = sign_in_rsa_client(op_user, keys, OAUTH2KIT_OPTION_REQUEST_OBJECT);
  CHECK(type && strcmp(type, "Bearer") == 0);
  oauth2kit_string_free(type);
  type = sign_in_rsa_client(op_user, keys, OAUTH2KIT_OPTION_FAPI2);
  CHECK(type && strcmp(type, "DPoP") == 0);
  oauth2kit_string_free(type);
}

/* ---- JARM (JWT Secured Authorization Response Mode) ----------------------
 * response_mode=query.jwt against oidc-provider (features.jwtResponseModes):
 * its signed response checked with the discovered JWKS before the code is
 * used; the same response with its signature cut off is refused
 * (INVALID_RESPONSE naming the check), and the genuine one still works. */
static void test_jarm(const char *op_user) {
  oauth2kit_config *cfg = NULL;
  OK(oauth2kit_config_new(CLIENT_ID, &cfg));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, issuer()));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CLIENT_SECRET, CLIENT_SECRET));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_REDIRECT_URI, REDIRECT_URI));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_RESPONSE_MODE, "query.jwt"));
  oauth2kit_client *c = NULL;
  OK(oauth2kit_client_new(cfg, &c));
  oauth2kit_config_free(cfg);
  if (!c) return;
  oauth2kit_authorization *auth = NULL;
  char *url = NULL, *redirect = NULL;
  if (authorize(op_user, c, &auth, &url, &redirect)) {
    CHECK(strstr(url, "response_mode=query.jwt") != NULL);
    CHECK(strstr(redirect, "?response=ey") != NULL && strstr(redirect, "code=") == NULL);
    /* Unsigned: the header and claims without the signature. */
    char *unsigned_jwt = strdup(redirect);
    char *dot = strrchr(unsigned_jwt, '.');
    if (dot) dot[1] = 0;
    oauth2kit_token_set *t = NULL;
    oauth2kit_last_error_clear();
    CHECK(oauth2kit_client_exchange_redirect(c, auth, unsigned_jwt, &t) == OAUTH2KIT_STATUS_INVALID_RESPONSE && !t);
    CHECK(strstr(oauth2kit_last_error_message(), "the signature check failed") != NULL);
    free(unsigned_jwt);
    OK(oauth2kit_client_exchange_redirect(c, auth, redirect, &t));
    char *at = NULL;
    if (t) OK(oauth2kit_token_set_access_token(t, &at));
    CHECK(at && *at);
    oauth2kit_string_free(at);
    oauth2kit_token_set_free(t);
  }
  free(redirect);
  oauth2kit_string_free(url);
  oauth2kit_authorization_free(auth);
  oauth2kit_client_free(c);
}
/* ---- end JARM ---- */
/* --- mutual TLS (RFC 8705) --- */
/* A client of the mTLS issuer presenting DIR/<who>.crt.pem (NULL: none). */
static oauth2kit_client *mtls_client(const char *id, const char *method, const char *who) {
  const char *iss = getenv("OP_MTLS_ISSUER"), *dir = getenv("OP_MTLS_DIR");
  if (!iss || !dir) return NULL;
  oauth2kit_config *cfg = NULL;
  if (oauth2kit_config_new(id, &cfg) != OAUTH2KIT_STATUS_OK) return NULL;
  char *ca = read_file_in(dir, "ca.pem"), *cert_name = NULL, *key_name = NULL;
  CHECK(asprintf(&cert_name, "%s.crt.pem", who) > 0 && asprintf(&key_name, "%s.key.pem", who) > 0);
  char *cert = read_file_in(dir, cert_name), *key = read_file_in(dir, key_name);
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, iss));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CA_CERTIFICATES_PEM, ca));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTH_METHOD, method));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TLS_CLIENT_CERTIFICATE, cert));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TLS_CLIENT_KEY, key));
  oauth2kit_client *c = NULL;
  OK(oauth2kit_client_new(cfg, &c));
  oauth2kit_config_free(cfg);
  free(ca);
  free(cert);
  free(key);
  free(cert_name);
  free(key_name);
  return c;
}

/* The access token's cnf from introspection by `c`, as JSON (NULL: none). */
static char *bound_cnf(const oauth2kit_client *c) {
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  if (!t) return NULL;
  char *at = NULL, *cnf = NULL;
  OK(oauth2kit_token_set_access_token(t, &at));
  oauth2kit_introspection *info = NULL;
  OK(oauth2kit_client_introspect(c, at, OAUTH2KIT_TOKEN_HINT_ACCESS_TOKEN, &info));
  bool active = false;
  if (info) {
    OK(oauth2kit_introspection_active(info, &active));
    OK(oauth2kit_introspection_field(info, "cnf", &cnf));
  }
  CHECK(active);
  oauth2kit_introspection_free(info);
  oauth2kit_string_free(at);
  oauth2kit_token_set_free(t);
  return cnf;
}

static void test_mtls(void) {
  CHECK(getenv("OP_MTLS_ISSUER") && getenv("OP_MTLS_DIR"));
  oauth2kit_client *pki = mtls_client("mtls-client", "tls_client_auth", "mtls-client");
  oauth2kit_client *ss = mtls_client("self-signed-client", "self_signed_tls_client_auth", "self-signed-client");
  /* The self-signed certificate as mtls-client's: not issued by the CA. */
  oauth2kit_client *wrong = mtls_client("mtls-client", "tls_client_auth", "self-signed-client");
  CHECK(pki && ss && wrong);
  if (!(pki && ss && wrong)) goto out;
  char *a = bound_cnf(pki), *b = bound_cnf(ss);
  /* {"x5t#S256":"<43 base64url characters>"}: bound, each to its own certificate. */
  CHECK(a && strstr(a, "\"x5t#S256\":\"") && strlen(a) == strlen("{\"x5t#S256\":\"\"}") + 43);
  CHECK(b && strstr(b, "\"x5t#S256\":\"") && a && strcmp(a, b) != 0);
  oauth2kit_string_free(a);
  oauth2kit_string_free(b);
  oauth2kit_token_set *none = NULL;
  CHECK(oauth2kit_client_client_credentials(wrong, NULL, &none) == OAUTH2KIT_STATUS_OAUTH);
  CHECK(strcmp(oauth2kit_last_error_oauth_error(), "invalid_client") == 0);
  CHECK(none == NULL);
out:
  oauth2kit_client_free(pki);
  oauth2kit_client_free(ss);
  oauth2kit_client_free(wrong);
}
/* --- end mutual TLS --- */

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_oidc_provider OP_USER_PY KEYS_DIR\n");
    return 2;
  }
  oauth2kit_client *c = make_client();
  CHECK(c != NULL);
  if (c) {
    test_code_flow_id_token_and_userinfo(argv[1], c);
    test_nonce_mismatch_is_refused(argv[1], c);
  }
  test_dpop_and_fapi2();
  test_rar();
  test_jar_and_fapi2_sign_in(argv[1], argv[2]);
  test_jarm(argv[1]);
  test_mtls();
  oauth2kit_client_free(c);
  bool was_running = false;
  OK(oauth2kit_shutdown(5000, &was_running));
  printf("oidc-provider C: %d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
