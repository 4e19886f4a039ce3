#include "tests/testing/scoped_dir.h"

#include <filesystem>
#include <system_error>

namespace bpfwarden::testing {

ScopedDir::ScopedDir(ScopedDir&& other) noexcept
    : path_(std::move(other.path_)) {
  other.path_.clear();
}

ScopedDir::~ScopedDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace bpfwarden::testing
