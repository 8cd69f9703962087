// oauth2kit.hpp: the C++17 API of oauth2kit (an OAuth 2.0 client).
//
// RAII classes over the cxx bridge (oauth2kit/bridge.h, generated). Every
// failure throws oauth2kit::Error, which carries the status code and, for
// OAuth error answers, the RFC 6749 fields. Link oauth2kit::oauth2kit (the
// static library); include paths must contain this directory (for rust/cxx.h).
//
//   oauth2kit::Client client(oauth2kit::Config("my-app")
//                                .client_secret("s3cret")
//                                .token_url("https://as.example/token"));
//   oauth2kit::Tokens t = client.client_credentials("read");
//   auto [name, value] = client.authorization_header(t);
//
// Thread safety: Client, Tokens, Authorization, Introspection,
// DeviceAuthorization, Store and Session may be used from many threads at
// once; Config and SessionOptions may not.
// Tokens are copied into std::string on request: those copies are not zeroed.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// rust/cxx.h first: it declares rust::Error, which the generated header leaves out.
#include "rust/cxx.h"
#include "oauth2kit/bridge.h"
#include "oauth2kit/generated.hpp"

namespace oauth2kit {

// A failed call. what() is the message (never contains a secret).
class Error : public std::runtime_error {
 public:
  explicit Error(const bridge::ErrorInfo& e)
      : std::runtime_error(std::string(e.message)), status_(static_cast<Status>(e.status)),
        name_(e.name), error_(e.error), description_(e.description), uri_(e.uri), body_(e.body),
        http_status_(e.http_status), transient_(e.transient), retry_after_seconds_(e.retry_after_seconds) {}
  Status status() const noexcept { return status_; }
  // Stable lowercase name of the status ("oauth", "timeout"...).
  const std::string& name() const noexcept { return name_; }
  // RFC 6749 §5.2 fields; empty when not an OAuth error answer.
  const std::string& oauth_error() const noexcept { return error_; }
  const std::string& description() const noexcept { return description_; }
  const std::string& uri() const noexcept { return uri_; }
  // Response body (truncated, token values redacted); empty when none.
  const std::string& body() const noexcept { return body_; }
  // HTTP status of the answer, 0 when there was none.
  std::uint16_t http_status() const noexcept { return http_status_; }
  bool is_transient() const noexcept { return transient_; }
  // Retry-After in seconds (fractions possible), -1 when none.
  double retry_after_seconds() const noexcept { return retry_after_seconds_; }

 private:
  Status status_;
  std::string name_, error_, description_, uri_, body_;
  std::uint16_t http_status_;
  bool transient_;
  double retry_after_seconds_;
};

namespace detail {
// Runs a bridge call and turns its rust::Error into oauth2kit::Error with the details.
template <class F>
auto call(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const rust::Error&) {
    throw Error(bridge::take_last_error());
  }
}
inline rust::Vec<bridge::Param> params(const std::vector<std::pair<std::string, std::string>>& in) {
  rust::Vec<bridge::Param> out;
  for (const auto& [k, v] : in) out.push_back(bridge::Param{rust::String(k), rust::String(v)});
  return out;
}
inline std::vector<std::pair<std::string, std::string>> pairs(const rust::Vec<bridge::Param>& in) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : in) out.emplace_back(std::string(p.name), std::string(p.value));
  return out;
}
inline std::optional<std::string> opt(const bridge::OptString& s) {
  if (!s.present) return std::nullopt;
  return std::string(s.value);
}
}  // namespace detail

using Params = std::vector<std::pair<std::string, std::string>>;

// Token type hints for introspect/revoke.
enum class TokenHint : std::int32_t { None = 0, AccessToken = 1, RefreshToken = 2 };

// Client settings; each setter copies its value and returns *this. The typed
// setters (token_url, timeout(std::chrono::seconds(5)), allow_insecure_http(true),
// resource(...) once per value...) are generated from the binding layer's option
// table (oauth2kit/generated.hpp); set(name, text) takes any option by name, its
// value as text, as oauth2kit_config_set does.
class Config : public detail::ConfigSetters<Config> {
 public:
  explicit Config(const std::string& client_id) : inner_(bridge::new_config(client_id)) {}
  Config& set(const std::string& option, const std::string& value) {
    detail::call([&] { inner_->set(option, value); });
    return *this;
  }
  const bridge::Config& raw() const { return *inner_; }

 private:
  rust::Box<bridge::Config> inner_;
};

