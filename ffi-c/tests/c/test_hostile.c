/* The C binding against tests/hostile/server.py (base URL in
 * OAUTH2KIT_HOSTILE_URL; ffi-c/test.sh starts it): every fault mode returns
 * its documented status or a clamped success, never OAUTH2KIT_STATUS_PANIC,
 * and neither oauth2kit_last_error_message nor oauth2kit_last_error_body
 * shows the client secret or a token the server sent (all LEAK-...). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oauth2kit.h"

static const char *SECRET = "hostile-client-secret-5c8a1f";
static const char *BASE;
static int failures;

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                       \
    }                                                                   \
  } while (0)

/* mode and status: 0 a (clamped) success; the same table as core/tests/hostile.rs. */
static const struct {
  const char *mode;
  int status;
} CASES[] = {
    {"expires_1e19", OAUTH2KIT_STATUS_OK},
    {"expires_20_digits", OAUTH2KIT_STATUS_OK},
    {"expires_1e300_string", OAUTH2KIT_STATUS_OK},
    {"expires_negative", OAUTH2KIT_STATUS_OK},
    {"jwt_exp_1e19", OAUTH2KIT_STATUS_OK},
    {"echo_500", OAUTH2KIT_STATUS_HTTP},
    {"truncated_500", OAUTH2KIT_STATUS_HTTP},
    {"trailing_comma", OAUTH2KIT_STATUS_INVALID_RESPONSE},
    {"form_error_newline", OAUTH2KIT_STATUS_OAUTH},
    {"relative_redirect", OAUTH2KIT_STATUS_UNEXPECTED_REDIRECT},
    {"token_number", OAUTH2KIT_STATUS_OK},
    {"token_null", OAUTH2KIT_STATUS_INVALID_RESPONSE},
    {"token_object", OAUTH2KIT_STATUS_INVALID_RESPONSE},
    {"html_200", OAUTH2KIT_STATUS_INVALID_RESPONSE},
    {"short_body", OAUTH2KIT_STATUS_TRANSPORT},
    {"reset_mid_body", OAUTH2KIT_STATUS_TRANSPORT},
    {"never_answers", OAUTH2KIT_STATUS_TIMEOUT},
    {"retry_after_429", OAUTH2KIT_STATUS_HTTP},
    {"retry_after_503_date", OAUTH2KIT_STATUS_HTTP},
    {"drip", OAUTH2KIT_STATUS_TIMEOUT},
    {"huge_body", OAUTH2KIT_STATUS_RESPONSE_TOO_LARGE},
    {"huge_unannounced", OAUTH2KIT_STATUS_RESPONSE_TOO_LARGE},
    {"gzip_bomb", OAUTH2KIT_STATUS_INVALID_RESPONSE},
};

static oauth2kit_client *client_at(const char *base, const char *mode, const char *timeout) {
  char token[512], device[512];
  snprintf(token, sizeof token, "%s/%s/token", base, mode);
  snprintf(device, sizeof device, "%s/%s/device", base, mode);
  oauth2kit_config *cfg = NULL;
  oauth2kit_client *c = NULL;
  if (oauth2kit_config_new("hostile-client", &cfg) != OAUTH2KIT_STATUS_OK) return NULL;
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CLIENT_SECRET, SECRET) == OAUTH2KIT_STATUS_OK);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_AUTH_METHOD, "client_secret_post") == OAUTH2KIT_STATUS_OK);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TOKEN_URL, token) == OAUTH2KIT_STATUS_OK);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DEVICE_AUTHORIZATION_URL, device) == OAUTH2KIT_STATUS_OK);
  CHECK(oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_TIMEOUT, timeout) == OAUTH2KIT_STATUS_OK);
  CHECK(oauth2kit_client_new(cfg, &c) == OAUTH2KIT_STATUS_OK);
  oauth2kit_config_free(cfg);
  return c;
}

static oauth2kit_client *client_for(const char *mode) { return client_at(BASE, mode, "1"); }

static void check_last_error_clean(const char *mode) {
  const char *texts[2] = {oauth2kit_last_error_message(), oauth2kit_last_error_body()};
  for (int i = 0; i < 2; i++) {
    if (texts[i] && (strstr(texts[i], SECRET) || strstr(texts[i], "LEAK-"))) {
      fprintf(stderr, "%s: a secret in the last error: %s\n", mode, texts[i]);
      failures++;
    }
  }
}

