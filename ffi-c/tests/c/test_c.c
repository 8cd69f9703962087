/* The C test suite: every grant against the devserver, the Deskera and Desko
 * profiles, CIBA (approved, refused, cancelled, expired), the session from
 * 16 threads, the C-callback store, and bad input.
 * Needs OAUTH2KIT_DEVSERVER_URL (base URL) and OAUTH2KIT_KEYS_DIR (devserver/keys);
 * mutual TLS needs OAUTH2KIT_DEVSERVER_TLS_URL, an HTTPS devserver started with
 * --tls-ca-out DIR/ca.pem --tls-client-cert-out DIR, and OAUTH2KIT_TLS_DIR (that DIR).
 * Run as-is, under valgrind, and built with AddressSanitizer (see CMakeLists.txt). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "devhttp.h"
#include "oauth2kit.h"
#include "check.h"

static const char *BASE;
static const char *KEYS;
static const char *REDIS; /* redis://127.0.0.1:port/0 of a real redis-server */
static const char *TLS_BASE; /* an HTTPS devserver (mutual TLS) */
static const char *TLS_DIR;  /* its CA (ca.pem) and client certificates */
#define STREQ(a, b) CHECK((a) && (b) && strcmp((a), (b)) == 0)

static char *url(const char *path) {
  static char buf[8][512];
  static int i;
  char *b = buf[i++ % 8];
  snprintf(b, 512, "%s%s", BASE, path);
  return b;
}

/* A client from (option, value) pairs ending with 0. */
static oauth2kit_client *make_client(const char *client_id, ...) {
  oauth2kit_config *cfg = NULL;
  if (oauth2kit_config_new(client_id, &cfg) != OAUTH2KIT_STATUS_OK) return NULL;
  va_list ap;
  va_start(ap, client_id);
  int opt;
  while ((opt = va_arg(ap, int)) != 0) {
    const char *value = va_arg(ap, const char *);
    if (oauth2kit_config_set(cfg, opt, value) != OAUTH2KIT_STATUS_OK) {
      fprintf(stderr, "config_set(%d) failed: %s\n", opt, oauth2kit_last_error_message());
      failures++;
    }
  }
  va_end(ap);
  oauth2kit_client *client = NULL;
  if (oauth2kit_client_new(cfg, &client) != OAUTH2KIT_STATUS_OK)
    fprintf(stderr, "client_new failed: %s\n", oauth2kit_last_error_message());
  oauth2kit_config_free(cfg);
  return client;
}

static char *access_token(const oauth2kit_token_set *t) {
  char *s = NULL;
  if (oauth2kit_token_set_access_token(t, &s) != OAUTH2KIT_STATUS_OK) return NULL;
  return s;
}

/* A session config: a store and initial tokens (each may be NULL), and the
   client credentials grant with `scope` when `cc`. */
static oauth2kit_session_config *session_config(oauth2kit_store *store, const oauth2kit_token_set *tokens, bool cc,
                                                const char *scope) {
  oauth2kit_session_config *cfg = NULL;
  OK(oauth2kit_session_config_new(&cfg));
  if (store) OK(oauth2kit_session_config_set_store(cfg, store));
  if (tokens) OK(oauth2kit_session_config_set_tokens(cfg, tokens));
  if (cc) OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_CLIENT_CREDENTIALS, "true"));
  if (scope) OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_SCOPE, scope));
  return cfg;
}

/* A session from `cfg`, which is freed. */
static oauth2kit_session *new_session(const oauth2kit_client *c, oauth2kit_session_config *cfg) {
  oauth2kit_session *s = NULL;
  OK(oauth2kit_session_new(c, cfg, &s));
  oauth2kit_session_config_free(cfg);
  return s;
}

static void test_bad_input(void) {
  oauth2kit_config *cfg = NULL;
  CHECK(oauth2kit_config_new(NULL, &cfg) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(cfg == NULL); /* out-params untouched on failure */
  CHECK(oauth2kit_last_error_status() == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(strstr(oauth2kit_last_error_message(), "client_id") != NULL);
  CHECK(oauth2kit_config_new("x", NULL) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(oauth2kit_config_new("\xff\xfe", &cfg) == OAUTH2KIT_STATUS_INVALID_UTF8);
  OK(oauth2kit_config_new("c", &cfg));
  /* Bad options and values are CONFIG errors, as in every binding, and name the option. */
  CHECK(oauth2kit_config_set(cfg, 9999, "x") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_config_set(cfg, 22, "1000") == OAUTH2KIT_STATUS_CONFIG); /* retired: timeout_ms */
  CHECK(strstr(oauth2kit_last_error_message(), "retired") != NULL);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TOKEN_URL, NULL) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_PROFILE, "no-such-profile") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_PRIVATE_KEY_PEM, "not a pem") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TIMEOUT, "soon") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "timeout") != NULL);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TIMEOUT, "1e19") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTH_METHOD, "telepathy") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_ALLOW_INSECURE_HTTP, "yes") == OAUTH2KIT_STATUS_CONFIG);
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TIMEOUT, "2.5"));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_RESOURCE, "https://api.example/a"));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_RESOURCE, "https://api.example/b"));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TOKEN_URL, "http://example.com/token"));
  oauth2kit_client *client = NULL;
  CHECK(oauth2kit_client_new(cfg, &client) == OAUTH2KIT_STATUS_CONFIG); /* plain HTTP off loopback */
  CHECK(client == NULL);
  /* The message names the fix as a C caller writes it. */
  CHECK(strstr(oauth2kit_last_error_message(),
               "use HTTPS or oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_ALLOW_INSECURE_HTTP, \"true\")") != NULL);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_PROFILE, "deskra-v2") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "did you mean \"deskera-v2\"?") != NULL);
  {
    oauth2kit_client *bare = make_client("c", 0);
    oauth2kit_token_set *none = NULL;
    CHECK(bare != NULL);
    CHECK(oauth2kit_client_client_credentials(bare, NULL, &none) == OAUTH2KIT_STATUS_CONFIG);
    CHECK(strstr(oauth2kit_last_error_message(), "no token endpoint configured; set oauth2kit_config_set(cfg, "
                                                 "OAUTH2KIT_OPTION_TOKEN_URL, value) or") != NULL);
    CHECK(none == NULL);
    oauth2kit_client_free(bare);
  }
  /* A handle of the wrong type is detected. */
  CHECK(oauth2kit_client_client_credentials((const oauth2kit_client *)cfg, NULL, NULL) ==
        OAUTH2KIT_STATUS_NULL_ARGUMENT);
  oauth2kit_token_set *ts = NULL;
  CHECK(oauth2kit_client_client_credentials((const oauth2kit_client *)cfg, NULL, &ts) ==
        OAUTH2KIT_STATUS_WRONG_HANDLE);
  CHECK(oauth2kit_client_client_credentials(NULL, NULL, &ts) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  oauth2kit_client_free((oauth2kit_client *)cfg); /* wrong type: ignored, not freed */
  oauth2kit_config_free(cfg);
  /* Every _free accepts NULL. */
  oauth2kit_config_free(NULL);
  oauth2kit_client_free(NULL);
  oauth2kit_token_set_free(NULL);
  oauth2kit_authorization_free(NULL);
  oauth2kit_introspection_free(NULL);
  oauth2kit_device_authorization_free(NULL);
  oauth2kit_session_free(NULL);
  oauth2kit_store_free(NULL);
  oauth2kit_string_free(NULL);
  CHECK(oauth2kit_token_set_from_json("{not json", &ts) == OAUTH2KIT_STATUS_INVALID_ARGUMENT);
  CHECK(oauth2kit_authorization_from_json("[]", NULL) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  STREQ(oauth2kit_status_name(OAUTH2KIT_STATUS_WRONG_HANDLE), "wrong_handle");
  STREQ(oauth2kit_status_name(OAUTH2KIT_STATUS_REAUTHORIZATION_REQUIRED), "reauthorization_required");
  STREQ(oauth2kit_status_name(77), "unknown"); /* the documented fallback of every binding */
  STREQ(oauth2kit_status_name(-5), "unknown"); /* negative numbers too: never an invalid enum value */
  oauth2kit_last_error_clear();
  CHECK(oauth2kit_last_error_status() == OAUTH2KIT_STATUS_OK && oauth2kit_last_error_message() == NULL);
  CHECK(strlen(oauth2kit_version()) > 0);
}

static void test_client_credentials_introspect_revoke(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_INTROSPECTION_URL,
                                    url("/introspect"), OAUTH2KIT_OPTION_REVOCATION_URL, url("/revoke"), 0);
  CHECK(c != NULL);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, "read", &t));
  char *at = access_token(t);
  CHECK(at && strlen(at) > 10);
  char *scope = NULL, *rt = (char *)1, *type = NULL;
  OK(oauth2kit_token_set_scope(t, &scope));
  STREQ(scope, "read");
  OK(oauth2kit_token_set_refresh_token(t, &rt));
  CHECK(rt == NULL); /* none for client credentials */
  OK(oauth2kit_token_set_token_type(t, &type));
  CHECK(type && strcasecmp(type, "bearer") == 0);
  int64_t exp = 0;
  OK(oauth2kit_token_set_expires_at(t, &exp));
  CHECK(exp > 1700000000);
  bool expired = true;
  OK(oauth2kit_token_set_is_expired(t, 0, &expired));
  CHECK(!expired);

  char *name = NULL, *value = NULL;
  OK(oauth2kit_client_authorization_header(c, t, &name, &value));
  STREQ(name, "Authorization");
  CHECK(value && strncmp(value, "Bearer ", 7) == 0 && strcmp(value + 7, at) == 0);

  oauth2kit_introspection *in = NULL;
  bool active = false;
  OK(oauth2kit_client_introspect(c, at, OAUTH2KIT_TOKEN_HINT_ACCESS_TOKEN, &in));
  OK(oauth2kit_introspection_active(in, &active));
  CHECK(active);
  char *cid = NULL;
  OK(oauth2kit_introspection_field(in, "client_id", &cid));
  STREQ(cid, "basic-client");
  oauth2kit_introspection_free(in);

  OK(oauth2kit_client_revoke(c, at, OAUTH2KIT_TOKEN_HINT_ACCESS_TOKEN));
  in = NULL;
  OK(oauth2kit_client_introspect(c, at, OAUTH2KIT_TOKEN_HINT_NONE, &in));
  OK(oauth2kit_introspection_active(in, &active));
  CHECK(!active);
  oauth2kit_introspection_free(in);
  CHECK(oauth2kit_client_revoke(c, at, 7) == OAUTH2KIT_STATUS_INVALID_ARGUMENT);

  /* JSON round trip (for a store of one's own). */
  char *json = NULL;
  oauth2kit_token_set *back = NULL;
  OK(oauth2kit_token_set_to_json(t, &json));
  OK(oauth2kit_token_set_from_json(json, &back));
  char *at2 = access_token(back);
  STREQ(at, at2);

  oauth2kit_string_free(at2);
  oauth2kit_string_free(json);
  oauth2kit_token_set_free(back);
  oauth2kit_string_free(cid);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(type);
  oauth2kit_string_free(scope);
  oauth2kit_string_free(at);
  oauth2kit_token_set_free(t);
  oauth2kit_client_free(c);
}

/* The log callback: every event appended to one buffer (events may come from
   any thread, so under a mutex). */
static struct {
  pthread_mutex_t lock;
  char text[16384];
  size_t len;
  int debug_events;
} LOG = {PTHREAD_MUTEX_INITIALIZER, {0}, 0, 0};

static void on_log(int32_t level, const char *target, const char *message, void *user_data) {
  CHECK(user_data == &LOG);
  pthread_mutex_lock(&LOG.lock);
  if (level == OAUTH2KIT_LOG_LEVEL_DEBUG) LOG.debug_events++;
  int n = snprintf(LOG.text + LOG.len, sizeof LOG.text - LOG.len, "%d %s %s\n", level, target, message);
  if (n > 0 && LOG.len + (size_t)n < sizeof LOG.text) LOG.len += (size_t)n;
  pthread_mutex_unlock(&LOG.lock);
}