// The tokens of one grant.
class Tokens {
 public:
  explicit Tokens(rust::Box<bridge::Tokens> b) : inner_(std::move(b)) {}
  static Tokens from_json(const std::string& json) {
    return Tokens(detail::call([&] { return bridge::tokens_from_json(json); }));
  }
  std::string access_token() const { return std::string(inner_->access_token()); }
  std::optional<std::string> refresh_token() const { return field("refresh_token"); }
  std::optional<std::string> token_type() const { return field("token_type"); }
  std::optional<std::string> scope() const { return field("scope"); }
  std::optional<std::string> id_token() const { return field("id_token"); }
  // Any other response field (strings as is, other values as JSON).
  std::optional<std::string> field(const std::string& name) const { return detail::opt(inner_->field(name)); }
  // The validated ID token claims as a JSON object (OpenID Connect); empty
  // when the set has no validated ID token.
  std::optional<std::string> id_token_claims() const { return detail::opt(inner_->id_token_claims()); }
  // The authorization details the server granted (RFC 9396) as JSON, an array
  // of objects with a "type"; nullopt when the token response had none.
  std::optional<std::string> authorization_details() const { return detail::opt(inner_->authorization_details()); }
  // The RFC 7638 thumbprint of the DPoP key the tokens are bound to (RFC 9449),
  // or nullopt. The key itself stays inside (to_json carries it for stores).
  std::optional<std::string> dpop_jkt() const { return detail::opt(inner_->dpop_jkt()); }
  // Seconds since the epoch, -1 when unknown.
  std::int64_t expires_at() const { return inner_->expires_at(); }
  bool is_expired(std::uint32_t leeway_secs = 0) const { return inner_->is_expired(leeway_secs); }
  // Contains the tokens: keep it as secret as they are.
  std::string to_json() const {
    return std::string(detail::call([&] { return inner_->to_json(); }));
  }
  const bridge::Tokens& raw() const { return *inner_; }

 private:
  rust::Box<bridge::Tokens> inner_;
};

// An authorization request in progress.
class Authorization {
 public:
  explicit Authorization(rust::Box<bridge::Authorization> b) : inner_(std::move(b)) {}
  static Authorization from_json(const std::string& json) {
    return Authorization(detail::call([&] { return bridge::authorization_from_json(json); }));
  }
  // Empty for a request rebuilt from JSON.
  std::string url() const { return std::string(inner_->url()); }
  std::string state() const { return std::string(inner_->state()); }
  std::string to_json() const {
    return std::string(detail::call([&] { return inner_->to_json(); }));
  }
  const bridge::Authorization& raw() const { return *inner_; }

 private:
  rust::Box<bridge::Authorization> inner_;
};

class Introspection {
 public:
  explicit Introspection(rust::Box<bridge::IntrospectionResult> b) : inner_(std::move(b)) {}
  bool active() const { return inner_->active(); }
  std::optional<std::string> field(const std::string& name) const { return detail::opt(inner_->field(name)); }

 private:
  rust::Box<bridge::IntrospectionResult> inner_;
};

class DeviceAuthorization {
 public:
  explicit DeviceAuthorization(rust::Box<bridge::DeviceAuth> b) : inner_(std::move(b)) {}
  std::string user_code() const { return field("user_code").value_or(""); }
  std::string verification_uri() const { return field("verification_uri").value_or(""); }
  std::optional<std::string> field(const std::string& name) const { return detail::opt(inner_->field(name)); }
  const bridge::DeviceAuth& raw() const { return *inner_; }

 private:
  rust::Box<bridge::DeviceAuth> inner_;
};

// A started CIBA backchannel request (poll it with Client::poll_ciba_token).
class CibaAuthorization {
 public:
  explicit CibaAuthorization(rust::Box<bridge::CibaAuth> b) : inner_(std::move(b)) {}
  // The request id: a secret (do not log it); needed to match ping-mode notifications.
  std::string auth_req_id() const { return field("auth_req_id").value_or(""); }
  // "auth_req_id", "expires_in", "interval" (seconds, as text) or any other member of the answer.
  std::optional<std::string> field(const std::string& name) const { return detail::opt(inner_->field(name)); }
  const bridge::CibaAuth& raw() const { return *inner_; }

 private:
  rust::Box<bridge::CibaAuth> inner_;
};

// What a polling progress report says (the values of oauth2kit_poll_event_kind).
enum class PollEventKind : std::int32_t { Waiting = 1, SlowDown = 2, Retrying = 3 };