int main(void) {
  BASE = getenv("OAUTH2KIT_HOSTILE_URL");
  if (!BASE) {
    fprintf(stderr, "set OAUTH2KIT_HOSTILE_URL (python3 tests/hostile/server.py prints it)\n");
    return 2;
  }
  const int64_t century_from_now = (int64_t)time(NULL) + 36525LL * 86400 + 60;
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    const char *mode = CASES[i].mode;
    oauth2kit_client *c = client_for(mode);
    if (!c) {
      failures++;
      continue;
    }
    oauth2kit_token_set *t = NULL;
    oauth2kit_status s = oauth2kit_client_client_credentials(c, NULL, &t);
    if ((int)s != CASES[i].status) {
      fprintf(stderr, "%s: status %d, expected %d: %s\n", mode, (int)s, CASES[i].status,
              s ? oauth2kit_last_error_message() : "ok");
      failures++;
    }
    CHECK(s != OAUTH2KIT_STATUS_PANIC);
    if (s == OAUTH2KIT_STATUS_OK) {
      int64_t at = 0;
      CHECK(oauth2kit_token_set_expires_at(t, &at) == OAUTH2KIT_STATUS_OK);
      /* The century cap holds (token_number carries no lifetime: -1). */
      CHECK(at <= century_from_now);
      oauth2kit_token_set_free(t);
    } else {
      check_last_error_clean(mode);
      /* The server's wait is kept, in seconds, from a number or an HTTP date. */
      double wait = oauth2kit_last_error_retry_after_seconds();
      if (strcmp(mode, "retry_after_429") == 0) CHECK(wait == 7.0);
      if (strcmp(mode, "retry_after_503_date") == 0) CHECK(wait > 20.0 && wait <= 30.0);
    }
    oauth2kit_client_free(c);
  }

  /* expires_in and interval of 2^64-1: clamped, shown as text. */
  oauth2kit_client *c = client_for("device_huge");
  oauth2kit_device_authorization *d = NULL;
  oauth2kit_status s = oauth2kit_client_device_authorization(c, NULL, &d);
  CHECK(s == OAUTH2KIT_STATUS_OK);
  if (s == OAUTH2KIT_STATUS_OK) {
    const char *names[2] = {"expires_in", "interval"};
    for (int i = 0; i < 2; i++) {
      char *v = NULL;
      CHECK(oauth2kit_device_authorization_field(d, names[i], &v) == OAUTH2KIT_STATUS_OK);
      CHECK(v && strtod(v, NULL) > 0 && strtod(v, NULL) <= 36525.0 * 86400);
      oauth2kit_string_free(v);
    }
    oauth2kit_device_authorization_free(d);
  } else {
    check_last_error_clean("device_huge");
  }
  oauth2kit_client_free(c);

  /* An untrusted certificate and an unknown host: TRANSPORT, nothing leaked.
   * Under valgrind the TLS case is left to the plain run: memcheck reports
   * "conditional jump on uninitialised value" inside ring's AES-GCM assembly
   * (open_within) when the handshake's encrypted records are read, a report
   * on code it cannot model, not on ours; the DNS case still runs there. */
  const char *tls = getenv("OAUTH2KIT_HOSTILE_TLS_URL");
  CHECK(tls != NULL);
  const int under_valgrind = getenv("OAUTH2KIT_UNDER_VALGRIND") != NULL;
  const char *bases[2] = {tls ? tls : "https://127.0.0.1:9", "https://no-such-host.invalid"};
  for (int i = under_valgrind ? 1 : 0; i < 2; i++) {
    oauth2kit_client *bad = client_at(bases[i], "x", "5");
    if (!bad) {
      failures++;
      continue;
    }
    oauth2kit_token_set *t = NULL;
    oauth2kit_status s2 = oauth2kit_client_client_credentials(bad, NULL, &t);
    if (s2 != OAUTH2KIT_STATUS_TRANSPORT || t != NULL) {
      fprintf(stderr, "%s: status %d, expected TRANSPORT: %s\n", bases[i], (int)s2, oauth2kit_last_error_message());
      failures++;
    }
    check_last_error_clean(bases[i]);
    oauth2kit_client_free(bad);
  }

  printf("hostile: %d failed\n", failures);
  return failures ? 1 : 0;
}