static void test_log_callback(void) {
  OK(oauth2kit_set_log_callback(OAUTH2KIT_LOG_LEVEL_DEBUG, on_log, &LOG));
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, "read", &t));
  char *at = access_token(t);
  OK(oauth2kit_set_log_callback(OAUTH2KIT_LOG_LEVEL_OFF, NULL, NULL)); /* removed: nothing more arrives */
  size_t len_after_removal = LOG.len;
  oauth2kit_token_set *t2 = NULL;
  OK(oauth2kit_client_client_credentials(c, "read", &t2));
  CHECK(LOG.len == len_after_removal);
  char expected[600];
  snprintf(expected, sizeof expected, "oauth2kit::http HTTP exchange method=POST url=%s status=200", url("/token"));
  CHECK(strstr(LOG.text, expected) != NULL);
  CHECK(LOG.debug_events >= 1);
  CHECK(at && strstr(LOG.text, at) == NULL); /* no token */
  CHECK(strstr(LOG.text, "basic secret") == NULL && strstr(LOG.text, "basic%20secret") == NULL);
  if (failures) fprintf(stderr, "log:\n%s", LOG.text);
  oauth2kit_string_free(at);
  oauth2kit_token_set_free(t);
  oauth2kit_token_set_free(t2);
  oauth2kit_client_free(c);
}

static void test_oauth_error_fields(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "Zq8-s3cr3t-value",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  oauth2kit_token_set *t = NULL;
  CHECK(oauth2kit_client_client_credentials(c, NULL, &t) == OAUTH2KIT_STATUS_OAUTH);
  CHECK(t == NULL);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_client");
  CHECK(oauth2kit_last_error_http_status() == 401);
  CHECK(!oauth2kit_last_error_is_transient());
  CHECK(strstr(oauth2kit_last_error_message(), "Zq8-s3cr3t") == NULL); /* the secret never shows */
  oauth2kit_client_free(c);

  /* A connection refused is a transport error, marked transient. */
  c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "x", OAUTH2KIT_OPTION_TOKEN_URL,
                  "http://127.0.0.1:1/token", 0);
  CHECK(oauth2kit_client_client_credentials(c, NULL, &t) == OAUTH2KIT_STATUS_TRANSPORT);
  CHECK(oauth2kit_last_error_is_transient());
  CHECK(oauth2kit_last_error_http_status() == 0);
  oauth2kit_client_free(c);
}

static void test_password_and_refresh(void) {
  oauth2kit_client *c = make_client("post-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "post-secret",
                                    OAUTH2KIT_OPTION_AUTH_METHOD, "client_secret_post", OAUTH2KIT_OPTION_TOKEN_URL,
                                    url("/token"), 0);
  oauth2kit_token_set *t = NULL, *t2 = NULL;
  OK(oauth2kit_client_password(c, "alice", "wonderland", "read", &t));
  char *rt = NULL;
  OK(oauth2kit_token_set_refresh_token(t, &rt));
  CHECK(rt != NULL);
  OK(oauth2kit_client_refresh(c, rt, NULL, &t2));
  char *a1 = access_token(t), *a2 = access_token(t2);
  CHECK(a1 && a2 && strcmp(a1, a2) != 0);
  oauth2kit_token_set *t3 = NULL;
  CHECK(oauth2kit_client_refresh(c, "not-a-refresh-token", NULL, &t3) == OAUTH2KIT_STATUS_REAUTHORIZATION_REQUIRED);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_grant");
  CHECK(oauth2kit_client_password(c, "alice", "wrong", NULL, &t3) == OAUTH2KIT_STATUS_OAUTH);
  oauth2kit_string_free(a1);
  oauth2kit_string_free(a2);
  oauth2kit_string_free(rt);
  oauth2kit_token_set_free(t);
  oauth2kit_token_set_free(t2);
  oauth2kit_client_free(c);
}

/* Follows /authorize like a browser and returns the redirect (Location). */
static int follow(const char *auth_url, char *location, size_t len) {
  return dev_http("GET", auth_url, NULL, location, len, NULL, 0);
}

static void test_authorization_code_pkce(void) {
  oauth2kit_client *c =
      make_client("public-client", OAUTH2KIT_OPTION_DISCOVERY_ISSUER, BASE, OAUTH2KIT_OPTION_REDIRECT_URI,
                  "http://127.0.0.1:8765/callback", 0);
  CHECK(c != NULL);
  oauth2kit_param extra[] = {{"login_hint", "alice"}};
  oauth2kit_authorization *a = NULL;
  OK(oauth2kit_client_authorize(c, "openid read", NULL, extra, 1, &a));
  char *u = NULL, *state = NULL, *json = NULL;
  OK(oauth2kit_authorization_url(a, &u));
  OK(oauth2kit_authorization_state(a, &state));
  CHECK(u && strstr(u, "code_challenge_method=S256") && strstr(u, "login_hint=alice"));
  char location[2048];
  CHECK(follow(u, location, sizeof location) == 302);
  CHECK(strstr(location, state) != NULL);

  /* The pending state survives a JSON round trip (another request, another process). */
  OK(oauth2kit_authorization_to_json(a, &json));
  oauth2kit_authorization *restored = NULL;
  OK(oauth2kit_authorization_from_json(json, &restored));
  char *nourl = NULL;
  CHECK(oauth2kit_authorization_url(restored, &nourl) == OAUTH2KIT_STATUS_INVALID_ARGUMENT);

  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_exchange_redirect(c, restored, location, &t));
  char *at = access_token(t);
  CHECK(at != NULL);
  char *id_token = NULL;
  OK(oauth2kit_token_set_id_token(t, &id_token));
  CHECK(id_token != NULL);
  /* Discovery gave the JWKS: the ID token was validated, its claims are readable. */
  char *claims = NULL;
  OK(oauth2kit_token_set_id_token_claims(t, &claims));
  CHECK(claims && strstr(claims, "\"aud\":\"public-client\"") && strstr(claims, "\"nonce\""));
  char *info = NULL;
  OK(oauth2kit_client_userinfo(c, t, &info));
  CHECK(info && strstr(info, "\"sub\""));
  oauth2kit_string_free(info);
  /* POST when the provider wants it (the devserver counts the methods apart). */
  long posts = dev_count(BASE, "userinfo/post");
  oauth2kit_client *pc = make_client("public-client", OAUTH2KIT_OPTION_DISCOVERY_ISSUER, BASE,
                                     OAUTH2KIT_OPTION_USERINFO_POST, "true", 0);
  info = NULL;
  OK(oauth2kit_client_userinfo(pc, t, &info));
  CHECK(info && strstr(info, "\"sub\"") && dev_count(BASE, "userinfo/post") == posts + 1);
  oauth2kit_client_free(pc);
  oauth2kit_string_free(claims);
  oauth2kit_string_free(info);
  /* RP-initiated logout: the discovered client has no end-session endpoint. */
  char *logout = NULL;
  CHECK(oauth2kit_client_end_session_url(c, id_token, NULL, NULL, &logout) == OAUTH2KIT_STATUS_CONFIG && !logout);
  oauth2kit_client *lc = make_client("public-client", OAUTH2KIT_OPTION_END_SESSION_URL, "https://op.example/logout", 0);
  OK(oauth2kit_client_end_session_url(lc, "eyJ.x.y", "https://app.example/bye", "s1", &logout));
  STREQ(logout, "https://op.example/logout?id_token_hint=eyJ.x.y&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fbye&state=s1&client_id=public-client");
  oauth2kit_string_free(logout);
  oauth2kit_client_free(lc);
  /* A token set without a validated ID token has no claims: NULL, not an error. */
  oauth2kit_token_set *plain = NULL;
  OK(oauth2kit_token_set_from_json("{\"access_token\":\"x\"}", &plain));
  claims = (char *)1;
  OK(oauth2kit_token_set_id_token_claims(plain, &claims));
  CHECK(claims == NULL);
  oauth2kit_token_set_free(plain);
  /* The same code twice fails: it is single-use. */
  oauth2kit_token_set *again = NULL;
  CHECK(oauth2kit_client_exchange_redirect(c, a, location, &again) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_grant");

  /* A redirect whose state is not ours is refused before any request. */
  oauth2kit_authorization *b = NULL;
  OK(oauth2kit_client_authorize(c, NULL, NULL, NULL, 0, &b));
  CHECK(oauth2kit_client_exchange_redirect(c, b, location, &again) == OAUTH2KIT_STATUS_STATE_MISMATCH);
  /* An error redirect carries its RFC fields. */
  char err_redirect[1024];
  char *bstate = NULL;
  OK(oauth2kit_authorization_state(b, &bstate));
  snprintf(err_redirect, sizeof err_redirect,
           "http://127.0.0.1:8765/callback?error=access_denied&error_description=no+thanks&state=%s&iss=%s", bstate,
           BASE);
  CHECK(oauth2kit_client_exchange_redirect(c, b, err_redirect, &again) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "access_denied");
  STREQ(oauth2kit_last_error_description(), "no thanks");

  oauth2kit_string_free(bstate);
  oauth2kit_authorization_free(b);
  oauth2kit_string_free(id_token);
  oauth2kit_string_free(at);
  oauth2kit_token_set_free(t);
  oauth2kit_authorization_free(restored);
  oauth2kit_string_free(json);
  oauth2kit_string_free(u);
  oauth2kit_string_free(state);
  oauth2kit_authorization_free(a);
  oauth2kit_client_free(c);
}

/* The OpenID Connect request parameters by their wire names: typed and checked
 * by the core (max_age seconds, claims JSON, prompt=none alone); an essential
 * acr asked for in `claims` is checked in the ID token. */
static void test_openid_request_parameters(void) {
  oauth2kit_client *c =
      make_client("public-client", OAUTH2KIT_OPTION_DISCOVERY_ISSUER, BASE, OAUTH2KIT_OPTION_REDIRECT_URI,
                  "http://127.0.0.1:8765/callback", 0);
  CHECK(c != NULL);
  oauth2kit_param params[] = {
      {"prompt", "login"},
      {"max_age", "300"},
      {"ui_locales", "de-CH en"},
      {"claims", "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"urn:example:strong\"]}}}"},
  };
  oauth2kit_authorization *a = NULL;
  OK(oauth2kit_client_authorization_url(c, "openid read", NULL, params, 4, &a)); /* the concept name */
  char *u = NULL;
  OK(oauth2kit_authorization_url(a, &u));
  CHECK(strstr(u, "&prompt=login&max_age=300&ui_locales=de-CH+en&claims=%7B%22id_token%22"));
  CHECK(dev_http("POST", url("/control/id-token"), "{\"claims\":{\"acr\":\"urn:example:weak\"}}", NULL, 0, NULL,
                 0) == 200);
  char location[2048];
  CHECK(follow(u, location, sizeof location) == 302);
  oauth2kit_token_set *t = NULL;
  CHECK(oauth2kit_client_exchange_redirect(c, a, location, &t) == OAUTH2KIT_STATUS_INVALID_RESPONSE && !t);
  CHECK(strstr(oauth2kit_last_error_message(), "acr") != NULL);
  CHECK(dev_http("POST", url("/control/id-token"), "{\"claims\":{}}", NULL, 0, NULL, 0) == 200);
  oauth2kit_string_free(u);
  oauth2kit_authorization_free(a);
  /* Bad values fail before any URL exists. */
  oauth2kit_param bad[][1] = {{{"prompt", "none login"}}, {{"max_age", "soon"}}, {{"claims", "[1]"}}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    oauth2kit_authorization *none = NULL;
    CHECK(oauth2kit_client_authorize(c, "openid", NULL, bad[i], 1, &none) == OAUTH2KIT_STATUS_CONFIG && !none);
  }
  oauth2kit_client_free(c);
}