// A polling progress report. Durations in seconds, as everywhere in the API.
struct PollEvent {
  PollEventKind kind;
  std::uint32_t attempt;
  double interval_seconds;
  double remaining_seconds;
};

// Stops device or CIBA polling from any thread (a UI's Cancel button, a
// shutdown path): the poll wakes at once and throws Error (Status::Cancelled).
// Share it with the polling call; copies share the same token.
class CancelToken {
 public:
  CancelToken() : inner_(std::make_shared<rust::Box<bridge::Cancel>>(bridge::new_cancel())) {}
  void cancel() const noexcept { (*inner_)->cancel(); }
  bool is_cancelled() const noexcept { return (*inner_)->is_cancelled(); }
  const bridge::Cancel& raw() const { return **inner_; }

 private:
  std::shared_ptr<rust::Box<bridge::Cancel>> inner_;
};

namespace detail {
// Runs a polling bridge call with `on_event` (optional) as its observer. An
// exception thrown by `on_event` cancels the poll and is rethrown here.
template <class F>
auto poll(const std::function<bool(const PollEvent&)>& on_event, F&& f) -> decltype(f(std::declval<bridge::PollObserver&>())) {
  bridge::PollObserver observer;
  std::exception_ptr thrown;
  if (on_event) {
    observer.callback = [&](std::int32_t kind, std::uint32_t attempt, double interval, double remaining) {
      try {
        return on_event(PollEvent{static_cast<PollEventKind>(kind), attempt, interval, remaining});
      } catch (...) {
        thrown = std::current_exception();
        return false;
      }
    };
  }
  try {
    return call([&] { return f(observer); });
  } catch (const Error&) {
    if (thrown) std::rethrow_exception(thrown);
    throw;
  }
}
}  // namespace detail

// A client of one authorization server. Thread-safe; movable, not copyable.
class Client {
 public:
  explicit Client(const Config& config) : inner_(detail::call([&] { return bridge::new_client(config.raw()); })) {}

