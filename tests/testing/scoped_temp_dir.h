// A scratch directory that exists for one test.
#ifndef BPFWARDEN_TESTS_TESTING_SCOPED_TEMP_DIR_H_
#define BPFWARDEN_TESTS_TESTING_SCOPED_TEMP_DIR_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/testing/scoped_dir.h"

namespace bpfwarden::testing {

// A unique directory under /tmp (0755, so that a client that dropped
// privileges reaches a socket inside), removed with everything in it.
class ScopedTempDir : public ScopedDir {
 public:
  static absl::StatusOr<ScopedTempDir> Create(const std::string& tag);

 private:
  using ScopedDir::ScopedDir;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_SCOPED_TEMP_DIR_H_
