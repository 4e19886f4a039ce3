// Opening and loading one program set's linked object into the kernel:
// pin root, kconfig, .rodata globals, map pinning and reuse with a BTF
// layout check, verifier logs, and a rollback that leaves nothing behind.
#ifndef BPFWARDEN_DAEMON_CORE_SET_LOADER_H_
#define BPFWARDEN_DAEMON_CORE_SET_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/admin_quota.h"
#include "daemon/core/admin_scope.h"
#include "daemon/core/pin_layout.h"
#include "daemon/core/pin_rollback.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden {

struct SetLoadRequest {
  std::string name;  // validated set name; also the libbpf object name
  // Where the set's maps pin (PinLayout::SetDir); required.
  const PinLayout* layout = nullptr;
  std::string elf;  // the linked object
  std::vector<v1::KconfigOverride> kconfig;
  std::vector<v1::GlobalValue> globals;
  bool pin_all_maps = false;
  bool replace_maps = false;
  bool want_verifier_log = false;
  // BW_LEVEL_* for the object's `bw_log_level` global, when it has one;
  // 0 leaves the object's default.
  uint32_t log_level = 0;
  // A non-root administrator's limits: the object's program types are
  // checked against them before anything is loaded. Null: no limits.
  const std::vector<AdminScope>* admin_scopes = nullptr;
  // Verify with kScopedLoadCaps (daemon/core/reduced_caps.h); always so
  // with admin_scopes.
  bool reduced_caps = false;
  // A scoped administrator's map quotas, checked against the object's maps
  // before any is created. Null: none.
  const QuotaCheck* quota = nullptr;
};

struct LoadedObject {
  // Undoes the pins unless committed; declared first, so that it rolls back
  // after the object is closed.
  std::unique_ptr<PinRollback> pins;
  BpfObjectPtr obj;
  std::string verifier_log;              // with want_verifier_log
  std::vector<std::string> reused_maps;  // names of maps reused from pins
};

// Loads the object. On failure nothing is left: no pins that did not exist
// before (and replaced pins restored), no pin directory created by this
// call, no FDs. On success the pins stay only once the caller commits
// `pins`. See daemon/warden.h for the error codes.
absl::StatusOr<LoadedObject> LoadSetObject(const SetLoadRequest& request);

// At most this many programs in one set's object.
inline constexpr size_t kMaxProgramsPerSet = 256;

// Bytes of verifier log buffer per program: 1 MiB, 16 MiB with the full
// log, and never more than 64 MiB for all `programs` together.
size_t VerifierLogSize(size_t programs, bool full);

// At most this much of a successful load's verifier log stays with the set
// (its tail, for Warden::GetSet); the Load that asked for it gets it whole.
inline constexpr size_t kKeptVerifierLogBytes = 64 << 10;

// What a set keeps of `log`: all of it when it fits kKeptVerifierLogBytes,
// else its last whole lines that do.
std::string KeptVerifierLog(absl::string_view log);

// The kconfig text libbpf takes ("CONFIG_HZ=250\n..."); InvalidArgument for
// names that are not CONFIG_* or values with a newline.
absl::StatusOr<std::string> KconfigText(
    const std::vector<v1::KconfigOverride>& overrides);

// The last `max_lines` lines of a verifier log.
std::string LogTail(const std::string& log, int max_lines = 20);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_SET_LOADER_H_