static void test_jwt_client_auth(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/rsa-client.pem", KEYS);
  char *pem = read_file(path);
  CHECK(pem != NULL);
  const char *ids[] = {"rsa-client", "ec-client", "ed-client"};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s.pem", KEYS, ids[i]);
    char *key = read_file(path);
    oauth2kit_client *c = make_client(ids[i], OAUTH2KIT_OPTION_PRIVATE_KEY_PEM, key, OAUTH2KIT_OPTION_AUTH_METHOD,
                                      "private_key_jwt", OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
    oauth2kit_token_set *t = NULL;
    OK(oauth2kit_client_client_credentials(c, NULL, &t));
    oauth2kit_token_set_free(t);
    oauth2kit_client_free(c);
    free(key);
  }
  oauth2kit_client *c =
      make_client("jwt-secret-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "jwt-secret-client-0123456789abcdef0123456789abcdef",
                  OAUTH2KIT_OPTION_AUTH_METHOD, "client_secret_jwt", OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  oauth2kit_token_set_free(t);
  oauth2kit_client_free(c);

  /* JWT bearer grant: an assertion signed with rsa-client's key stands for alice. */
  c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%", OAUTH2KIT_OPTION_TOKEN_URL,
                  url("/token"), 0);
  OK(oauth2kit_client_jwt_bearer_signed(c, pem, "rsa-client", "alice", url("/token"), 60, NULL, &t));
  oauth2kit_token_set_free(t);
  t = NULL;
  CHECK(oauth2kit_client_jwt_bearer(c, "not.a.jwt", NULL, &t) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_grant");

  /* Token exchange: a token of ours for another audience. */
  oauth2kit_token_set *subject = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &subject));
  char *st = access_token(subject);
  oauth2kit_param opts[] = {{"audience", "svc-a"},
                            {"requested_token_type", "urn:ietf:params:oauth:token-type:access_token"}};
  OK(oauth2kit_client_token_exchange(c, st, "urn:ietf:params:oauth:token-type:access_token", opts, 2, &t));
  char *itt = NULL;
  OK(oauth2kit_token_set_field(t, "issued_token_type", &itt));
  STREQ(itt, "urn:ietf:params:oauth:token-type:access_token");
  oauth2kit_param bad[] = {{"colour", "blue"}};
  oauth2kit_token_set *t2 = NULL;
  CHECK(oauth2kit_client_token_exchange(c, st, "urn:x", bad, 1, &t2) == OAUTH2KIT_STATUS_INVALID_ARGUMENT);
  oauth2kit_token_set_free(t);

  /* The same grant through the generic extension entry point. */
  oauth2kit_param ext[] = {{"subject_token", st}, {"subject_token_type", "urn:ietf:params:oauth:token-type:access_token"}};
  OK(oauth2kit_client_extension_grant(c, "urn:ietf:params:oauth:grant-type:token-exchange", ext, 2, &t));
  oauth2kit_token_set_free(t);

  /* SAML 2.0 bearer: base64url of an assertion (the devserver checks its shape only). */
  const char *saml_b64 =
      "PHNhbWw6QXNzZXJ0aW9uIHhtbG5zOnNhbWw9InVybjpvYXNpczpuYW1lczp0YzpTQU1MOjIuMDphc3NlcnRpb24iPjxzYW1sOklzc3Vlcj5p"
      "ZHA8L3NhbWw6SXNzdWVyPjxzYW1sOlN1YmplY3Q-PHNhbWw6TmFtZUlEPmFsaWNlPC9zYW1sOk5hbWVJRD48L3NhbWw6U3ViamVjdD48L3Nh"
      "bWw6QXNzZXJ0aW9uPg";
  t = NULL;
  OK(oauth2kit_client_saml2_bearer(c, saml_b64, NULL, &t));
  oauth2kit_token_set_free(t);
  CHECK(oauth2kit_client_saml2_bearer(c, "<xml/>", NULL, &t2) == OAUTH2KIT_STATUS_CONFIG);

  oauth2kit_string_free(itt);
  oauth2kit_string_free(st);
  oauth2kit_token_set_free(subject);
  oauth2kit_client_free(c);
  free(pem);
}

struct approval {
  int events;
  int approved;
  char user_code[64];
};

static bool approve_on_first_wait(void *user_data, const oauth2kit_poll_event *event) {
  struct approval *ap = user_data;
  ap->events++;
  if (event->kind == OAUTH2KIT_POLL_EVENT_KIND_WAITING && !ap->approved) {
    char u[512], body[512];
    snprintf(u, sizeof u, "%s/device/approve", BASE);
    snprintf(body, sizeof body, "{\"user_code\":\"%s\",\"approve\":true}", ap->user_code);
    ap->approved = dev_http("POST", u, body, NULL, 0, NULL, 0) == 200;
  }
  return true;
}

static bool cancel_at_once(void *user_data, const oauth2kit_poll_event *event) {
  (void)event;
  ++*(int *)user_data;
  return false;
}

/* A UI thread's Cancel button: waits until the poll reports it is waiting, then cancels. */
struct canceller {
  pthread_mutex_t lock;
  pthread_cond_t waiting;
  int seen;
  double interval;
  oauth2kit_cancel *cancel;
  oauth2kit_status cancelled; /* what oauth2kit_cancel_request returned, checked on the main thread */
};

static bool note_waiting(void *user_data, const oauth2kit_poll_event *event) {
  struct canceller *k = user_data;
  pthread_mutex_lock(&k->lock);
  if (event->kind == OAUTH2KIT_POLL_EVENT_KIND_WAITING) {
    k->seen = 1;
    k->interval = event->interval_seconds;
    pthread_cond_signal(&k->waiting);
  }
  pthread_mutex_unlock(&k->lock);
  return true;
}

static void *cancel_when_waiting(void *arg) {
  struct canceller *k = arg;
  pthread_mutex_lock(&k->lock);
  while (!k->seen) pthread_cond_wait(&k->waiting, &k->lock);
  pthread_mutex_unlock(&k->lock);
  k->cancelled = oauth2kit_cancel_request(k->cancel);
  return NULL;
}

static void test_device_flow(void) {
  CHECK(dev_http("POST", url("/control/device"), "{\"interval\":1}", NULL, 0, NULL, 0) == 200);
  oauth2kit_client *c = make_client("public-client", OAUTH2KIT_OPTION_TOKEN_URL, url("/token"),
                                    OAUTH2KIT_OPTION_DEVICE_AUTHORIZATION_URL, url("/device_authorization"), 0);
  oauth2kit_device_authorization *d = NULL;
  OK(oauth2kit_client_device_authorization(c, "read", &d));
  char *code = NULL, *vuri = NULL, *dc = (char *)1;
  OK(oauth2kit_device_authorization_field(d, "user_code", &code));
  OK(oauth2kit_device_authorization_field(d, "verification_uri", &vuri));
  OK(oauth2kit_device_authorization_field(d, "device_code", &dc));
  CHECK(code && vuri && dc == NULL); /* the device code is never handed out */
  struct approval ap = {0};
  snprintf(ap.user_code, sizeof ap.user_code, "%s", code ? code : "");
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_poll_device_token(c, d, approve_on_first_wait, &ap, NULL, &t));
  CHECK(ap.approved && ap.events >= 1 && t != NULL);
  oauth2kit_token_set_free(t);
  oauth2kit_device_authorization_free(d);

  /* The callback cancels. */
  d = NULL;
  OK(oauth2kit_client_device_authorization(c, NULL, &d));
  int calls = 0;
  t = NULL;
  CHECK(oauth2kit_client_poll_device_token(c, d, cancel_at_once, &calls, NULL, &t) == OAUTH2KIT_STATUS_CANCELLED);
  CHECK(calls == 1 && t == NULL);
  oauth2kit_device_authorization_free(d);

  /* Another thread cancels while the poll waits out a 30 s interval: the poll
   * wakes at once (not after the interval). Events carry seconds. */
  CHECK(dev_http("POST", url("/control/device"), "{\"interval\":30,\"expires_in\":600}", NULL, 0, NULL, 0) == 200);
  d = NULL;
  OK(oauth2kit_client_device_authorization(c, NULL, &d));
  struct canceller k = {.interval = -1, .cancelled = OAUTH2KIT_STATUS_PANIC};
  pthread_mutex_init(&k.lock, NULL);
  pthread_cond_init(&k.waiting, NULL);
  OK(oauth2kit_cancel_new(&k.cancel));
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, cancel_when_waiting, &k) == 0);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  t = NULL;
  CHECK(oauth2kit_client_poll_device_token(c, d, note_waiting, &k, k.cancel, &t) == OAUTH2KIT_STATUS_CANCELLED && !t);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  pthread_join(thread, NULL);
  CHECK(k.cancelled == OAUTH2KIT_STATUS_OK && k.interval == 30.0);
  CHECK(t1.tv_sec - t0.tv_sec < 20); /* woken, not after the 30 s wait */
  /* A cancelled token stays cancelled: the next poll with it stops before any wait. */
  CHECK(oauth2kit_client_poll_device_token(c, d, NULL, NULL, k.cancel, &t) == OAUTH2KIT_STATUS_CANCELLED);
  CHECK(oauth2kit_cancel_request(NULL) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(oauth2kit_cancel_request((const oauth2kit_cancel *)c) == OAUTH2KIT_STATUS_WRONG_HANDLE);
  oauth2kit_cancel_free(k.cancel);
  pthread_mutex_destroy(&k.lock);
  pthread_cond_destroy(&k.waiting);
  oauth2kit_device_authorization_free(d);
  CHECK(dev_http("POST", url("/control/device"), "{\"interval\":1,\"expires_in\":600}", NULL, 0, NULL, 0) == 200);
  oauth2kit_string_free(code);
  oauth2kit_string_free(vuri);
  oauth2kit_client_free(c);
}

struct ciba_approval {
  int events;
  int approved;
  char auth_req_id[256];
};

/* The user approves on their own device while the client polls. */
static bool approve_ciba_on_first_wait(void *user_data, const oauth2kit_poll_event *event) {
  struct ciba_approval *ap = user_data;
  ap->events++;
  if (event->kind == OAUTH2KIT_POLL_EVENT_KIND_WAITING && !ap->approved) {
    char body[512];
    snprintf(body, sizeof body, "{\"auth_req_id\":\"%s\",\"approve\":true}", ap->auth_req_id);
    ap->approved = dev_http("POST", url("/ciba/approve"), body, NULL, 0, NULL, 0) == 200;
  }
  return true;
}

