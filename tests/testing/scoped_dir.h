// A directory owned by one test.
#ifndef BPFWARDEN_TESTS_TESTING_SCOPED_DIR_H_
#define BPFWARDEN_TESTS_TESTING_SCOPED_DIR_H_

#include <string>

namespace bpfwarden::testing {

// Owns an existing directory: the destructor removes it and everything
// below it. Move-only; made by the Create() of a subclass (ScopedPinDir,
// ScopedTempDir).
class ScopedDir {
 public:
  ScopedDir(ScopedDir&& other) noexcept;
  ScopedDir& operator=(ScopedDir&&) = delete;
  ScopedDir(const ScopedDir&) = delete;
  ~ScopedDir();

  const std::string& path() const { return path_; }

 protected:
  explicit ScopedDir(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_SCOPED_DIR_H_
