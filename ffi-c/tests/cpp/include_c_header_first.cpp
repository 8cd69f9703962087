// Compiled into the C++ suite: the C header first, then the standard library.
// It once declared `extern void free(void *)` (leaked by cbindgen), which made
// this order fail to compile; the suite does not build if that comes back.
#include "oauth2kit.h"

#include <string>

std::string oauth2kit_status_name_cpp(int status) { return oauth2kit_status_name(status); }