static void test_ciba(void) {
  CHECK(dev_http("POST", url("/control/ciba"), "{\"expires_in\":30,\"interval\":0}", NULL, 0, NULL, 0) == 200);
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"),
                                    OAUTH2KIT_OPTION_BACKCHANNEL_AUTHENTICATION_URL, url("/bc-authorize"), 0);

  /* Split form: start, read auth_req_id, approve from the polling callback. */
  long bc_before = dev_count(BASE, "bc-authorize");
  oauth2kit_ciba_authorization *a = NULL;
  OK(oauth2kit_client_ciba_authorization(c, "alice", "openid read", "order 1234", NULL, 0, &a));
  CHECK(dev_count(BASE, "bc-authorize") == bc_before + 1);
  char *id = NULL, *expires = NULL, *interval = NULL, *none = (char *)1;
  OK(oauth2kit_ciba_authorization_field(a, "auth_req_id", &id));
  OK(oauth2kit_ciba_authorization_field(a, "expires_in", &expires));
  OK(oauth2kit_ciba_authorization_field(a, "interval", &interval));
  OK(oauth2kit_ciba_authorization_field(a, "no_such_field", &none));
  CHECK(id && strlen(id) > 0 && none == NULL);
  STREQ(expires, "30");
  STREQ(interval, "0");
  struct ciba_approval ap = {0};
  snprintf(ap.auth_req_id, sizeof ap.auth_req_id, "%s", id ? id : "");
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_poll_ciba_token(c, a, approve_ciba_on_first_wait, &ap, NULL, &t));
  CHECK(ap.approved && ap.events >= 1 && t != NULL);
  char *id_token = NULL, *at = access_token(t);
  OK(oauth2kit_token_set_id_token(t, &id_token));
  CHECK(at && id_token && strlen(id_token) > 0);
  /* A decided request cannot be polled again: its code was used. */
  oauth2kit_token_set *again = NULL;
  CHECK(oauth2kit_client_poll_ciba_token(c, a, NULL, NULL, NULL, &again) == OAUTH2KIT_STATUS_OAUTH && again == NULL);
  oauth2kit_string_free(at);
  oauth2kit_string_free(id_token);
  oauth2kit_token_set_free(t);
  oauth2kit_string_free(id);
  oauth2kit_string_free(expires);
  oauth2kit_string_free(interval);
  oauth2kit_ciba_authorization_free(a);

  /* One-call form: the user refuses (forced by the devserver). */
  CHECK(dev_http("POST", url("/control/ciba-next"), "{\"error\":\"access_denied\"}", NULL, 0, NULL, 0) == 200);
  t = NULL;
  CHECK(oauth2kit_client_ciba(c, "bob", NULL, NULL, NULL, 0, NULL, NULL, NULL, &t) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "access_denied");
  CHECK(t == NULL);

  /* One-call form: the callback cancels. */
  int calls = 0;
  CHECK(oauth2kit_client_ciba(c, "alice", "openid", NULL, NULL, 0, cancel_at_once, &calls, NULL, &t) ==
        OAUTH2KIT_STATUS_CANCELLED);
  CHECK(calls == 1 && t == NULL);

  /* The server refuses the request itself: an unknown user. */
  a = NULL;
  CHECK(oauth2kit_client_ciba_authorization(c, "mallory", "openid", NULL, NULL, 0, &a) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "unknown_user_id");
  CHECK(a == NULL);

  /* Nobody answers before the request expires. */
  CHECK(dev_http("POST", url("/control/ciba"), "{\"expires_in\":1,\"interval\":1}", NULL, 0, NULL, 0) == 200);
  OK(oauth2kit_client_ciba_authorization(c, "alice", NULL, NULL, NULL, 0, &a));
  CHECK(oauth2kit_client_poll_ciba_token(c, a, NULL, NULL, NULL, &t) == OAUTH2KIT_STATUS_EXPIRED && t == NULL);

  /* Bad input. */
  oauth2kit_ciba_authorization *b = NULL;
  CHECK(oauth2kit_client_ciba_authorization(c, NULL, NULL, NULL, NULL, 0, &b) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(oauth2kit_client_ciba_authorization(c, "\xff", NULL, NULL, NULL, 0, &b) == OAUTH2KIT_STATUS_INVALID_UTF8);
  CHECK(oauth2kit_client_ciba(c, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, &t) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(oauth2kit_client_poll_ciba_token(c, NULL, NULL, NULL, NULL, &t) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(oauth2kit_client_poll_ciba_token(c, (const oauth2kit_ciba_authorization *)c, NULL, NULL, NULL, &t) ==
        OAUTH2KIT_STATUS_WRONG_HANDLE);
  CHECK(oauth2kit_ciba_authorization_field(a, "auth_req_id", NULL) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(b == NULL && t == NULL);
  oauth2kit_ciba_authorization_free(a);
  oauth2kit_ciba_authorization_free(NULL);
  CHECK(dev_http("POST", url("/control/ciba"), "{\"expires_in\":300,\"interval\":5}", NULL, 0, NULL, 0) == 200);
  oauth2kit_client_free(c);
}

static void test_deskera_v2(void) {
  const char *cb = "http://127.0.0.1:8765/callback";
  char body[512];
  snprintf(body, sizeof body, "{\"client_id\":\"deskera-client\",\"uri\":\"%s\"}", cb);
  CHECK(dev_http("POST", url("/control/callback-uri"), body, NULL, 0, NULL, 0) == 200);
  oauth2kit_client *c = make_client("deskera-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "deskera-secret",
                                    OAUTH2KIT_OPTION_PROFILE, "deskera-v2", OAUTH2KIT_OPTION_BASE_URL,
                                    url("/deskera-v2"), 0);
  oauth2kit_authorization *a = NULL;
  OK(oauth2kit_client_authorize(c, NULL, NULL, NULL, 0, &a));
  char *u = NULL;
  OK(oauth2kit_authorization_url(a, &u));
  CHECK(u && strstr(u, "redirect_uri") == NULL && strstr(u, "code_challenge") == NULL);
  char location[2048];
  CHECK(follow(u, location, sizeof location) == 302);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_exchange_redirect(c, a, location, &t));
  bool valid = false;
  OK(oauth2kit_client_validate(c, t, &valid));
  CHECK(valid);
  char *name = NULL, *value = NULL, *at = access_token(t);
  OK(oauth2kit_client_authorization_header(c, t, &name, &value));
  STREQ(name, "x-access-token");
  STREQ(value, at);
  /* Refresh rotates the refresh token; the new access token validates. */
  char *rt = NULL;
  OK(oauth2kit_token_set_refresh_token(t, &rt));
  oauth2kit_token_set *t2 = NULL;
  long before = dev_count(BASE, "deskera-v2/token");
  OK(oauth2kit_client_refresh(c, rt, NULL, &t2));
  CHECK(dev_count(BASE, "deskera-v2/token") == before + 1);
  OK(oauth2kit_client_validate(c, t2, &valid));
  CHECK(valid);
  oauth2kit_token_set *bogus = NULL;
  OK(oauth2kit_token_set_from_json("{\"access_token\":\"bogus\"}", &bogus));
  OK(oauth2kit_client_validate(c, bogus, &valid));
  CHECK(!valid);
  oauth2kit_token_set_free(bogus);
  oauth2kit_string_free(rt);
  oauth2kit_string_free(at);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_token_set_free(t2);
  oauth2kit_token_set_free(t);
  oauth2kit_string_free(u);
  oauth2kit_authorization_free(a);
  oauth2kit_client_free(c);
}

static void test_deskera_v1(void) {
  /* The server calls the app's callback_uri (server to server) with the code. */
  dev_listener *l = dev_listener_start();
  CHECK(l != NULL);
  char cb[128], body[512];
  snprintf(cb, sizeof cb, "http://127.0.0.1:%d/deskera-callback", dev_listener_port(l));
  snprintf(body, sizeof body, "{\"client_id\":\"deskera-v1-client\",\"uri\":\"%s\"}", cb);
  CHECK(dev_http("POST", url("/control/callback-uri"), body, NULL, 0, NULL, 0) == 200);
  oauth2kit_client *c = make_client("deskera-v1-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "deskera-v1-secret",
                                    OAUTH2KIT_OPTION_PROFILE, "deskera-v1", OAUTH2KIT_OPTION_BASE_URL,
                                    url("/deskera-v1"), OAUTH2KIT_OPTION_REDIRECT_URI,
                                    "http://127.0.0.1:9/after-connect", 0);
  oauth2kit_authorization *a = NULL;
  OK(oauth2kit_client_authorize(c, NULL, NULL, NULL, 0, &a));
  char *u = NULL;
  OK(oauth2kit_authorization_url(a, &u));
  CHECK(u && strstr(u, "scope=write") && strstr(u, "code_challenge") == NULL);
  char location[2048];
  CHECK(follow(u, location, sizeof location) == 302); /* after the callback answered 2xx */
  CHECK(strncmp(location, "http://127.0.0.1:9/after-connect", 32) == 0);
  char path[2048], callback_url[2300];
  CHECK(dev_listener_finish(l, path, sizeof path) == 0);
  CHECK(strstr(path, "code=") != NULL);
  snprintf(callback_url, sizeof callback_url, "http://127.0.0.1%s", path);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_exchange_redirect(c, a, callback_url, &t)); /* state checked here */
  char *rt = NULL, *name = NULL, *value = NULL;
  OK(oauth2kit_token_set_refresh_token(t, &rt));
  CHECK(rt != NULL);
  OK(oauth2kit_client_authorization_header(c, t, &name, &value));
  CHECK(name && strcasecmp(name, "x-access-token") == 0 && value && strlen(value) > 0);
  bool valid = false;
  OK(oauth2kit_client_validate(c, t, &valid));
  CHECK(valid);
  /* Refresh: JSON camelCase body at its own endpoint; both tokens rotate. */
  long before = dev_count(BASE, "deskera-v1/refresh");
  oauth2kit_token_set *t2 = NULL;
  OK(oauth2kit_client_refresh(c, rt, NULL, &t2));
  CHECK(dev_count(BASE, "deskera-v1/refresh") == before + 1);
  char *rt2 = NULL, *at1 = access_token(t), *at2 = access_token(t2);
  OK(oauth2kit_token_set_refresh_token(t2, &rt2));
  CHECK(at1 && at2 && strcmp(at1, at2) != 0 && rt2 && strcmp(rt, rt2) != 0);
  OK(oauth2kit_client_validate(c, t2, &valid));
  CHECK(valid);
  oauth2kit_string_free(at1);
  oauth2kit_string_free(at2);
  oauth2kit_string_free(rt);
  oauth2kit_string_free(rt2);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_token_set_free(t);
  oauth2kit_token_set_free(t2);
  oauth2kit_string_free(u);
  oauth2kit_authorization_free(a);
  oauth2kit_client_free(c);
}

static void test_desko_and_profile_file(void) {
  oauth2kit_client *c = make_client("desko-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "desko-secret",
                                    OAUTH2KIT_OPTION_PROFILE, "desko", OAUTH2KIT_OPTION_BASE_URL, url("/desko"), 0);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  oauth2kit_token_set_free(t);
  oauth2kit_client_free(c);
  /* Desko's own error body is read by the profile: error = id, description = message. */
  c = make_client("desko-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "wrong", OAUTH2KIT_OPTION_PROFILE, "desko",
                  OAUTH2KIT_OPTION_BASE_URL, url("/desko"), 0);
  t = NULL;
  CHECK(oauth2kit_client_client_credentials(c, NULL, &t) == OAUTH2KIT_STATUS_OAUTH);
  CHECK(oauth2kit_last_error_oauth_error() != NULL && oauth2kit_last_error_description() != NULL);
  CHECK(oauth2kit_last_error_http_status() == 401);
  oauth2kit_client_free(c);

  /* A profile from a file: the same Desko dialect, no code change. */
  char path[] = "/tmp/oauth2kit-profile-XXXXXX.toml";
  int fd = mkstemps(path, 5);
  const char *toml =
      "name = \"my-desko\"\nclient_auth = \"client_secret_post\"\n[token]\nparams_in = \"json\"\n"
      "[errors]\nerror = \"id\"\ndescription = \"message\"\n";
  CHECK(fd >= 0 && write(fd, toml, strlen(toml)) == (ssize_t)strlen(toml));
  close(fd);
  char token_url[512];
  snprintf(token_url, sizeof token_url, "%s/desko/v1.1/oauth/token", BASE);
  c = make_client("desko-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "desko-secret", OAUTH2KIT_OPTION_PROFILE, path,
                  OAUTH2KIT_OPTION_TOKEN_URL, token_url, 0);
  t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  oauth2kit_token_set_free(t);
  oauth2kit_client_free(c);
  unlink(path);
}

/* ---- session, from 16 threads, with a C-callback store ---- */

struct c_store {
  pthread_mutex_t lock;
  char *json;
  int saves, loads, destroyed;
};

static bool store_load(void *ud, oauth2kit_json_sink *sink) {
  struct c_store *s = ud;
  bool ok = true;
  pthread_mutex_lock(&s->lock);
  s->loads++;
  /* oauth2kit copies the string: our memory stays ours. */
  if (s->json) ok = oauth2kit_json_sink_set(sink, s->json) == OAUTH2KIT_STATUS_OK;
  pthread_mutex_unlock(&s->lock);
  return ok;
}
static bool store_save(void *ud, const char *json) {
  struct c_store *s = ud;
  pthread_mutex_lock(&s->lock);
  free(s->json);
  s->json = strdup(json);
  s->saves++;
  pthread_mutex_unlock(&s->lock);
  return true;
}
static bool store_clear(void *ud) {
  struct c_store *s = ud;
  pthread_mutex_lock(&s->lock);
  free(s->json);
  s->json = NULL;
  pthread_mutex_unlock(&s->lock);
  return true;
}
static void store_destroy(void *ud) { ((struct c_store *)ud)->destroyed++; }
static bool store_fail(void *ud, const char *json) {
  (void)ud;
  (void)json;
  return false;
}

static int changes;
static void on_change(void *ud, const oauth2kit_token_set *t) {
  (void)ud;
  char *at = access_token(t);
  if (at) __atomic_add_fetch(&changes, 1, __ATOMIC_SEQ_CST);
  oauth2kit_string_free(at);
}

struct worker {
  const oauth2kit_session *session;
  int ok;
  char first[4096]; /* a whole JWT access token */
};

static void *worker_main(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < 20; i++) {
    char *at = NULL;
    if (oauth2kit_session_access_token(w->session, &at) == OAUTH2KIT_STATUS_OK) {
      if (i == 0) snprintf(w->first, sizeof w->first, "%s", at);
      w->ok++;
    }
    oauth2kit_string_free(at);
  }
  return NULL;
}

