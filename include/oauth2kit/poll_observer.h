// oauth2kit C++ API: the polling progress observer the cxx bridge calls back.
// Included by oauth2kit/bridge.h; use oauth2kit.hpp, not this file directly.
#pragma once
#include <cstdint>
#include <functional>

namespace oauth2kit {
namespace bridge {

// Holds the C++ callback of a polling flow. `on_event` is called on the thread
// that is polling; it returns false to cancel. It must not throw: the
// oauth2kit.hpp wrapper catches exceptions, cancels, and rethrows them after
// the poll returns.
class PollObserver {
public:
  std::function<bool(std::int32_t kind, std::uint32_t attempt, double interval_seconds,
                     double remaining_seconds)>
      callback;

  bool on_event(std::int32_t kind, std::uint32_t attempt, double interval_seconds,
                double remaining_seconds) const noexcept {
    if (!callback) return true;
    try {
      return callback(kind, attempt, interval_seconds, remaining_seconds);
    } catch (...) {
      return false;
    }
  }
};

}  // namespace bridge
}  // namespace oauth2kit
