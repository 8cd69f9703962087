// Compiled into the C++ suite: the C header first, then the standard library.
// It once declared `extern void free(void *)` (leaked by cbindgen), which made
// this order fail to compile; the suite does not build if that comes back.
#include "oauth2kit.h"

#include <string>
#include <type_traits>

std::string oauth2kit_status_name_cpp(int status) { return oauth2kit_status_name(status); }

// Enum parameters are typed as their enums (ffi-c/src/enum_arg.rs): C++ takes
// the constants and refuses a bare integer, so a wrong argument is a compile
// error. The suite does not build if a parameter goes back to int32_t.
static_assert(std::is_invocable_v<decltype(&oauth2kit_config_set), oauth2kit_config *,
                                  oauth2kit_option, const char *>);
static_assert(!std::is_invocable_v<decltype(&oauth2kit_config_set), oauth2kit_config *, int,
                                   const char *>);
static_assert(!std::is_invocable_v<decltype(&oauth2kit_config_set), oauth2kit_config *,
                                   oauth2kit_session_option, const char *>);
static_assert(!std::is_invocable_v<decltype(&oauth2kit_session_config_set),
                                   oauth2kit_session_config *, int, const char *>);
static_assert(!std::is_invocable_v<decltype(&oauth2kit_client_revoke), const oauth2kit_client *,
                                   const char *, int>);
static_assert(!std::is_invocable_v<decltype(&oauth2kit_client_introspect),
                                   const oauth2kit_client *, const char *, int,
                                   oauth2kit_introspection **>);
static_assert(!std::is_invocable_v<decltype(&oauth2kit_set_log_callback), int,
                                   oauth2kit_log_callback, void *>);
