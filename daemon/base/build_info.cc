#include "daemon/base/build_info.h"

namespace bpfwarden {

const char* BuildMode() { return BPFWARDEN_BUILD_MODE; }

bool BuildOptimized() {
#ifdef __OPTIMIZE__
  return true;
#else
  return false;
#endif
}

}  // namespace bpfwarden