/* Redis: two store handles and two clients, as two plugin instances on two
 * hosts would have; 8 threads on each. Only the lock in Redis keeps them from
 * asking the server twice. */
static void test_redis_fleet(void) {
  char key[64];
  snprintf(key, sizeof key, "oauth2kit-c-test:%ld", (long)getpid());
  oauth2kit_client *c[2];
  oauth2kit_store *store[2];
  oauth2kit_session *s[2];
  for (int i = 0; i < 2; i++) {
    c[i] = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                       OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
    OK(oauth2kit_store_redis_new(REDIS, key, &store[i]));
    s[i] = new_session(c[i], session_config(store[i], NULL, true, "read"));
    oauth2kit_store_free(store[i]);
  }
  long before = dev_count(BASE, "token");
  enum { N = 16 };
  pthread_t th[N];
  struct worker w[N];
  for (int i = 0; i < N; i++) {
    w[i] = (struct worker){.session = s[i % 2]};
    pthread_create(&th[i], NULL, worker_main, &w[i]);
  }
  for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < N; i++) {
    CHECK(w[i].ok == 20);
    CHECK(strcmp(w[i].first, w[0].first) == 0);
  }
  CHECK(dev_count(BASE, "token") - before == 1); /* one grant for the whole fleet */

  /* What one instance saved, a third handle reads from Redis. */
  oauth2kit_store *reader = NULL;
  OK(oauth2kit_store_redis_new(REDIS, key, &reader));
  oauth2kit_token_set *loaded = NULL;
  OK(oauth2kit_store_load(reader, &loaded));
  char *at = NULL;
  CHECK(loaded && oauth2kit_token_set_access_token(loaded, &at) == OAUTH2KIT_STATUS_OK);
  if (at) STREQ(at, w[0].first);
  oauth2kit_string_free(at);
  oauth2kit_token_set_free(loaded);
  /* Sign-out from one instance empties the key for all. */
  OK(oauth2kit_session_clear(s[0]));
  loaded = NULL;
  OK(oauth2kit_store_load(reader, &loaded));
  CHECK(loaded == NULL);
  /* Its connection dies with the runtime; the store reconnects by itself. */
  OK(oauth2kit_shutdown(5000, NULL));
  OK(oauth2kit_store_load(reader, &loaded));
  CHECK(loaded == NULL);
  oauth2kit_store_free(reader);
  for (int i = 0; i < 2; i++) {
    oauth2kit_session_free(s[i]);
    oauth2kit_client_free(c[i]);
  }

  /* Nothing listens on port 1: STORE at once, and the password is not told. */
  oauth2kit_store *bad = (oauth2kit_store *)0x1;
  CHECK(oauth2kit_store_redis_new("redis://:hunter2@127.0.0.1:1/0", key, &bad) == OAUTH2KIT_STATUS_STORE);
  CHECK(strstr(oauth2kit_last_error_message(), "hunter2") == NULL);
  CHECK(oauth2kit_store_redis_new("http://127.0.0.1/", key, &bad) == OAUTH2KIT_STATUS_STORE);
  CHECK(oauth2kit_store_redis_new(NULL, key, &bad) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  CHECK(oauth2kit_store_redis_new(REDIS, "\xff", &bad) == OAUTH2KIT_STATUS_INVALID_UTF8);
  CHECK(bad == (oauth2kit_store *)0x1); /* out-params are written on success only */
}

static void test_session_threads_and_c_store(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  struct c_store cs = {.lock = PTHREAD_MUTEX_INITIALIZER};
  oauth2kit_store_callbacks cbs = {&cs, store_load, store_save, store_clear, store_destroy};
  oauth2kit_store *store = NULL;
  OK(oauth2kit_store_callbacks_new(&cbs, &store));
  oauth2kit_session_config *cfg = session_config(store, NULL, true, "read");
  OK(oauth2kit_session_config_set_on_change(cfg, on_change, NULL));
  oauth2kit_session *s = new_session(c, cfg);
  oauth2kit_store_free(store); /* the session keeps its own reference */
  CHECK(cs.destroyed == 0);

  long before = dev_count(BASE, "token");
  enum { N = 16 };
  pthread_t th[N];
  struct worker w[N];
  for (int i = 0; i < N; i++) {
    w[i] = (struct worker){.session = s};
    pthread_create(&th[i], NULL, worker_main, &w[i]);
  }
  for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
  long after = dev_count(BASE, "token");
  for (int i = 0; i < N; i++) {
    CHECK(w[i].ok == 20);
    CHECK(strcmp(w[i].first, w[0].first) == 0);
  }
  CHECK(after - before == 1); /* single flight: one grant for 320 requests from 16 threads */
  CHECK(cs.saves == 1 && cs.json && strstr(cs.json, w[0].first) != NULL);
  CHECK(__atomic_load_n(&changes, __ATOMIC_SEQ_CST) == 1);

  /* invalidate → exactly one new grant; header as the profile says. */
  OK(oauth2kit_session_invalidate(s));
  char *name = NULL, *value = NULL;
  OK(oauth2kit_session_authorization_header(s, &name, &value));
  STREQ(name, "Authorization");
  CHECK(dev_count(BASE, "token") == after + 1);
  CHECK(value && strstr(value, w[0].first) == NULL);
  oauth2kit_token_set *cur = NULL;
  OK(oauth2kit_session_token(s, &cur));
  OK(oauth2kit_session_clear(s));
  CHECK(cs.json == NULL);
  oauth2kit_token_set_free(cur);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_session_free(s);
  CHECK(cs.destroyed == 1);
  free(cs.json);

  /* A store that fails to save: the error is STORE. */
  oauth2kit_store_callbacks failing = {&cs, store_load, store_fail, store_clear, NULL};
  OK(oauth2kit_store_callbacks_new(&failing, &store));
  s = new_session(c, session_config(store, NULL, true, NULL));
  char *at = NULL;
  CHECK(oauth2kit_session_access_token(s, &at) == OAUTH2KIT_STATUS_STORE);
  oauth2kit_session_free(s);
  oauth2kit_store_free(store);

  /* A file store persists; a new session reads it without a grant. */
  char path[] = "/tmp/oauth2kit-store-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  OK(oauth2kit_store_file_new(path, &store));
  s = new_session(c, session_config(store, NULL, true, NULL));
  OK(oauth2kit_session_access_token(s, &at));
  oauth2kit_session_free(s);
  long mid = dev_count(BASE, "token");
  s = new_session(c, session_config(store, NULL, true, NULL));
  char *at2 = NULL;
  OK(oauth2kit_session_access_token(s, &at2));
  STREQ(at, at2);
  CHECK(dev_count(BASE, "token") == mid);
  oauth2kit_token_set *loaded = NULL;
  OK(oauth2kit_store_load(store, &loaded));
  CHECK(loaded != NULL);
  oauth2kit_token_set_free(loaded);
  oauth2kit_string_free(at);
  oauth2kit_string_free(at2);
  oauth2kit_session_free(s);

  /* Tokens given to a session are saved before oauth2kit_session_new returns. */
  unlink(path);
  oauth2kit_token_set *given = NULL;
  OK(oauth2kit_token_set_from_json("{\"access_token\":\"given-at\",\"refresh_token\":\"given-rt\"}", &given));
  s = new_session(c, session_config(store, given, false, NULL));
  oauth2kit_session_free(s);
  OK(oauth2kit_store_load(store, &loaded));
  CHECK(loaded != NULL);
  char *rt = NULL;
  if (loaded) {
    OK(oauth2kit_token_set_refresh_token(loaded, &rt));
    STREQ(rt, "given-rt");
  }
  oauth2kit_string_free(rt);
  oauth2kit_token_set_free(loaded);
  oauth2kit_token_set_free(given);
  oauth2kit_store_free(store);
  unlink(path);
  oauth2kit_client_free(c);
}

/* 16 threads share one client. */
static void *cc_worker(void *arg) {
  const oauth2kit_client *c = arg;
  long ok = 0;
  for (int i = 0; i < 5; i++) {
    oauth2kit_token_set *t = NULL;
    if (oauth2kit_client_client_credentials(c, NULL, &t) == OAUTH2KIT_STATUS_OK) ok++;
    oauth2kit_token_set_free(t);
  }
  return (void *)ok;
}

static void test_shared_client_threads(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  pthread_t th[16];
  for (int i = 0; i < 16; i++) pthread_create(&th[i], NULL, cc_worker, c);
  long total = 0;
  for (int i = 0; i < 16; i++) {
    void *r;
    pthread_join(th[i], &r);
    total += (long)r;
  }
  CHECK(total == 80);
  oauth2kit_client_free(c);
}

/* ---- reading the token into the caller's buffer ---- */

/* Every session option of the binding layer, from C: a JWT bearer session
   (a new assertion per fetch, audience defaulting to the token endpoint),
   timings in seconds, and bad values refused with CONFIG naming the option. */
static void test_session_options(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/rsa-client.pem", KEYS);
  char *pem = read_file(path);
  oauth2kit_session_config *cfg = session_config(NULL, NULL, false, "read");
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_JWT_BEARER_PRIVATE_KEY_PEM, pem));
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_JWT_BEARER_ISSUER, "rsa-client"));
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_JWT_BEARER_SUBJECT, "alice"));
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_RETRY_DEADLINE, "2.5"));
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_VALIDATE_EVERY, "60"));
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_LOCK_TTL, "10"));
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_REFRESH_MARGIN, "0"));
  long before = dev_count(BASE, "token");
  oauth2kit_session *s = new_session(c, cfg);
  char *at = NULL;
  OK(oauth2kit_session_access_token(s, &at));
  CHECK(at && strlen(at) > 0);
  CHECK(dev_count(BASE, "token") == before + 1);
  oauth2kit_string_free(at);
  oauth2kit_session_free(s);

  /* Bad values: the option is named, the key never echoed. */
  OK(oauth2kit_session_config_new(&cfg));
  CHECK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_REFRESH_MARGIN, "-1") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "refresh_margin") != NULL);
  CHECK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_RETRY_DEADLINE, "1e19") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_CLIENT_CREDENTIALS, "maybe") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_session_config_set(cfg, 999, "1") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_JWT_BEARER_PRIVATE_KEY_PEM,
                                     "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n") ==
        OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "c2VjcmV0") == NULL);
  CHECK(oauth2kit_session_config_set(NULL, OAUTH2KIT_SESSION_OPTION_SCOPE, "x") == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  /* One grant only. */
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_CLIENT_CREDENTIALS, "true"));
  OK(oauth2kit_session_config_set(cfg, OAUTH2KIT_SESSION_OPTION_JWT_BEARER_ASSERTION, "a.b.c"));
  s = NULL;
  CHECK(oauth2kit_session_new(c, cfg, &s) == OAUTH2KIT_STATUS_CONFIG && s == NULL);
  oauth2kit_session_config_free(cfg);
  oauth2kit_session_config_free(NULL);
  /* No config: a session with no grant and nothing stored asks for re-authorization. */
  OK(oauth2kit_session_new(c, NULL, &s));
  CHECK(oauth2kit_session_access_token(s, &at) == OAUTH2KIT_STATUS_REAUTHORIZATION_REQUIRED);
  oauth2kit_session_free(s);
  free(pem);
  oauth2kit_client_free(c);
}

static void test_session_access_token_into(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  oauth2kit_session *s = new_session(c, session_config(NULL, NULL, true, NULL));
  char *at = NULL;
  OK(oauth2kit_session_access_token(s, &at));
  size_t need = 0;
  /* Asking for the size: NULL buffer, INVALID_ARGUMENT, *needed written. */
  CHECK(oauth2kit_session_access_token_into(s, NULL, 0, &need) == OAUTH2KIT_STATUS_INVALID_ARGUMENT);
  CHECK(at && need == strlen(at) + 1);
  char small[8] = "unused";
  CHECK(oauth2kit_session_access_token_into(s, small, sizeof small, NULL) == OAUTH2KIT_STATUS_INVALID_ARGUMENT);
  STREQ(small, "unused"); /* nothing written on failure */
  char *buf = malloc(need);
  OK(oauth2kit_session_access_token_into(s, buf, need, NULL));
  STREQ(buf, at);
  CHECK(oauth2kit_session_access_token_into(NULL, buf, need, NULL) == OAUTH2KIT_STATUS_NULL_ARGUMENT);
  free(buf);
  oauth2kit_string_free(at);
  oauth2kit_session_free(s);
  oauth2kit_client_free(c);
}

