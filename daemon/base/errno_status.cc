#include "daemon/base/errno_status.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace bpfwarden {
namespace {

// The kernel's internal ENOTSUPP, which leaks to user space from some BPF
// commands; libc has no name or message for it.
constexpr int kKernelEnotsupp = 524;

std::string Reason(int err) {
  if (err == kKernelEnotsupp) return "operation not supported";
  return std::strerror(err);
}

}  // namespace

absl::StatusCode ErrnoToCode(int err) {
  switch (std::abs(err)) {
    case 0:
      return absl::StatusCode::kOk;
    case ENOENT:
    case ESRCH:
    case ENXIO:
      return absl::StatusCode::kNotFound;
    case EEXIST:
      return absl::StatusCode::kAlreadyExists;
    case E2BIG:
    case ENOSPC:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
      return absl::StatusCode::kResourceExhausted;
    case EINVAL:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case EBADF:
    case ENOEXEC:
      return absl::StatusCode::kInvalidArgument;
    case EPERM:
    case EACCES:
      return absl::StatusCode::kPermissionDenied;
    case EBUSY:
    case ENOTEMPTY:
      return absl::StatusCode::kFailedPrecondition;
    case EOPNOTSUPP:
    case kKernelEnotsupp:
    case ENOSYS:
      return absl::StatusCode::kUnimplemented;
    case EAGAIN:
    case EINTR:
      return absl::StatusCode::kUnavailable;
    case ETIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status ErrnoStatus(int err, absl::string_view context) {
  return absl::Status(ErrnoToCode(err),
                      absl::StrCat(context, ": ", Reason(std::abs(err))));
}

}  // namespace bpfwarden
