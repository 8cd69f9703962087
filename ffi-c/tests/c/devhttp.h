/* A tiny HTTP/1.1 client for the tests: it drives the devserver's browser
 * side (/authorize redirects, device approval) and its /control endpoints.
 * Loopback http:// only; not part of the library. */
#ifndef OAUTH2KIT_TEST_DEVHTTP_H
#define OAUTH2KIT_TEST_DEVHTTP_H
#include <stddef.h>

/* Sends METHOD url (with an optional JSON body). Returns the status (or -1),
 * copies the Location header into `location` and the body into `body` when
 * they are not NULL. */
int dev_http(const char *method, const char *url, const char *json_body, char *location, size_t location_len,
             char *body, size_t body_len);

/* Like dev_http without a body, with `headers` ("Name: value\r\n" lines, or
 * NULL) added to the request; copies the values of the response headers
 * `want1` and `want2` (case-insensitive; NULL for none) into `got1`/`got2`
 * (empty when absent). Returns the status (or -1). */
int dev_http_headers(const char *method, const char *url, const char *headers, const char *want1, char *got1,
                     size_t got1_len, const char *want2, char *got2, size_t got2_len);

/* The count of a devserver endpoint ("token", "deskera-v2/token"...) from /control/counts. */
long dev_count(const char *base, const char *name);

/* A one-shot HTTP listener on 127.0.0.1, for Deskera V1's server-to-server
 * callback: it answers the first GET with 200 and keeps its path. */
typedef struct dev_listener dev_listener;

/* Starts listening on an ephemeral port (NULL on failure). */
dev_listener *dev_listener_start(void);
/* The port it listens on. */
int dev_listener_port(const dev_listener *l);
/* Waits for the request (the listener gives up 10 s after it started),
 * copies its path (e.g. "/cb?code=...") into `path`, stops and frees the
 * listener. Returns 0 when a request came. */
int dev_listener_finish(dev_listener *l, char *path, size_t path_len);

#endif
