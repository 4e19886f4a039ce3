// Turning errno values into absl::Status, with context.
#ifndef BPFWARDEN_DAEMON_BASE_ERRNO_STATUS_H_
#define BPFWARDEN_DAEMON_BASE_ERRNO_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

// The status code for an errno value (accepts negative values, as libbpf
// returns them): ENOENT -> NotFound, EEXIST -> AlreadyExists,
// E2BIG/ENOSPC/ENOMEM -> ResourceExhausted, EINVAL -> InvalidArgument,
// EPERM/EACCES -> PermissionDenied, EBUSY -> FailedPrecondition, and so on.
absl::StatusCode ErrnoToCode(int err);

// "<context>: <strerror(err)>" with the code from ErrnoToCode.
absl::Status ErrnoStatus(int err, absl::string_view context);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_ERRNO_STATUS_H_
