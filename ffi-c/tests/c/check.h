/* The checks of the C test programs (ffi-c/tests/c/test_c.c, the interop and
 * Keycloak C tests): CHECK counts a check and reports a failed one with this
 * thread's last oauth2kit error; OK checks a call returned OAUTH2KIT_STATUS_OK.
 * One program per header user: the counters are the program's own. */
#ifndef OAUTH2KIT_TEST_CHECK_H
#define OAUTH2KIT_TEST_CHECK_H

#include <stdio.h>

#include "oauth2kit.h"

static int failures, checks;

#define CHECK(cond)                                                                            \
  do {                                                                                         \
    checks++;                                                                                  \
    if (!(cond)) {                                                                             \
      failures++;                                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
              oauth2kit_last_error_message() ? oauth2kit_last_error_message() : "none");       \
    }                                                                                          \
  } while (0)
#define OK(call) CHECK((call) == OAUTH2KIT_STATUS_OK)

#endif
