#include "client/cli_status.h"

namespace bpfwarden::cli {

int ExitCodeOf(const absl::Status& status) {
  return ExitCodeFor(status.code());
}

int FailWith(const absl::Status& status) { return Fail(status); }

}  // namespace bpfwarden::cli