/* ---- shutdown before unloading ---- */

/* Threads of this process named "oauth2kit" (the runtime's workers and blocking pool). */
static int runtime_threads(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[300], name[64] = {0};
    snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
    FILE *f = fopen(path, "r");
    if (!f) continue; /* the thread has just exited */
    if (fgets(name, sizeof name, f) && strncmp(name, "oauth2kit", 9) == 0) n++;
    fclose(f);
  }
  closedir(d);
  return n;
}

static int runtime_threads_settled(void) { /* exiting threads leave /proc a moment later */
  int n = runtime_threads();
  for (int i = 0; i < 200 && n > 0; i++) {
    usleep(10000);
    n = runtime_threads();
  }
  return n;
}

static oauth2kit_status shutdown_status_in_callback = OAUTH2KIT_STATUS_OK;
static bool store_save_that_shuts_down(void *ud, const char *json) {
  (void)ud;
  (void)json;
  shutdown_status_in_callback = oauth2kit_shutdown(100, NULL);
  return true;
}

static void test_shutdown(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  oauth2kit_token_set_free(t);
  CHECK(runtime_threads() > 0);
  bool was_running = false;
  OK(oauth2kit_shutdown(5000, &was_running));
  CHECK(was_running);
  CHECK(runtime_threads_settled() == 0); /* every runtime thread has exited */
  was_running = true;
  OK(oauth2kit_shutdown(5000, &was_running));
  CHECK(!was_running); /* nothing left to stop */
  OK(oauth2kit_shutdown(0, NULL));

  /* The same client works afterwards: a new runtime, new connections. */
  t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  CHECK(t != NULL);
  oauth2kit_token_set_free(t);

  /* A callback runs on a runtime thread, which cannot stop its own runtime. */
  struct c_store cs = {.lock = PTHREAD_MUTEX_INITIALIZER};
  oauth2kit_store_callbacks cbs = {&cs, store_load, store_save_that_shuts_down, store_clear, NULL};
  oauth2kit_store *store = NULL;
  OK(oauth2kit_store_callbacks_new(&cbs, &store));
  oauth2kit_session *s = new_session(c, session_config(store, NULL, true, NULL));
  oauth2kit_store_free(store);
  char *at = NULL;
  OK(oauth2kit_session_access_token(s, &at));
  CHECK(at != NULL);
  oauth2kit_string_free(at);
  CHECK(shutdown_status_in_callback == OAUTH2KIT_STATUS_RUNTIME);
  oauth2kit_session_free(s);
  oauth2kit_client_free(c);
}

/* Sends GET `target` with the headers of a resource request; copies the
   answer's WWW-Authenticate and DPoP-Nonce. Returns the status. */
static int send_resource(const char *target, const char *name, const char *value, const char *proof, char *www,
                         char *nonce) {
  char headers[8192];
  if (proof)
    snprintf(headers, sizeof headers, "%s: %s\r\nDPoP: %s\r\n", name, value, proof);
  else
    snprintf(headers, sizeof headers, "%s: %s\r\n", name, value);
  return dev_http_headers("GET", target, headers, "WWW-Authenticate", www, 512, "DPoP-Nonce", nonce, 256);
}

/* Rich authorization requests (RFC 9396): the client option goes with client
   credentials and the authorization URL, a call's parameter replaces it, the
   granted details are read back; a type the server does not know and a
   malformed value are typed errors. */
static void test_authorization_details(void) {
  const char *pay = "[{\"type\":\"payment_initiation\",\"instructedAmount\":{\"currency\":\"EUR\",\"amount\":\"9.99\"}}]";
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_AUTHORIZATION_URL,
                                    url("/authorize"), OAUTH2KIT_OPTION_REDIRECT_URI, "http://127.0.0.1:8765/callback",
                                    OAUTH2KIT_OPTION_AUTHORIZATION_DETAILS, pay, 0);
  CHECK(c != NULL);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  char *granted = NULL;
  OK(oauth2kit_token_set_authorization_details(t, &granted));
  CHECK(granted && strstr(granted, "\"payment_initiation\"") && strstr(granted, "\"9.99\""));
  oauth2kit_string_free(granted);
  oauth2kit_token_set_free(t);

  /* The code flow: the call's details replace the client's. */
  oauth2kit_param extra[] = {{"authorization_details", "[{\"type\":\"account_information\",\"actions\":[\"read\"]}]"}};
  oauth2kit_authorization *a = NULL;
  OK(oauth2kit_client_authorize(c, "read", NULL, extra, 1, &a));
  char *u = NULL;
  OK(oauth2kit_authorization_url(a, &u));
  CHECK(u && strstr(u, "authorization_details=") && !strstr(u, "payment_initiation"));
  char location[2048];
  CHECK(follow(u, location, sizeof location) == 302);
  t = NULL;
  OK(oauth2kit_client_exchange_redirect(c, a, location, &t));
  granted = NULL;
  OK(oauth2kit_token_set_authorization_details(t, &granted));
  CHECK(granted && strstr(granted, "account_information") && !strstr(granted, "payment_initiation"));
  oauth2kit_string_free(granted);
  oauth2kit_token_set_free(t);
  oauth2kit_string_free(u);
  oauth2kit_authorization_free(a);
  oauth2kit_client_free(c);

  /* A type the server does not know: its OAuth error, typed. */
  c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%", OAUTH2KIT_OPTION_TOKEN_URL,
                  url("/token"), OAUTH2KIT_OPTION_AUTHORIZATION_DETAILS, "[{\"type\":\"crypto_swap\"}]", 0);
  t = NULL;
  CHECK(oauth2kit_client_client_credentials(c, NULL, &t) == OAUTH2KIT_STATUS_OAUTH);
  CHECK(t == NULL);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_authorization_details");
  oauth2kit_client_free(c);

  /* Not an array of typed objects: refused by the option, nothing sent. */
  oauth2kit_config *cfg = NULL;
  OK(oauth2kit_config_new("basic-client", &cfg));
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTHORIZATION_DETAILS, "{\"type\":\"x\"}") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "authorization_details") != NULL);
  oauth2kit_config_free(cfg);
  /* A token set without details answers NULL. */
  c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%", OAUTH2KIT_OPTION_TOKEN_URL,
                  url("/token"), 0);
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  granted = (char *)1;
  OK(oauth2kit_token_set_authorization_details(t, &granted));
  CHECK(granted == NULL);
  oauth2kit_token_set_free(t);
  oauth2kit_client_free(c);
}

/* --- mutual TLS (RFC 8705) --- */
static char *tls_file(const char *name) {
  char *path = NULL;
  if (asprintf(&path, "%s/%s", TLS_DIR, name) < 0) return NULL;
  char *text = read_file(path);
  free(path);
  return text;
}

/* Client credentials over mutual TLS against the HTTPS devserver (discovered,
   so the client uses its mtls_endpoint_aliases): tls_client_auth with the
   certificate its CA issued and self_signed_tls_client_auth with the
   registered one succeed; the token is bound to the certificate (UserInfo
   answers the client that holds it, and refuses it over another certificate
   or none: invalid_token); the wrong certificate is refused by the server
   (invalid_client); an mTLS method without a certificate is a CONFIG error. */
static void test_mtls(void) {
  /* Under valgrind these HTTPS requests are left to the plain and ASan runs:
     memcheck cannot model ring's AES-GCM assembly and reports uninitialised
     values inside it (open_within, the writev of sealed records), reports on
     code it cannot follow, not on ours (as in test_hostile.c). */
  if (getenv("OAUTH2KIT_UNDER_VALGRIND")) {
    fprintf(stderr, "test_mtls: skipped under valgrind (TLS; run by the plain and ASan suites)\n");
    return;
  }
  char *ca = tls_file("ca.pem"), *cert = tls_file("mtls-client.crt.pem"), *key = tls_file("mtls-client.key.pem");
  char *ss_cert = tls_file("self-signed-client.crt.pem"), *ss_key = tls_file("self-signed-client.key.pem");
  CHECK(ca && cert && key && ss_cert && ss_key);
  if (!(ca && cert && key && ss_cert && ss_key)) goto out;
  oauth2kit_client *c = make_client("mtls-client", OAUTH2KIT_OPTION_DISCOVERY_ISSUER, TLS_BASE,
                                    OAUTH2KIT_OPTION_CA_CERTIFICATES_PEM, ca, OAUTH2KIT_OPTION_AUTH_METHOD,
                                    "tls_client_auth", OAUTH2KIT_OPTION_TLS_CLIENT_CERTIFICATE, cert,
                                    OAUTH2KIT_OPTION_TLS_CLIENT_KEY, key, 0);
  oauth2kit_client *ss = make_client("self-signed-client", OAUTH2KIT_OPTION_DISCOVERY_ISSUER, TLS_BASE,
                                     OAUTH2KIT_OPTION_CA_CERTIFICATES_PEM, ca, OAUTH2KIT_OPTION_AUTH_METHOD,
                                     "self_signed_tls_client_auth", OAUTH2KIT_OPTION_TLS_CLIENT_CERTIFICATE, ss_cert,
                                     OAUTH2KIT_OPTION_TLS_CLIENT_KEY, ss_key, 0);
  oauth2kit_client *no_cert = make_client("public-client", OAUTH2KIT_OPTION_DISCOVERY_ISSUER, TLS_BASE,
                                          OAUTH2KIT_OPTION_CA_CERTIFICATES_PEM, ca, 0);
  /* The self-signed certificate under mtls-client's id: not one its CA issued. */
  oauth2kit_client *wrong = make_client("mtls-client", OAUTH2KIT_OPTION_DISCOVERY_ISSUER, TLS_BASE,
                                        OAUTH2KIT_OPTION_CA_CERTIFICATES_PEM, ca, OAUTH2KIT_OPTION_AUTH_METHOD,
                                        "tls_client_auth", OAUTH2KIT_OPTION_TLS_CLIENT_CERTIFICATE, ss_cert,
                                        OAUTH2KIT_OPTION_TLS_CLIENT_KEY, ss_key, 0);
  CHECK(c && ss && no_cert && wrong);
  if (!(c && ss && no_cert && wrong)) goto clients;

  oauth2kit_token_set *t = NULL, *st = NULL, *none = NULL;
  OK(oauth2kit_client_client_credentials(c, "read", &t));
  OK(oauth2kit_client_client_credentials(ss, NULL, &st));
  char *claims = NULL;
  OK(oauth2kit_client_userinfo(c, t, &claims));
  CHECK(claims && strstr(claims, "\"sub\":\"mtls-client\"") != NULL);
  oauth2kit_string_free(claims);
  claims = NULL;
  OK(oauth2kit_client_userinfo(ss, st, &claims));
  CHECK(claims && strstr(claims, "\"sub\":\"self-signed-client\"") != NULL);
  oauth2kit_string_free(claims);
  /* mtls-client's token over another certificate, and over none. */
  claims = NULL;
  CHECK(oauth2kit_client_userinfo(ss, t, &claims) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_token");
  CHECK(oauth2kit_client_userinfo(no_cert, t, &claims) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_token");
  CHECK(claims == NULL);
  /* The wrong certificate: refused by the server. */
  CHECK(oauth2kit_client_client_credentials(wrong, NULL, &none) == OAUTH2KIT_STATUS_OAUTH);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_client");
  CHECK(none == NULL);
  oauth2kit_token_set_free(t);
  oauth2kit_token_set_free(st);

  /* An mTLS method without a certificate: CONFIG, naming what is missing; a key
     that is not the certificate's: CONFIG, never quoting the key. */
  oauth2kit_config *cfg = NULL;
  oauth2kit_client *bad = NULL;
  OK(oauth2kit_config_new("mtls-client", &cfg));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TOKEN_URL, "https://as.example/token"));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTH_METHOD, "tls_client_auth"));
  CHECK(oauth2kit_client_new(cfg, &bad) == OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "client certificate") != NULL);
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TLS_CLIENT_CERTIFICATE, cert));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TLS_CLIENT_KEY, ss_key));
  CHECK(oauth2kit_client_new(cfg, &bad) == OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "does not belong") != NULL);
  CHECK(strstr(oauth2kit_last_error_message(), "PRIVATE KEY") == NULL);
  CHECK(bad == NULL);
  oauth2kit_config_free(cfg);
