#include "tests/testing/runfiles.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace bpfwarden::testing {

std::string Runfile(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/",
                      workspace ? workspace : "bpfwarden", "/", path);
}

}  // namespace bpfwarden::testing
