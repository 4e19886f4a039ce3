// A bpffs directory that exists for one test.
#ifndef BPFWARDEN_TESTS_TESTING_SCOPED_PIN_DIR_H_
#define BPFWARDEN_TESTS_TESTING_SCOPED_PIN_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// A unique directory under /sys/fs/bpf; the destructor removes it and every
// pin below it.
class ScopedPinDir {
 public:
  static absl::StatusOr<ScopedPinDir> Create(const std::string& tag);

  ScopedPinDir(ScopedPinDir&& other) noexcept;
  ScopedPinDir& operator=(ScopedPinDir&&) = delete;
  ScopedPinDir(const ScopedPinDir&) = delete;
  ~ScopedPinDir();

  const std::string& path() const { return path_; }

 private:
  explicit ScopedPinDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_SCOPED_PIN_DIR_H_