clients:
  oauth2kit_client_free(c);
  oauth2kit_client_free(ss);
  oauth2kit_client_free(no_cert);
  oauth2kit_client_free(wrong);
out:
  free(ca);
  free(cert);
  free(key);
  free(ss_cert);
  free(ss_key);
}
/* --- end mutual TLS --- */

/* JWT-secured authorization requests (RFC 9101): the URL carries a request
   object signed with the client's key, which the devserver verifies; without
   a key the option is a CONFIG error when the client is made. */
static void test_request_object(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/ec-client.pem", KEYS);
  char *key = read_file(path);
  CHECK(key != NULL);
  oauth2kit_client *c = make_client("ec-client", OAUTH2KIT_OPTION_PRIVATE_KEY_PEM, key, OAUTH2KIT_OPTION_ISSUER, BASE,
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_AUTHORIZATION_URL,
                                    url("/authorize"), OAUTH2KIT_OPTION_REDIRECT_URI, "http://127.0.0.1:8765/callback",
                                    OAUTH2KIT_OPTION_REQUEST_OBJECT, "true", 0);
  CHECK(c != NULL);
  oauth2kit_authorization *a = NULL;
  OK(oauth2kit_client_authorize(c, "read", NULL, NULL, 0, &a));
  char *u = NULL;
  OK(oauth2kit_authorization_url(a, &u));
  CHECK(u && strstr(u, "&request=ey") && !strstr(u, "state=") && !strstr(u, "code_challenge="));
  char location[2048];
  CHECK(follow(u, location, sizeof location) == 302);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_exchange_redirect(c, a, location, &t));
  char *at = access_token(t);
  CHECK(at != NULL);
  oauth2kit_string_free(at);
  oauth2kit_token_set_free(t);
  oauth2kit_string_free(u);
  oauth2kit_authorization_free(a);
  oauth2kit_client_free(c);
  free(key);

  oauth2kit_config *cfg = NULL;
  OK(oauth2kit_config_new("basic-client", &cfg));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_ISSUER, BASE));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTHORIZATION_URL, url("/authorize")));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_REQUEST_OBJECT, "true"));
  c = NULL;
  CHECK(oauth2kit_client_new(cfg, &c) == OAUTH2KIT_STATUS_CONFIG);
  CHECK(c == NULL);
  CHECK(strstr(oauth2kit_last_error_message(), "private key") != NULL);
  oauth2kit_config_free(cfg);
}

/* ---- JARM (JWT Secured Authorization Response Mode) ---------------------
   The response comes back as a JWT signed with the devserver's ID token key,
   checked with its JWKS before the code is used: by query, fragment and
   form post; each spoiled response (/control/jarm) is refused with
   INVALID_RESPONSE naming its check, and no token request is made. */
static oauth2kit_client *jarm_client(const char *mode) {
  return make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%", OAUTH2KIT_OPTION_ISSUER, BASE,
                     OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_AUTHORIZATION_URL, url("/authorize"),
                     OAUTH2KIT_OPTION_JWKS_URI, url("/jwks"), OAUTH2KIT_OPTION_REDIRECT_URI,
                     "http://127.0.0.1:8765/callback", OAUTH2KIT_OPTION_RESPONSE_MODE, mode, 0);
}

/* Plays the browser: the redirect (query, fragment) or the body a form post
   would send ("response=<JWT>"). */
static int jarm_respond(const char *mode, const char *auth_url, char *out, size_t len) {
  if (strcmp(mode, "form_post.jwt") != 0) return follow(auth_url, out, len) == 302;
  static char html[8192];
  if (dev_http("GET", auth_url, NULL, NULL, 0, html, sizeof html) != 200) return 0;
  const char *start = strstr(html, "name=\"response\" value=\"");
  if (!start) return 0;
  start += strlen("name=\"response\" value=\"");
  const char *end = strchr(start, '"');
  if (!end) return 0;
  snprintf(out, len, "response=%.*s", (int)(end - start), start);
  return 1;
}

static void test_jarm(void) {
  const char *modes[] = {"query.jwt", "fragment.jwt", "form_post.jwt"};
  const char *marks[] = {"/callback?response=ey", "/callback#response=ey", "response=ey"};
  for (int i = 0; i < 3; i++) {
    oauth2kit_client *c = jarm_client(modes[i]);
    CHECK(c != NULL);
    oauth2kit_authorization *a = NULL;
    OK(oauth2kit_client_authorize(c, "read", NULL, NULL, 0, &a));
    char *u = NULL;
    OK(oauth2kit_authorization_url(a, &u));
    char want[64];
    snprintf(want, sizeof want, "response_mode=%s", modes[i]);
    CHECK(u && strstr(u, want));
    char redirect[4096];
    CHECK(jarm_respond(modes[i], u, redirect, sizeof redirect));
    CHECK(strstr(redirect, marks[i]) != NULL && strstr(redirect, "code=") == NULL);
    long before = dev_count(BASE, "token");
    oauth2kit_token_set *t = NULL;
    OK(oauth2kit_client_exchange_redirect(c, a, redirect, &t));
    char *at = access_token(t);
    CHECK(at != NULL && dev_count(BASE, "token") == before + 1);
    oauth2kit_string_free(at);
    oauth2kit_token_set_free(t);
    oauth2kit_string_free(u);
    oauth2kit_authorization_free(a);
    oauth2kit_client_free(c);
  }
  const char *spoil[][2] = {{"signature", "signature"}, {"iss", "iss"},        {"aud", "aud"},
                            {"exp", "exp"},             {"alg_none", "alg"},   {"plain", "downgrade"},
                            {"encrypted", "encrypted"}};
  oauth2kit_client *c = jarm_client("query.jwt");
  for (size_t i = 0; i < sizeof spoil / sizeof spoil[0]; i++) {
    char body[64];
    snprintf(body, sizeof body, "{\"corrupt\":\"%s\"}", spoil[i][0]);
    CHECK(dev_http("POST", url("/control/jarm"), body, NULL, 0, NULL, 0) == 200);
    oauth2kit_authorization *a = NULL;
    OK(oauth2kit_client_authorize(c, "read", NULL, NULL, 0, &a));
    char *u = NULL;
    OK(oauth2kit_authorization_url(a, &u));
    char redirect[4096];
    CHECK(follow(u, redirect, sizeof redirect) == 302);
    CHECK(dev_http("POST", url("/control/jarm"), "{}", NULL, 0, NULL, 0) == 200);
    long before = dev_count(BASE, "token");
    oauth2kit_token_set *t = NULL;
    CHECK(oauth2kit_client_exchange_redirect(c, a, redirect, &t) == OAUTH2KIT_STATUS_INVALID_RESPONSE && !t);
    char says[64];
    snprintf(says, sizeof says, "the %s check failed", spoil[i][1]);
    if (!strstr(oauth2kit_last_error_message(), says))
      fprintf(stderr, "JARM %s: %s\n", spoil[i][0], oauth2kit_last_error_message());
    CHECK(strstr(oauth2kit_last_error_message(), says) != NULL);
    CHECK(dev_count(BASE, "token") == before);
    oauth2kit_string_free(u);
    oauth2kit_authorization_free(a);
  }
  oauth2kit_client_free(c);
  /* A mode that does not exist is refused when it is set. */
  oauth2kit_config *cfg = NULL;
  OK(oauth2kit_config_new("basic-client", &cfg));
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_RESPONSE_MODE, "jwe") == OAUTH2KIT_STATUS_CONFIG);
  oauth2kit_config_free(cfg);
}
/* ---- end JARM ---- */

/* DPoP (RFC 9449) from C: a bound token (token_type DPoP), presented to the
   devserver's /resource with a proof it verifies; a nonce demanded → one
   retry; the key kept through a file store and used by a client without
   DPoP; a token presented with another key refused; typed errors. */
