// A bpffs directory that exists for one test.
#ifndef BPFWARDEN_TESTS_TESTING_SCOPED_PIN_DIR_H_
#define BPFWARDEN_TESTS_TESTING_SCOPED_PIN_DIR_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/testing/scoped_dir.h"

namespace bpfwarden::testing {

// A unique directory under /sys/fs/bpf; the destructor removes it and every
// pin below it.
class ScopedPinDir : public ScopedDir {
 public:
  static absl::StatusOr<ScopedPinDir> Create(const std::string& tag);

 private:
  using ScopedDir::ScopedDir;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_SCOPED_PIN_DIR_H_
