// A scratch directory that exists for one test.
#ifndef BPFWARDEN_TESTS_TESTING_SCOPED_TEMP_DIR_H_
#define BPFWARDEN_TESTS_TESTING_SCOPED_TEMP_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// A unique directory under /tmp (0755, so that a client that dropped
// privileges reaches a socket inside), removed with everything in it.
class ScopedTempDir {
 public:
  static absl::StatusOr<ScopedTempDir> Create(const std::string& tag);

  ScopedTempDir(ScopedTempDir&& other) noexcept;
  ScopedTempDir& operator=(ScopedTempDir&&) = delete;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  const std::string& path() const { return path_; }

 private:
  explicit ScopedTempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_SCOPED_TEMP_DIR_H_
