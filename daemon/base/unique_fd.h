// UniqueFd: sole owner of a file descriptor.
#ifndef BPFWARDEN_DAEMON_BASE_UNIQUE_FD_H_
#define BPFWARDEN_DAEMON_BASE_UNIQUE_FD_H_

namespace bpfwarden {

// Move-only owner of one file descriptor; closes it on destruction. -1 is
// "none".
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership without closing.
  int Release();
  // Closes the current descriptor, if any, and takes `fd`.
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_UNIQUE_FD_H_