  // The authorization URL. `params` are sent as given, except the OpenID
  // Connect ones, read as typed options and checked (Config error otherwise):
  // prompt (none alone), max_age (seconds; auth_time is then checked),
  // login_hint, acr_values, ui_locales, claims (a JSON object; an essential
  // id_token.acr is checked in the ID token).
  Authorization authorization_url(const std::string& scope = "", const std::string& redirect_uri = "",
                                  const Params& params = {}) const {
    auto p = detail::params(params);
    return Authorization(detail::call([&] { return inner_->authorize(scope, redirect_uri, p); }));
  }
  // The earlier name of authorization_url (kept for existing callers).
  Authorization authorize(const std::string& scope = "", const std::string& redirect_uri = "",
                          const Params& params = {}) const {
    return authorization_url(scope, redirect_uri, params);
  }
  // Through a pushed authorization request (RFC 9126): a back-channel POST to the
  // PAR endpoint; the returned URL carries only client_id and request_uri.
  Authorization pushed_authorization_url(const std::string& scope = "", const std::string& redirect_uri = "",
                                         const Params& params = {}) const {
    auto p = detail::params(params);
    return Authorization(detail::call([&] { return inner_->pushed_authorization_url(scope, redirect_uri, p); }));
  }
  Tokens exchange_redirect(const Authorization& a, const std::string& redirect_url) const {
    return Tokens(detail::call([&] { return inner_->exchange_redirect(a.raw(), redirect_url); }));
  }
  Tokens exchange_code(const Authorization& a, const std::string& code) const {
    return Tokens(detail::call([&] { return inner_->exchange_code(a.raw(), code); }));
  }
  Tokens client_credentials(const std::string& scope = "") const {
    return Tokens(detail::call([&] { return inner_->client_credentials(scope); }));
  }
  Tokens password(const std::string& username, const std::string& password, const std::string& scope = "") const {
    return Tokens(detail::call([&] { return inner_->password(username, password, scope); }));
  }
  Tokens refresh(const std::string& refresh_token, const std::string& scope = "") const {
    return Tokens(detail::call([&] { return inner_->refresh(refresh_token, scope); }));
  }
  Tokens extension_grant(const std::string& grant_type, const Params& params) const {
    auto p = detail::params(params);
    return Tokens(detail::call([&] { return inner_->extension_grant(grant_type, p); }));
  }
  Tokens token_exchange(const std::string& subject_token, const std::string& subject_token_type,
                        const Params& options = {}) const {
    auto p = detail::params(options);
    return Tokens(detail::call([&] { return inner_->token_exchange(subject_token, subject_token_type, p); }));
  }
  Tokens jwt_bearer(const std::string& assertion, const std::string& scope = "") const {
    return Tokens(detail::call([&] { return inner_->jwt_bearer(assertion, scope); }));
  }
  Tokens jwt_bearer_signed(const std::string& key_pem, const std::string& issuer, const std::string& subject,
                           const std::string& audience, std::uint32_t lifetime_secs = 60,
                           const std::string& scope = "") const {
    return Tokens(detail::call(
        [&] { return inner_->jwt_bearer_signed(key_pem, issuer, subject, audience, lifetime_secs, scope); }));
  }
  Tokens saml2_bearer(const std::string& assertion_b64url, const std::string& scope = "") const {
    return Tokens(detail::call([&] { return inner_->saml2_bearer(assertion_b64url, scope); }));
  }
  DeviceAuthorization device_authorization(const std::string& scope = "") const {
    return DeviceAuthorization(detail::call([&] { return inner_->device_authorization(scope); }));
  }
  // Polls until approved. `on_event` (optional) runs on this thread before each
  // wait; return false to cancel (Error with Status::Cancelled). An exception it
  // throws cancels the poll and is rethrown here. `cancel.cancel()` from any
  // other thread stops it at once, even mid-wait.
  Tokens poll_device_token(const DeviceAuthorization& d,
                           std::function<bool(const PollEvent&)> on_event = nullptr,
                           const CancelToken& cancel = CancelToken()) const {
    return Tokens(detail::poll(
        on_event, [&](bridge::PollObserver& o) { return inner_->poll_device_token(d.raw(), o, cancel.raw()); }));
  }
  // CIBA poll mode: starts a backchannel request for the user `login_hint`
  // ("openid" is added to the scope when missing).
  CibaAuthorization ciba_authorization(const std::string& login_hint, const std::string& scope = "",
                                       const std::string& binding_message = "", const Params& params = {}) const {
    auto p = detail::params(params);
    return CibaAuthorization(
        detail::call([&] { return inner_->ciba_authorization(login_hint, scope, binding_message, p); }));
  }
  // Polls until the user approves; `on_event` and `cancel` as for poll_device_token.
  Tokens poll_ciba_token(const CibaAuthorization& a,
                         std::function<bool(const PollEvent&)> on_event = nullptr,
                         const CancelToken& cancel = CancelToken()) const {
    return Tokens(detail::poll(
        on_event, [&](bridge::PollObserver& o) { return inner_->poll_ciba_token(a.raw(), o, cancel.raw()); }));
  }
  Introspection introspect(const std::string& token, TokenHint hint = TokenHint::None) const {
    return Introspection(detail::call([&] { return inner_->introspect(token, static_cast<std::int32_t>(hint)); }));
  }
  void revoke(const std::string& token, TokenHint hint = TokenHint::None) const {
    detail::call([&] { inner_->revoke(token, static_cast<std::int32_t>(hint)); });
  }
  // The profile's validation endpoint: true, or false on 401/403.
  // The OpenID Connect RP-initiated logout URL for the browser (empty
  // arguments are left out). Throws Error (Config: no end-session endpoint).
  std::string end_session_url(const std::string& id_token_hint = "", const std::string& post_logout_redirect_uri = "",
                              const std::string& state = "") const {
    return std::string(
        detail::call([&] { return inner_->end_session_url(id_token_hint, post_logout_redirect_uri, state); }));
  }
  // The OpenID Connect UserInfo claims as a JSON object (a signed answer is
  // validated like an ID token; `sub` must match the ID token's). Throws Error.
  std::string userinfo(const Tokens& t) const {
    return std::string(detail::call([&] { return inner_->userinfo(t.raw()); }));
  }
  bool validate(const Tokens& t) const {
    return detail::call([&] { return inner_->validate(t.raw()); });
  }
  // {header name, header value} as the profile presents tokens.
  std::pair<std::string, std::string> authorization_header(const Tokens& t) const {
    auto h = inner_->authorization_header(t.raw());
    return {std::string(h.name), std::string(h.value)};
  }
  // The headers presenting `t` for one API request (`method`, full `url`): for a
  // DPoP-bound set (token_type DPoP) {"Authorization", "DPoP <token>"} then
  // {"DPoP", <a new proof: htm, htu, ath, the API's last nonce>}; else the
  // profile's one header. Make new headers for every request. No network.
  // Throws Error (Config: a bad URL or method, a bound set with no key).
  std::vector<std::pair<std::string, std::string>> resource_request_headers(const Tokens& t, const std::string& method,
                                                                            const std::string& url) const {
    return detail::pairs(detail::call([&] { return inner_->resource_request_headers(t.raw(), method, url); }));
  }
  // Reads an API's answer (status and headers) to a request made with
  // resource_request_headers: remembers its DPoP nonce (call it for every
  // answer); true when the set is DPoP-bound and the answer is a 401
  // use_dpop_nonce demand: make new headers and send once more (once only).
  bool check_resource_response(const Tokens& t, const std::string& url, int status,
                               const std::vector<std::pair<std::string, std::string>>& headers) const {
    auto params = detail::params(headers);
    return detail::call([&] {
      return inner_->check_resource_response(t.raw(), url, static_cast<uint16_t>(status), params);
    });
  }
  const bridge::Client& raw() const { return *inner_; }