static void test_dpop(void) {
  char *pem_path = NULL;
  if (asprintf(&pem_path, "%s/ec-client.pem", KEYS) < 0) return;
  char *pem = read_file(pem_path);
  free(pem_path);
  CHECK(pem != NULL);
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_DPOP_KEY_PEM, pem, 0);
  oauth2kit_client *plain = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                        OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), 0);
  oauth2kit_client *other = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                        OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_DPOP, "true",
                                        OAUTH2KIT_OPTION_DPOP_ALGORITHM, "EdDSA", 0);
  free(pem);
  CHECK(c && plain && other);
  /* A bad DPoP option is refused where it is set, naming it. */
  oauth2kit_config *bad = NULL;
  OK(oauth2kit_config_new("basic-client", &bad));
  CHECK(oauth2kit_config_set(bad, OAUTH2KIT_OPTION_DPOP_KEY_PEM, "not a key") == OAUTH2KIT_STATUS_CONFIG);
  CHECK(strstr(oauth2kit_last_error_message(), "DPoP") != NULL);
  CHECK(oauth2kit_config_set(bad, OAUTH2KIT_OPTION_DPOP, "maybe") == OAUTH2KIT_STATUS_CONFIG);
  oauth2kit_config_free(bad);

  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, "read", &t));
  char *type = NULL, *jkt = NULL;
  OK(oauth2kit_token_set_token_type(t, &type));
  STREQ(type, "DPoP");
  OK(oauth2kit_token_set_dpop_jkt(t, &jkt));
  CHECK(jkt && strlen(jkt) == 43);

  /* The resource demands a nonce: one 401, one retry with new headers. */
  CHECK(dev_http("POST", url("/control/dpop"), "{\"resource_nonce\":true}", NULL, 0, NULL, 0) == 200);
  const char *target = url("/resource?x=1");
  long before = dev_count(BASE, "resource");
  char *name = NULL, *value = NULL, *proof = NULL, www[512], nonce[256];
  OK(oauth2kit_client_resource_request_headers(c, t, "GET", target, &name, &value, &proof));
  STREQ(name, "Authorization");
  CHECK(value && strncmp(value, "DPoP ", 5) == 0);
  CHECK(proof && strchr(proof, '.') != NULL);
  CHECK(send_resource(target, name, value, proof, www, nonce) == 401);
  CHECK(strstr(www, "use_dpop_nonce") != NULL && nonce[0] != 0);
  bool retry = false;
  OK(oauth2kit_client_check_resource_response(c, t, target, 401, www, nonce, &retry));
  CHECK(retry);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);
  OK(oauth2kit_client_resource_request_headers(c, t, "GET", target, &name, &value, &proof));
  CHECK(send_resource(target, name, value, proof, www, nonce) == 200);
  retry = true;
  OK(oauth2kit_client_check_resource_response(c, t, target, 200, NULL, nonce[0] ? nonce : NULL, &retry));
  CHECK(!retry);
  CHECK(dev_count(BASE, "resource") == before + 2);
  /* Presented as a bearer token, the bound token is refused. */
  char *bname = NULL, *bvalue = NULL;
  OK(oauth2kit_client_authorization_header(plain, t, &bname, &bvalue));
  CHECK(strncmp(bvalue, "Bearer ", 7) == 0);
  CHECK(send_resource(target, bname, bvalue, NULL, www, nonce) == 401);
  oauth2kit_string_free(bname);
  oauth2kit_string_free(bvalue);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);

  /* The token without its key, presented by a client with another key: the
     server refuses the proof's key (invalid_token); no retry is asked. */
  char *at = access_token(t), *json = NULL;
  CHECK(asprintf(&json, "{\"access_token\":\"%s\",\"token_type\":\"DPoP\"}", at) > 0);
  oauth2kit_token_set *keyless = NULL;
  OK(oauth2kit_token_set_from_json(json, &keyless));
  free(json);
  char *none = (char *)1;
  OK(oauth2kit_token_set_dpop_jkt(keyless, &none));
  CHECK(none == NULL);
  OK(oauth2kit_client_resource_request_headers(other, keyless, "GET", target, &name, &value, &proof));
  for (int i = 0; i < 2; i++) { /* the other client learns the nonce first */
    int st = send_resource(target, name, value, proof, www, nonce);
    OK(oauth2kit_client_check_resource_response(other, keyless, target, st, www, nonce[0] ? nonce : NULL, &retry));
    if (!retry) {
      CHECK(st == 401 && strstr(www, "invalid_token") != NULL);
      break;
    }
    oauth2kit_string_free(name);
    oauth2kit_string_free(value);
    oauth2kit_string_free(proof);
    OK(oauth2kit_client_resource_request_headers(other, keyless, "GET", target, &name, &value, &proof));
  }
  CHECK(!retry);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);
  /* A DPoP-bound set with no key anywhere: CONFIG, out-params untouched. */
  name = value = proof = (char *)1;
  CHECK(oauth2kit_client_resource_request_headers(plain, keyless, "GET", target, &name, &value, &proof) ==
        OAUTH2KIT_STATUS_CONFIG);
  CHECK(name == (char *)1 && value == (char *)1 && proof == (char *)1);
  CHECK(oauth2kit_client_resource_request_headers(c, t, "GET", "not a url", &name, &value, &proof) ==
        OAUTH2KIT_STATUS_CONFIG);
  CHECK(oauth2kit_client_check_resource_response(c, t, target, 7, NULL, NULL, &retry) ==
        OAUTH2KIT_STATUS_INVALID_ARGUMENT);
  CHECK(oauth2kit_client_resource_request_headers(c, NULL, "GET", target, &name, &value, &proof) ==
        OAUTH2KIT_STATUS_NULL_ARGUMENT);
  oauth2kit_token_set_free(keyless);
  oauth2kit_string_free(at);

  /* The key survives a file store: a client without DPoP presents the
     loaded set with a proof by the stored key. */
  char path[] = "/tmp/oauth2kit-dpop-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  oauth2kit_store *store = NULL;
  OK(oauth2kit_store_file_new(path, &store));
  oauth2kit_session *s = new_session(c, session_config(store, t, false, NULL));
  oauth2kit_session_free(s);
  oauth2kit_store_free(store);
  char *text = read_file(path);
  CHECK(text && strstr(text, "dpop_jwk") != NULL);
  free(text);
  OK(oauth2kit_store_file_new(path, &store));
  oauth2kit_token_set *loaded = NULL;
  OK(oauth2kit_store_load(store, &loaded));
  char *jkt2 = NULL;
  OK(oauth2kit_token_set_dpop_jkt(loaded, &jkt2));
  STREQ(jkt2, jkt);
  before = dev_count(BASE, "resource");
  OK(oauth2kit_client_resource_request_headers(plain, loaded, "GET", target, &name, &value, &proof));
  int st = send_resource(target, name, value, proof, www, nonce);
  OK(oauth2kit_client_check_resource_response(plain, loaded, target, st, www, nonce[0] ? nonce : NULL, &retry));
  CHECK(st == 401 && retry); /* this client had no nonce yet */
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);
  OK(oauth2kit_client_resource_request_headers(plain, loaded, "GET", target, &name, &value, &proof));
  CHECK(send_resource(target, name, value, proof, www, nonce) == 200);
  CHECK(dev_count(BASE, "resource") == before + 2);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);

  /* A session over the store hands out the loaded set's headers. */
  s = new_session(plain, session_config(store, NULL, false, NULL));
  OK(oauth2kit_session_resource_request_headers(s, "GET", target, &name, &value, &proof));
  CHECK(proof != NULL);
  st = send_resource(target, name, value, proof, www, nonce);
  CHECK(st == 200);
  retry = true;
  OK(oauth2kit_session_check_resource_response(s, target, st, NULL, nonce[0] ? nonce : NULL, &retry));
  CHECK(!retry);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);
  oauth2kit_session_free(s);
  oauth2kit_store_free(store);
  unlink(path);

  CHECK(dev_http("POST", url("/control/dpop"), "{}", NULL, 0, NULL, 0) == 200);
  oauth2kit_token_set_free(loaded);
  oauth2kit_token_set_free(t);
  oauth2kit_string_free(type);
  oauth2kit_string_free(jkt);
  oauth2kit_string_free(jkt2);
  oauth2kit_client_free(c);
  oauth2kit_client_free(plain);
  oauth2kit_client_free(other);
}

/* Sends one resource request with `c`'s headers for (method, for_url) to
   /resource and expects the refusal of a broken proof: 401 whose challenge
   names `why`, and no retry asked. */
static void refused_proof(oauth2kit_client *c, const oauth2kit_token_set *t, const char *method,
                          const char *for_url, const char *why) {
  char *name = NULL, *value = NULL, *proof = NULL, www[512] = "", nonce[256] = "";
  const char *target = url("/resource");
  OK(oauth2kit_client_resource_request_headers(c, t, method, for_url, &name, &value, &proof));
  int st = send_resource(target, name, value, proof, www, nonce);
  CHECK(st == 401 && strstr(www, "invalid_dpop_proof") != NULL && strstr(www, why) != NULL);
  bool retry = true;
  OK(oauth2kit_client_check_resource_response(c, t, target, st, www, NULL, &retry));
  CHECK(!retry);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);
}

/* Broken DPoP proofs, verified by the devserver: a proof for another URL
   (htu) or method (htm), a replayed one, and a stale one (the server's
   clock 10 minutes ahead), at the resource and at the token endpoint. */
static void test_dpop_broken_proofs(void) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%",
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_DPOP, "true", 0);
  CHECK(c != NULL);
  if (!c) return;
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, "read", &t));
  char *other = strdup(url("/other"));
  refused_proof(c, t, "GET", other, "htu");
  free(other);
  refused_proof(c, t, "POST", url("/resource"), "htm");
  /* A good proof passes once; the same proof again is a replay. */
  char *name = NULL, *value = NULL, *proof = NULL, www[512] = "", nonce[256] = "";
  const char *target = url("/resource");
  OK(oauth2kit_client_resource_request_headers(c, t, "GET", target, &name, &value, &proof));
  CHECK(send_resource(target, name, value, proof, www, nonce) == 200);
  CHECK(send_resource(target, name, value, proof, www, nonce) == 401 && strstr(www, "replayed") != NULL);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);
  /* Stale iat: refused at the resource, and a typed OAuth error at the token endpoint. */
  CHECK(dev_http("POST", url("/control/dpop"), "{\"clock_offset\":600}", NULL, 0, NULL, 0) == 200);
  refused_proof(c, t, "GET", url("/resource"), "iat");
  oauth2kit_token_set *none = (oauth2kit_token_set *)1;
  CHECK(oauth2kit_client_client_credentials(c, "read", &none) == OAUTH2KIT_STATUS_OAUTH);
  CHECK(none == (oauth2kit_token_set *)1);
  STREQ(oauth2kit_last_error_oauth_error(), "invalid_dpop_proof");
  CHECK(oauth2kit_last_error_http_status() == 400);
  CHECK(dev_http("POST", url("/control/dpop"), "{}", NULL, 0, NULL, 0) == 200);
  oauth2kit_token_set_free(t);
  oauth2kit_client_free(c);
}

/* The FAPI 2.0 preset (`fapi2`) against the devserver, which verifies each
   part: a pushed authorization request (RFC 9126) authenticated with
   private_key_jwt, PKCE S256, `iss` in the redirect, a DPoP-bound token
   presented to /resource; the URI is used once; the plain front channel and
   a shared secret are refused before anything is sent. */
static void test_fapi2(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/rsa-client.pem", KEYS);
  char *key = read_file(path);
  CHECK(key != NULL);
  oauth2kit_client *c = make_client("rsa-client", OAUTH2KIT_OPTION_PRIVATE_KEY_PEM, key, OAUTH2KIT_OPTION_ISSUER, BASE,
                                    OAUTH2KIT_OPTION_TOKEN_URL, url("/token"), OAUTH2KIT_OPTION_AUTHORIZATION_URL,
                                    url("/authorize"), OAUTH2KIT_OPTION_PAR_URL, url("/par"),
                                    OAUTH2KIT_OPTION_REDIRECT_URI, "http://127.0.0.1:8765/callback",
                                    OAUTH2KIT_OPTION_FAPI2, "true", 0);
  CHECK(c != NULL);
  if (!c) {
    free(key);
    return;
  }
  oauth2kit_authorization *a = (oauth2kit_authorization *)1;
  CHECK(oauth2kit_client_authorize(c, "read", NULL, NULL, 0, &a) == OAUTH2KIT_STATUS_CONFIG);
  CHECK(a == (oauth2kit_authorization *)1 && strstr(oauth2kit_last_error_message(), "PAR") != NULL);
  long pushes = dev_count(BASE, "par");
  a = NULL;
  OK(oauth2kit_client_pushed_authorization_url(c, "read", NULL, NULL, 0, &a));
  CHECK(dev_count(BASE, "par") == pushes + 1);
  char *u = NULL;
  OK(oauth2kit_authorization_url(a, &u));
  CHECK(u && strstr(u, "request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A") && !strstr(u, "state="));
  char location[2048];
  CHECK(follow(u, location, sizeof location) == 302);
  CHECK(strstr(location, "iss=") != NULL);
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_exchange_redirect(c, a, location, &t));
  char *type = NULL;
  OK(oauth2kit_token_set_token_type(t, &type));
  STREQ(type, "DPoP");
  char *name = NULL, *value = NULL, *proof = NULL, www[512] = "", nonce[256] = "";
  const char *target = url("/resource");
  OK(oauth2kit_client_resource_request_headers(c, t, "GET", target, &name, &value, &proof));
  CHECK(send_resource(target, name, value, proof, www, nonce) == 200);
  /* The request URI is spent: the devserver shows an error page. */
  CHECK(follow(u, location, sizeof location) == 400);
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_string_free(proof);
  oauth2kit_string_free(type);
  oauth2kit_token_set_free(t);
  oauth2kit_string_free(u);
  oauth2kit_authorization_free(a);
  oauth2kit_client_free(c);
  free(key);

  /* A shared secret is not FAPI 2.0 client authentication. */
  oauth2kit_config *cfg = NULL;
  OK(oauth2kit_config_new("basic-client", &cfg));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%"));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_PAR_URL, url("/par")));
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_FAPI2, "true"));
  c = NULL;
  CHECK(oauth2kit_client_new(cfg, &c) == OAUTH2KIT_STATUS_CONFIG);
  CHECK(c == NULL && strstr(oauth2kit_last_error_message(), "FAPI 2.0") != NULL);
  oauth2kit_config_free(cfg);
}

int main(void) {
  BASE = getenv("OAUTH2KIT_DEVSERVER_URL");
  KEYS = getenv("OAUTH2KIT_KEYS_DIR");
  REDIS = getenv("OAUTH2KIT_REDIS_URL");
  TLS_BASE = getenv("OAUTH2KIT_DEVSERVER_TLS_URL");
  TLS_DIR = getenv("OAUTH2KIT_TLS_DIR");
  if (!BASE || !KEYS || !REDIS || !TLS_BASE || !TLS_DIR) {
    fprintf(stderr, "set OAUTH2KIT_DEVSERVER_URL, OAUTH2KIT_KEYS_DIR, OAUTH2KIT_REDIS_URL, "
                    "OAUTH2KIT_DEVSERVER_TLS_URL and OAUTH2KIT_TLS_DIR\n");
    return 2;
  }
  test_bad_input();
  test_client_credentials_introspect_revoke();
  test_log_callback();
  test_oauth_error_fields();
  test_password_and_refresh();
  test_authorization_code_pkce();
  test_openid_request_parameters();
  test_jwt_client_auth();
  test_device_flow();
  test_ciba();
  test_deskera_v2();
  test_deskera_v1();
  test_desko_and_profile_file();
  test_shared_client_threads();
  test_session_threads_and_c_store();
  test_redis_fleet();
  test_session_access_token_into();
  test_session_options();
  test_dpop();
  test_dpop_broken_proofs();
  test_fapi2();
  test_authorization_details();
  test_request_object();
  test_jarm();
  test_mtls();
  test_shutdown();
  oauth2kit_last_error_clear();
  /* As a plugin's unload hook would: valgrind then sees every thread joined. */
  OK(oauth2kit_shutdown(5000, NULL));
  printf("C suite: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
