/* oauth2kit from C: a session that keeps a valid token (client credentials),
 * and the header to send to an API with it.
 *
 *   ./client_credentials http://127.0.0.1:PORT        (the devserver)
 */
#include <stdio.h>
#include <string.h>

#include "oauth2kit.h"

static int fail(const char *what) {
  fprintf(stderr, "%s failed: %s (%s)\n", what, oauth2kit_last_error_message(),
          oauth2kit_status_name(oauth2kit_last_error_status()));
  if (oauth2kit_last_error_oauth_error())
    fprintf(stderr, "  error=%s description=%s http=%u\n", oauth2kit_last_error_oauth_error(),
            oauth2kit_last_error_description() ? oauth2kit_last_error_description() : "-",
            oauth2kit_last_error_http_status());
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s ISSUER_URL\n", argv[0]);
    return 2;
  }
  /* Every handle starts NULL and is freed once, at `out` (every _free accepts NULL). */
  oauth2kit_config *cfg = NULL;
  oauth2kit_client *client = NULL;
  oauth2kit_session_config *scfg = NULL;
  oauth2kit_session *session = NULL;
  char *name = NULL, *value = NULL;
  int rc = 0;

  if (oauth2kit_config_new("basic-client", &cfg) ||
      oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_CLIENT_SECRET, "basic secret+/&=:%") ||
      oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_DISCOVERY_ISSUER, argv[1])) {
    rc = fail("config");
    goto out;
  }
  if (oauth2kit_client_new(cfg, &client)) {
    rc = fail("client");
    goto out;
  }
  /* The session fetches with client credentials (a grant is never a default). */
  if (oauth2kit_session_config_new(&scfg) ||
      oauth2kit_session_config_set(scfg, OAUTH2KIT_SESSION_OPTION_CLIENT_CREDENTIALS, "true") ||
      oauth2kit_session_config_set(scfg, OAUTH2KIT_SESSION_OPTION_SCOPE, "read") ||
      oauth2kit_session_new(client, scfg, &session)) {
    rc = fail("session");
    goto out;
  }
  if (oauth2kit_session_authorization_header(session, &name, &value)) {
    rc = fail("token");
    goto out;
  }
  /* Print the header name only: the value carries the token. */
  printf("ok: send header %s (token of %zu characters)\n", name, value ? strlen(value) : 0);
out:
  oauth2kit_string_free(name);
  oauth2kit_string_free(value);
  oauth2kit_session_free(session);
  oauth2kit_session_config_free(scfg);
  oauth2kit_client_free(client);
  oauth2kit_config_free(cfg);
  return rc;
}