 private:
  rust::Box<bridge::Client> inner_;
};

// ---- sessions and stores -------------------------------------------------

// A token store of your own (a database table, a keychain...): implement it
// and pass it to Store::custom. The documents are the JSON of Tokens::to_json
// (Tokens::from_json reads them) and contain the tokens: keep them as secret.
//
// The functions are called from any thread, often oauth2kit's own runtime
// threads, and concurrently: they must be thread-safe, quick, and must not call
// blocking oauth2kit functions (those would fail with Status::Runtime). An
// exception they throw is caught at the boundary and becomes an
// oauth2kit::Error with Status::Store whose what() contains its message.
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // The stored document, or std::nullopt when nothing is stored. A store that
  // exists but cannot be read must throw, not return std::nullopt.
  virtual std::optional<std::string> load() = 0;
  // Replaces the stored document; durable when it returns.
  virtual void save(const std::string& json) = 0;
  // Removes the stored document.
  virtual void clear() = 0;
};

// Where a session keeps its tokens. Copies share the same store.
class Store {
 public:
  // Memory only (the default of a session).
  static Store memory() { return Store(bridge::memory_store()); }
  // A file written atomically (a crash never leaves a torn or lost refresh
  // token), readable by its owner only. Nothing is read until needed.
  static Store file(const std::string& path) { return Store(bridge::file_store(path)); }
  // Redis under `key`, for a fleet of plugin instances sharing one token:
  // sessions renew under a lock kept in Redis, so one instance asks the server
  // and the others read what it saved (see oauth2kit_store_redis_new). `url` is
  // redis://[:password@]host:port/db or rediss://... (TLS, trusting the
  // system's certificates; SSL_CERT_FILE adds a private CA); connects now (at most
  // 5 s), so a wrong address throws here (Status::Store). Reconnects by
  // itself after a Redis restart or oauth2kit::shutdown().
  static Store redis(const std::string& url, const std::string& key) {
    return Store(detail::call([&] { return bridge::redis_store(url, key); }));
  }
  // Your own store; the session keeps `store` alive as long as it needs it
  // (the last reference may be released on an oauth2kit runtime thread).
  static Store custom(std::shared_ptr<TokenStore> store) {
    if (!store) throw std::invalid_argument("oauth2kit::Store::custom: null store");
    auto adapter = std::make_unique<bridge::StoreAdapter>();
    adapter->load_fn = [store] { return store->load(); };
    adapter->save_fn = [store](const std::string& json) { store->save(json); };
    adapter->clear_fn = [store] { store->clear(); };
    return Store(detail::call([&] { return bridge::cpp_store(std::move(adapter)); }));
  }
  Store(const Store& other) : inner_(other.inner_->clone_store()) {}
  Store& operator=(const Store& other) {
    if (this != &other) inner_ = other.inner_->clone_store();
    return *this;
  }
  Store(Store&&) noexcept = default;
  Store& operator=(Store&&) noexcept = default;

  // What the store holds now (e.g. to inspect a file store); blocks.
  std::optional<Tokens> load() const {
    auto json = detail::opt(detail::call([&] { return inner_->load_json(); }));
    if (!json) return std::nullopt;
    return Tokens::from_json(*json);
  }
  const bridge::Store& raw() const { return *inner_; }

 private:
  explicit Store(rust::Box<bridge::Store> b) : inner_(std::move(b)) {}
  rust::Box<bridge::Store> inner_;
};

