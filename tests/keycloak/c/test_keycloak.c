/* The Keycloak suite from C: client credentials (client_secret_basic with a
 * secret that needs form-urlencoding, client_secret_post, private_key_jwt
 * RS256 and ES256) and the authorization code flow with PKCE for a
 * confidential client (ID token validated, userinfo). The login pages are
 * driven by the test-side user tests/keycloak/kc_user.py (a browser is not
 * what this tests).
 *
 *   test_keycloak KC_USER_PY
 *
 * The fixture values it needs come from the environment tests/keycloak/test.sh
 * sets (KC_ISSUER, KC_BASIC_SECRET, KC_POST_SECRET, KC_KEYS_DIR, KC_USER,
 * KC_PASSWORD, KC_REDIRECT). Exit status 0 only when every check passed. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oauth2kit.h"
#include "check.h"


static const char *env(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v) {
    fprintf(stderr, "test_keycloak: %s is not set (run bash scripts/test.sh keycloak)\n", name);
    exit(2);
  }
  return v;
}

/* A client discovered from the issuer, with (option, value) pairs ending with 0. */
static oauth2kit_client *make_client(const char *client_id, int opt, ...) {
  oauth2kit_config *cfg = NULL;
  if (oauth2kit_config_new(client_id, &cfg) != OAUTH2KIT_STATUS_OK) return NULL;
  OK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, env("KC_ISSUER")));
  va_list ap;
  va_start(ap, opt);
  while (opt != 0) {
    const char *value = va_arg(ap, const char *);
    OK(oauth2kit_config_set(cfg, opt, value));
    opt = va_arg(ap, int);
  }
  va_end(ap);
  oauth2kit_client *client = NULL;
  OK(oauth2kit_client_new(cfg, &client));
  oauth2kit_config_free(cfg);
  return client;
}

/* Client credentials, then introspection by the same client says active. */
static void client_credentials(const char *what, oauth2kit_client *c) {
  CHECK(c != NULL);
  if (!c) return;
  oauth2kit_token_set *t = NULL;
  OK(oauth2kit_client_client_credentials(c, NULL, &t));
  CHECK(t != NULL);
  if (t) {
    char *access = NULL;
    OK(oauth2kit_token_set_access_token(t, &access));
    oauth2kit_introspection *intro = NULL;
    OK(oauth2kit_client_introspect(c, access, OAUTH2KIT_TOKEN_HINT_ACCESS_TOKEN, &intro));
    bool active = false;
    if (intro) OK(oauth2kit_introspection_active(intro, &active));
    CHECK(active);
    if (!active) fprintf(stderr, "  (%s)\n", what);
    oauth2kit_introspection_free(intro);
    oauth2kit_string_free(access);
    oauth2kit_token_set_free(t);
  }
  oauth2kit_client_free(c);
}

static void test_client_credentials(void) {
  const char *basic = env("KC_BASIC_SECRET");
  CHECK(strstr(basic, "+/&=:%") != NULL);
  client_credentials("basic", make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, basic,
                                          OAUTH2KIT_OPTION_AUTH_METHOD, "client_secret_basic", 0));
  client_credentials("post", make_client("post-client", OAUTH2KIT_OPTION_CLIENT_SECRET, env("KC_POST_SECRET"),
                                         OAUTH2KIT_OPTION_AUTH_METHOD, "client_secret_post", 0));
  char *rsa = read_file_in(env("KC_KEYS_DIR"), "rsa-client.pem");
  char *ec = read_file_in(env("KC_KEYS_DIR"), "ec-client.pem");
  CHECK(rsa && ec);
  client_credentials("rsa", make_client("rsa-client", OAUTH2KIT_OPTION_PRIVATE_KEY_PEM, rsa,
                                        OAUTH2KIT_OPTION_PRIVATE_KEY_ID, "rsa-client", 0));
  client_credentials("ec", make_client("ec-client", OAUTH2KIT_OPTION_PRIVATE_KEY_PEM, ec,
                                       OAUTH2KIT_OPTION_PRIVATE_KEY_ID, "ec-client",
                                       OAUTH2KIT_OPTION_PRIVATE_KEY_ALGORITHM, "ES256", 0));
  free(rsa);
  free(ec);

  /* A wrong secret: an OAuth error from Keycloak, and not the secret in the message. */
  oauth2kit_client *bad = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, "Xq7-not-it", 0);
  oauth2kit_token_set *t = NULL;
  CHECK(oauth2kit_client_client_credentials(bad, NULL, &t) == OAUTH2KIT_STATUS_OAUTH);
  CHECK(t == NULL);
  CHECK(strstr(oauth2kit_last_error_message(), "Xq7") == NULL);
  oauth2kit_client_free(bad);
}

/* Runs kc_user.py login URL USER PASSWORD and returns the redirect it prints. */
static char *login(const char *kc_user, const char *auth_url) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "python3 '%s' login '%s' '%s' '%s'", kc_user, auth_url, env("KC_USER"),
           env("KC_PASSWORD"));
  FILE *p = popen(cmd, "r");
  if (!p) return NULL;
  char *line = calloc(1, 8192);
  if (!fgets(line, 8192, p)) line[0] = 0;
  int rc = pclose(p);
  line[strcspn(line, "\r\n")] = 0;
  if (rc != 0 || !line[0]) {
    free(line);
    return NULL;
  }
  return line;
}

static void test_authorization_code(const char *kc_user) {
  oauth2kit_client *c = make_client("basic-client", OAUTH2KIT_OPTION_CLIENT_SECRET, env("KC_BASIC_SECRET"),
                                    OAUTH2KIT_OPTION_REDIRECT_URI, env("KC_REDIRECT"), 0);
  CHECK(c != NULL);
  if (!c) return;
  oauth2kit_authorization *auth = NULL;
  OK(oauth2kit_client_authorize(c, "openid email", NULL, NULL, 0, &auth));
  char *url = NULL;
  if (auth) OK(oauth2kit_authorization_url(auth, &url));
  CHECK(url && strstr(url, "code_challenge_method=S256"));
  char *redirect = url ? login(kc_user, url) : NULL;
  CHECK(redirect != NULL);
  if (redirect) {
    oauth2kit_token_set *t = NULL;
    OK(oauth2kit_client_exchange_redirect(c, auth, redirect, &t));
    char *claims = NULL;
    if (t) OK(oauth2kit_token_set_id_token_claims(t, &claims));
    CHECK(claims && strstr(claims, "\"azp\":\"basic-client\""));
    char *info = NULL;
    if (t) OK(oauth2kit_client_userinfo(c, t, &info));
    CHECK(info && strstr(info, "alice@example.test"));
    /* The code is single-use. */
    oauth2kit_token_set *again = NULL;
    CHECK(oauth2kit_client_exchange_redirect(c, auth, redirect, &again) == OAUTH2KIT_STATUS_OAUTH);
    oauth2kit_string_free(info);
    oauth2kit_string_free(claims);
    oauth2kit_token_set_free(t);
    free(redirect);
  }
  oauth2kit_string_free(url);
  oauth2kit_authorization_free(auth);
  oauth2kit_client_free(c);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_keycloak KC_USER_PY\n");
    return 2;
  }
  test_client_credentials();
  test_authorization_code(argv[1]);
  bool was_running = false;
  OK(oauth2kit_shutdown(5000, &was_running));
  printf("keycloak C: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
