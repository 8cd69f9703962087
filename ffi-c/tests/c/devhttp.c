#define _POSIX_C_SOURCE 200809L
#include "devhttp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Copies the value of the response header `name` (case-insensitive) into `out`. */
static void find_header(const char *resp, const char *name, char *out, size_t out_len) {
  if (!out || !out_len) return;
  out[0] = 0;
  size_t nlen = strlen(name);
  for (const char *line = strstr(resp, "\r\n"); line && line[2] != '\r'; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, name, nlen) == 0 && line[2 + nlen] == ':') {
      const char *v = line + 3 + nlen;
      while (*v == ' ') v++;
      const char *end = strstr(v, "\r\n");
      size_t len = end ? (size_t)(end - v) : strlen(v);
      if (len >= out_len) len = out_len - 1;
      memcpy(out, v, len);
      out[len] = 0;
      return;
    }
  }
}

static int http_full(const char *method, const char *url, const char *json_body, const char *extra_headers,
                     char *location, size_t location_len, char *body, size_t body_len, const char *want1, char *got1,
                     size_t got1_len, const char *want2, char *got2, size_t got2_len);

int dev_http(const char *method, const char *url, const char *json_body, char *location, size_t location_len,
             char *body, size_t body_len) {
  return http_full(method, url, json_body, NULL, location, location_len, body, body_len, NULL, NULL, 0, NULL, NULL,
                   0);
}

int dev_http_headers(const char *method, const char *url, const char *headers, const char *want1, char *got1,
                     size_t got1_len, const char *want2, char *got2, size_t got2_len) {
  return http_full(method, url, NULL, headers, NULL, 0, NULL, 0, want1, got1, got1_len, want2, got2, got2_len);
}

static int http_full(const char *method, const char *url, const char *json_body, const char *extra_headers,
                     char *location, size_t location_len, char *body, size_t body_len, const char *want1, char *got1,
                     size_t got1_len, const char *want2, char *got2, size_t got2_len) {
  if (got1 && got1_len) got1[0] = 0;
  if (got2 && got2_len) got2[0] = 0;
  char host[64] = {0};
  int port = 80;
  const char *path = "/";
  if (location && location_len) location[0] = 0;
  if (body && body_len) body[0] = 0;
  if (!url || strncmp(url, "http://", 7) != 0) return -1;
  const char *h = url + 7;
  const char *slash = strchr(h, '/');
  size_t hostport_len = slash ? (size_t)(slash - h) : strlen(h);
  if (slash) path = slash;
  char hostport[128];
  if (hostport_len >= sizeof hostport) return -1;
  memcpy(hostport, h, hostport_len);
  hostport[hostport_len] = 0;
  char *colon = strchr(hostport, ':');
  if (colon) {
    *colon = 0;
    port = atoi(colon + 1);
  }
  snprintf(host, sizeof host, "%s", hostport);
  if (strcmp(host, "localhost") == 0) snprintf(host, sizeof host, "127.0.0.1");

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  size_t blen = json_body ? strlen(json_body) : 0;
  const char *xh = extra_headers ? extra_headers : "";
  size_t cap = strlen(path) + blen + strlen(xh) + 512;
  char *req = malloc(cap);
  int n = snprintf(req, cap,
                   "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\nContent-Type: application/json\r\n"
                   "%sContent-Length: %zu\r\n\r\n%s",
                   method, path, host, port, xh, blen, json_body ? json_body : "");
  ssize_t sent = write(fd, req, (size_t)n);
  free(req);
  if (sent != n) {
    close(fd);
    return -1;
  }
  size_t rcap = 65536, rlen = 0;
  char *resp = malloc(rcap + 1);
  ssize_t r;
  while ((r = read(fd, resp + rlen, rcap - rlen)) > 0) {
    rlen += (size_t)r;
    if (rlen == rcap) break;
  }
  close(fd);
  resp[rlen] = 0;
  int status = -1;
  if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1) status = -1;
  if (location && location_len) {
    location[0] = 0;
    for (char *line = strstr(resp, "\r\n"); line && line[2] != '\r'; line = strstr(line + 2, "\r\n")) {
      if (strncasecmp(line + 2, "location:", 9) == 0) {
        const char *v = line + 11;
        while (*v == ' ') v++;
        const char *end = strstr(v, "\r\n");
        size_t len = end ? (size_t)(end - v) : strlen(v);
        if (len >= location_len) len = location_len - 1;
        memcpy(location, v, len);
        location[len] = 0;
        break;
      }
    }
  }
  if (want1) find_header(resp, want1, got1, got1_len);
  if (want2) find_header(resp, want2, got2, got2_len);
  if (body && body_len) {
    body[0] = 0;
    const char *b = strstr(resp, "\r\n\r\n");
    if (b) snprintf(body, body_len, "%s", b + 4);
  }
  free(resp);
  return status;
}

long dev_count(const char *base, const char *name) {
  char url[512], body[8192], key[128];
  snprintf(url, sizeof url, "%s/control/counts", base);
  if (dev_http("GET", url, NULL, NULL, 0, body, sizeof body) != 200) return -1;
  snprintf(key, sizeof key, "\"%s\":", name);
  const char *p = strstr(body, key);
  return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

struct dev_listener {
  int fd;
  int port;
  int timeout_ms;
  int got;
  char path[2048];
  pthread_t thread;
};

static void *listener_main(void *arg) {
  dev_listener *l = arg;
  struct pollfd p = {.fd = l->fd, .events = POLLIN};
  if (poll(&p, 1, l->timeout_ms) != 1) return NULL;
  int c = accept(l->fd, NULL, NULL);
  if (c < 0) return NULL;
  char req[4096];
  size_t n = 0;
  while (n < sizeof req - 1) { /* up to the end of the request line */
    ssize_t r = read(c, req + n, sizeof req - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
    req[n] = 0;
    if (strstr(req, "\r\n")) break;
  }
  req[n] = 0;
  char *sp1 = strchr(req, ' ');
  char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
  if (sp1 && sp2 && (size_t)(sp2 - sp1 - 1) < sizeof l->path) {
    memcpy(l->path, sp1 + 1, (size_t)(sp2 - sp1 - 1));
    l->path[sp2 - sp1 - 1] = 0;
    l->got = 1;
  }
  const char *answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
  ssize_t w = write(c, answer, strlen(answer));
  (void)w;
  close(c);
  return NULL;
}

dev_listener *dev_listener_start(void) {
  dev_listener *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l->fd, 4) != 0 ||
      getsockname(l->fd, (struct sockaddr *)&addr, &len) != 0) {
    if (l->fd >= 0) close(l->fd);
    free(l);
    return NULL;
  }
  l->port = ntohs(addr.sin_port);
  l->timeout_ms = 10000;
  if (pthread_create(&l->thread, NULL, listener_main, l) != 0) {
    close(l->fd);
    free(l);
    return NULL;
  }
  return l;
}

int dev_listener_port(const dev_listener *l) { return l ? l->port : -1; }

int dev_listener_finish(dev_listener *l, char *path, size_t path_len) {
  if (!l) return -1;
  pthread_join(l->thread, NULL);
  int rc = l->got ? 0 : -1;
  if (path && path_len) snprintf(path, path_len, "%s", l->got ? l->path : "");
  close(l->fd);
  free(l);
  return rc;
}
