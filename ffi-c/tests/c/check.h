/* The checks of the C test programs (ffi-c/tests/c/test_c.c, the interop and
 * Keycloak C tests): CHECK counts a check and reports a failed one with this
 * thread's last oauth2kit error; OK checks a call returned OAUTH2KIT_STATUS_OK.
 * One program per header user: the counters are the program's own. */
#ifndef OAUTH2KIT_TEST_CHECK_H
#define OAUTH2KIT_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

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

/* A whole file as a new NUL-terminated string (free with free()), or NULL.
 * Inline, so a program that does not read files gets no unused warning. */
static inline char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
  if (buf) buf[got] = 0;
  fclose(f);
  return buf;
}

/* read_file of DIR/NAME. */
static inline char *read_file_in(const char *dir, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return read_file(path);
}

#endif
