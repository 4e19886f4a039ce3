// A program set as the Warden holds it: its spec, its loaded libbpf object
// and its description; building one from a spec, and removing its pins.
#ifndef BPFWARDEN_DAEMON_CORE_LOADED_SET_H_
#define BPFWARDEN_DAEMON_CORE_LOADED_SET_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/admin_quota.h"
#include "daemon/core/core_types.h"
#include "daemon/core/kernel_platform.h"
#include "daemon/core/log_sites.h"
#include "daemon/core/pin_layout.h"
#include "daemon/core/pin_rollback.h"
#include "daemon/core/set_maps.h"
#include "bpfwarden/v1/config.pb.h"

struct bpf_object;

namespace bpfwarden {

struct LoadedSet {
  // The pins a build made, undone unless the Warden commits the set
  // (CommitPins); declared first, so that it rolls back after `obj` closes.
  std::unique_ptr<PinRollback> pending_pins;
  v1::ProgramSet spec;  // as loaded; runtime blobs appear as saved files
  BpfObjectPtr obj;
  // Its verifier_log is the whole log of the build until the Warden
  // commits the set (TakeLoadResult); empty after, so that listing sets
  // copies no log.
  ProgramSetInfo info;
  // What the set keeps of its verifier log (KeptVerifierLog), for GetSet.
  std::string verifier_log;
  // The maps' handles, opened at load; the Warden publishes them for
  // OpenMap. Requests hold them past an unload, never `obj`.
  std::shared_ptr<const SetMaps> maps;
  // The object's BW_* log call sites (empty when it logs nothing).
  std::shared_ptr<const LogSites> log_sites;
};

// Gathers the spec's objects (builtin, files, `options.object_blobs`),
// links them and loads the result with its maps pinned in the set's
// directory of `layout` (kept only once committed: CommitBuiltSet). A runtime
// set's blobs are saved in the layout's objects directory (unless it has no
// state directory) and named in the returned spec, so that a restart can load
// it again. The name is not checked here. `quota` (null: none) bounds the
// object's maps before any is created.
absl::StatusOr<std::unique_ptr<LoadedSet>> BuildLoadedSet(
    const v1::ProgramSet& spec, const LoadOptions& options,
    const PinLayout& layout, const KernelPlatform& platform,
    const QuotaCheck* quota = nullptr);

// Commits what the build did to the set's pin directory, and returns the
// set's description with the build's whole verifier log, which leaves the
// set (it keeps only `verifier_log`). Done once, when the Warden takes the
// set in.
ProgramSetInfo CommitBuiltSet(LoadedSet& set);

// Unpins the maps of a closed set and removes its pin directories; the
// result names every pin or directory that stayed (a directory still in use
// by other pins stays, and says so).
absl::Status RemoveSetPins(const PinLayout& layout, const ProgramSetInfo& info);

// The object's program names, ", "-joined (for error messages).
std::string ProgramNames(const bpf_object* obj);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_LOADED_SET_H_
