// oauth2kit C++ API: the C++ objects the cxx bridge calls back for sessions —
// a token store written in C++ and the on_change observer. Included by
// oauth2kit/bridge.h; use oauth2kit.hpp, not this file directly.
//
// Why this layer exists: the Rust side must never see a C++ exception. Every
// entry point here is noexcept and turns an exception into a `false` result
// carrying its message, which Rust reports as a Store error (Status::Store).
#pragma once
#include <exception>
#include <functional>
#include <optional>
#include <string>

#include "rust/cxx.h"

namespace oauth2kit {
namespace bridge {

struct Tokens;  // a Rust type, defined in oauth2kit/bridge.h

// A C++ token store as the Rust side calls it: three functions over the JSON
// document of a token set (oauth2kit.hpp fills them from an
// oauth2kit::TokenStore). Called from any thread, concurrently.
class StoreAdapter {
 public:
  std::function<std::optional<std::string>()> load_fn;
  std::function<void(const std::string&)> save_fn;
  std::function<void()> clear_fn;

  // Each returns true on success; on an exception, false with its what() in `error`.
  bool load(bool& present, rust::String& json, rust::String& error) const noexcept {
    return run(error, [&] {
      std::optional<std::string> v = load_fn();
      present = v.has_value();
      if (present) json = rust::String(*v);  // throws on invalid UTF-8: reported as an error
    });
  }
  bool save(rust::Str json, rust::String& error) const noexcept {
    return run(error, [&] { save_fn(std::string(json)); });
  }
  bool clear(rust::String& error) const noexcept {
    return run(error, [&] { clear_fn(); });
  }

 private:
  template <class F>
  static bool run(rust::String& error, F&& f) noexcept {
    try {
      f();
      return true;
    } catch (const std::exception& e) {
      error = rust::String::lossy(e.what());
    } catch (...) {
      error = rust::String("a C++ exception that is not a std::exception");
    }
    return false;
  }
};

// The on_change callback of a session: called with every new token set, after
// it is saved, on an oauth2kit runtime thread. An exception it throws is
// caught and dropped (the tokens are already saved; there is no caller to
// report it to).
class ChangeObserver {
 public:
  std::function<void(const Tokens&)> callback;

  void on_change(const Tokens& tokens) const noexcept {
    try {
      if (callback) callback(tokens);
    } catch (...) {
    }
  }
};

}  // namespace bridge
}  // namespace oauth2kit
