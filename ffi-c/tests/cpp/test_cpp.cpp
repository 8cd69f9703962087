// The C++ suite: the same flows as the C suite through oauth2kit.hpp.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "oauth2kit.hpp"

extern "C" {
#include "../c/devhttp.h"
}

static int failures = 0, checks = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    ++checks;                                                                  \
    if (!(cond)) {                                                             \
      ++failures;                                                              \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

static std::string BASE, KEYS;

template <class F>
static void test(const char* name, F f) {
  try {
    f();
  } catch (const oauth2kit::Error& e) {
    ++failures;
    std::fprintf(stderr, "%s: unexpected oauth2kit::Error %s: %s\n", name, e.name().c_str(), e.what());
  } catch (const std::exception& e) {
    ++failures;
    std::fprintf(stderr, "%s: unexpected exception: %s\n", name, e.what());
  }
}

template <class F>
static oauth2kit::Status status_of(F f) {
  try {
    f();
  } catch (const oauth2kit::Error& e) {
    return e.status();
  }
  return oauth2kit::Status::Ok;
}

static std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int main() {
  const char* b = std::getenv("OAUTH2KIT_DEVSERVER_URL");
  const char* k = std::getenv("OAUTH2KIT_KEYS_DIR");
  if (!b || !k) return 2;
  BASE = b;
  KEYS = k;
  using oauth2kit::Client;
  using oauth2kit::Config;
  using oauth2kit::Status;

  test("client credentials", [] {
    Client c(Config("basic-client")
                 .client_secret("basic secret+/&=:%")
                 .token_url(BASE + "/token")
                 .introspection_url(BASE + "/introspect")
                 .revocation_url(BASE + "/revoke"));
    auto t = c.client_credentials("read");
    CHECK(!t.access_token().empty());
    CHECK(t.scope() == std::optional<std::string>("read"));
    CHECK(!t.refresh_token().has_value());
    CHECK(!t.is_expired());
    auto [name, value] = c.authorization_header(t);
    CHECK(name == "Authorization" && value == "Bearer " + t.access_token());
    CHECK(c.introspect(t.access_token()).active());
    c.revoke(t.access_token(), oauth2kit::TokenHint::AccessToken);
    CHECK(!c.introspect(t.access_token()).active());
    auto back = oauth2kit::Tokens::from_json(t.to_json());
    CHECK(back.access_token() == t.access_token());
  });

  test("errors carry code and RFC fields", [] {
    Client c(Config("basic-client").client_secret("wrong").token_url(BASE + "/token"));
    try {
      c.client_credentials();
      CHECK(false);
    } catch (const oauth2kit::Error& e) {
      CHECK(e.status() == Status::OAuth);
      CHECK(e.oauth_error() == "invalid_client");
      CHECK(e.http_status() == 401);
      CHECK(e.name() == "oauth");
    }
    CHECK(status_of([] { Config("x").profile("no-such-profile"); }) == Status::Config);
    CHECK(status_of([] { Config("x").set("no_such_option", "1"); }) == Status::InvalidArgument);
    CHECK(status_of([] { Client(Config("x").token_url("http://example.com/t")); }) == Status::Config);
  });

  test("password, refresh, reauthorization", [] {
    Client c(Config("post-client").client_secret("post-secret").auth_method("client_secret_post").token_url(BASE + "/token"));
    auto t = c.password("alice", "wonderland");
    auto t2 = c.refresh(*t.refresh_token());
    CHECK(t2.access_token() != t.access_token());
    CHECK(status_of([&] { c.refresh("bogus"); }) == Status::ReauthorizationRequired);
  });

  test("authorization code with PKCE", [] {
    Client c(Config("public-client").discover(BASE).redirect_uri("http://127.0.0.1:8765/callback"));
    auto a = c.authorize("openid read", "", {{"login_hint", "alice"}});
    char location[2048] = {0};
    CHECK(dev_http("GET", a.url().c_str(), nullptr, location, sizeof location, nullptr, 0) == 302);
    auto restored = oauth2kit::Authorization::from_json(a.to_json());
    auto t = c.exchange_redirect(restored, location);
    CHECK(t.id_token().has_value());
    auto other = c.authorize();
    CHECK(status_of([&] { c.exchange_redirect(other, location); }) == Status::StateMismatch);
  });

  test("jwt client auth, jwt bearer, token exchange, saml2, extension", [] {
    auto key = read_file(KEYS + "/ec-client.pem");
    Client ec(Config("ec-client").private_key_pem(key).auth_method("private_key_jwt").token_url(BASE + "/token"));
    auto t = ec.client_credentials();
    Client c(Config("basic-client").client_secret("basic secret+/&=:%").token_url(BASE + "/token"));
    auto jb = c.jwt_bearer_signed(read_file(KEYS + "/rsa-client.pem"), "rsa-client", "alice", BASE + "/token");
    CHECK(!jb.access_token().empty());
    const std::string at_type = "urn:ietf:params:oauth:token-type:access_token";
    auto te = c.token_exchange(t.access_token(), at_type, {{"audience", "svc-a"}});
    CHECK(te.field("issued_token_type") == std::optional<std::string>(at_type));
    auto ext = c.extension_grant("urn:ietf:params:oauth:grant-type:token-exchange",
                                 {{"subject_token", t.access_token()}, {"subject_token_type", at_type}});
    CHECK(!ext.access_token().empty());
    CHECK(status_of([&] { c.saml2_bearer("<xml/>"); }) == Status::Config);
  });

  test("device flow with a callback", [] {
    CHECK(dev_http("POST", (BASE + "/control/device").c_str(), "{\"interval\":1}", nullptr, 0, nullptr, 0) == 200);
    Client c(Config("public-client").token_url(BASE + "/token").device_authorization_url(BASE + "/device_authorization"));
    auto d = c.device_authorization("read");
    int events = 0;
    auto t = c.poll_device_token(d, [&](const oauth2kit::PollEvent& e) {
      if (events++ == 0 && e.kind == 1) {
        std::string body = "{\"user_code\":\"" + d.user_code() + "\",\"approve\":true}";
        dev_http("POST", (BASE + "/device/approve").c_str(), body.c_str(), nullptr, 0, nullptr, 0);
      }
      return true;
    });
    CHECK(events >= 1 && !t.access_token().empty());
    // A callback that throws cancels the poll; its exception comes back here.
    auto d2 = c.device_authorization();
    bool rethrown = false;
    try {
      c.poll_device_token(d2, [](const oauth2kit::PollEvent&) -> bool { throw std::logic_error("stop"); });
    } catch (const std::logic_error& e) {
      rethrown = std::strcmp(e.what(), "stop") == 0;
    }
    CHECK(rethrown);
  });

  test("deskera v2 and desko profiles", [] {
    std::string body = "{\"client_id\":\"deskera-client\",\"uri\":\"http://127.0.0.1:8765/callback\"}";
    CHECK(dev_http("POST", (BASE + "/control/callback-uri").c_str(), body.c_str(), nullptr, 0, nullptr, 0) == 200);
    Client c(Config("deskera-client").client_secret("deskera-secret").profile("deskera-v2").base_url(BASE + "/deskera-v2"));
    auto a = c.authorize();
    char location[2048] = {0};
    CHECK(dev_http("GET", a.url().c_str(), nullptr, location, sizeof location, nullptr, 0) == 302);
    auto t = c.exchange_redirect(a, location);
    CHECK(c.validate(t));
    CHECK(c.authorization_header(t).first == "x-access-token");
    auto t2 = c.refresh(*t.refresh_token());
    CHECK(c.validate(t2));
    Client desko(Config("desko-client").client_secret("desko-secret").profile("desko").base_url(BASE + "/desko"));
    CHECK(!desko.client_credentials().access_token().empty());
  });

  test("16 threads share a client", [] {
    Client c(Config("basic-client").client_secret("basic secret+/&=:%").token_url(BASE + "/token"));
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i)
      threads.emplace_back([&] {
        for (int j = 0; j < 3; ++j) {
          try {
            if (!c.client_credentials().access_token().empty()) ++ok;
          } catch (const oauth2kit::Error&) {
            // counted as missing below
          }
        }
      });
    for (auto& t : threads) t.join();
    CHECK(ok == 48);
  });

  std::printf("C++ suite: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