// How a session gets and keeps its tokens; setters return *this. A session
// takes copies: one SessionOptions may configure several sessions.
class SessionOptions : public detail::SessionSetters<SessionOptions> {
 public:
  SessionOptions() : inner_(bridge::new_session_options()) {}
  // Sets a session option by its name (the typed setters above call this).
  SessionOptions& set(const std::string& option, const std::string& value) {
    detail::call([&] { inner_->set(option, value); });
    return *this;
  }
  // Where tokens are kept (default: memory).
  SessionOptions& store(const Store& s) {
    inner_->set_store(s.raw());
    return *this;
  }
  // Tokens to start from (e.g. from the code flow) instead of loading the
  // store. The Session constructor saves them to the store before it returns
  // (and throws the store's error if it cannot).
  SessionOptions& tokens(const Tokens& t) {
    inner_->set_initial_tokens(t.raw());
    return *this;
  }
  // Called with every new token set, after it is saved, on an oauth2kit
  // runtime thread: thread-safe, quick, no blocking oauth2kit calls. An
  // exception it throws is caught and dropped.
  SessionOptions& on_change(std::function<void(const Tokens&)> callback) {
    std::unique_ptr<bridge::ChangeObserver> observer;
    if (callback) {
      observer = std::make_unique<bridge::ChangeObserver>();
      observer->callback = [cb = std::move(callback)](const bridge::Tokens& t) { cb(Tokens(t.clone_box())); };
    }
    inner_->set_on_change(std::move(observer));
    return *this;
  }
  const bridge::SessionOptions& raw() const { return *inner_; }

 private:
  rust::Box<bridge::SessionOptions> inner_;
};

// Hands out a valid access token, renewing it before expiry — once, however
// many threads ask at the same time (single flight). Thread-safe: share it.
// Nothing is sent until a token is asked for. Movable, not copyable.
class Session {
 public:
  explicit Session(const Client& client, const SessionOptions& options = SessionOptions())
      : inner_(detail::call([&] { return bridge::new_session(client.raw(), options.raw()); })) {}

  // The cached token (no network), or one renewed for all callers. Throws
  // Error: ReauthorizationRequired, Store, or the grant's errors.
  std::string access_token() const {
    return std::string(detail::call([&] { return inner_->access_token(); }));
  }
  // The whole valid token set.
  Tokens token() const {
    return Tokens(detail::call([&] { return inner_->token(); }));
  }
  // {header name, header value} with a valid token, as the profile presents it.
  std::pair<std::string, std::string> authorization_header() const {
    auto h = detail::call([&] { return inner_->authorization_header(); });
    return {std::string(h.name), std::string(h.value)};
  }
  // Client::resource_request_headers with a valid token (renewed first when
  // due; a DPoP-bound set keeps its own key). Throws Error.
  std::vector<std::pair<std::string, std::string>> resource_request_headers(const std::string& method,
                                                                            const std::string& url) const {
    return detail::pairs(detail::call([&] { return inner_->resource_request_headers(method, url); }));
  }
  // Client::check_resource_response for the session's current token set.
  bool check_resource_response(const std::string& url, int status,
                               const std::vector<std::pair<std::string, std::string>>& headers) const {
    auto params = detail::params(headers);
    return detail::call([&] { return inner_->check_resource_response(url, static_cast<uint16_t>(status), params); });
  }
  // Marks the current token stale: the next request renews it.
  void invalidate() const { inner_->invalidate(); }
  // An API answered 401 to `access_token`: if it is still the current token,
  // the next request renews (once for all callers). True when it marked it stale.
  bool on_unauthorized(const std::string& access_token) const { return inner_->on_unauthorized(access_token); }
  // Replaces the tokens (e.g. after a code exchange) and saves them.
  void set_tokens(const Tokens& t) const {
    detail::call([&] { inner_->set_tokens(t.raw()); });
  }
  // Forgets the tokens, here and in the store (sign-out).
  void clear() const {
    detail::call([&] { inner_->clear(); });
  }

 private:
  rust::Box<bridge::Session> inner_;
};

// Stops oauth2kit's background runtime (see oauth2kit_shutdown in oauth2kit.h):
// call it from a plugin's unload hook, before dlclose(), once no other
// oauth2kit call is running. Objects stay usable; a later call starts a new
// runtime. Returns whether a runtime was running. Throws oauth2kit::Error
// (Status::Runtime) when called from a store or on_change callback.
inline bool shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto ms = timeout.count() < 0 ? 0 : timeout.count();
  auto capped = static_cast<std::uint32_t>(ms > 0xFFFFFFFFLL ? 0xFFFFFFFFLL : ms);
  return detail::call([&] { return bridge::shutdown_runtime(capped); });
}

}  // namespace oauth2kit
