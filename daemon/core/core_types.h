// Plain result types of the daemon core (daemon/warden.h). No gRPC here: the
// API adapter converts these to and from its messages.
#ifndef BPFWARDEN_DAEMON_CORE_CORE_TYPES_H_
#define BPFWARDEN_DAEMON_CORE_CORE_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/core/admin_scope.h"

namespace bpfwarden {

// Where a program set or attachment came from. Config items follow the
// configuration directory (reconciled on SIGHUP); runtime items were made
// through the API and persist in the state directory.
enum class Origin { kConfig, kRuntime };

// How the daemon lets go of an attachment's bpf_link (Warden::Shutdown,
// Attachment::Release).
enum class LinkRelease {
  // Detach now, pinned links included (their pins are removed first).
  kDetach,
  // Pinned links stay attached through their pins, for the next start to
  // adopt; the others are detached.
  kKeepPinned,
};

// What Warden::Unload does with the set's pinned maps.
enum class MapPins {
  kKeep,    // they stay pinned: the next load of the set reuses them
  kRemove,  // unpinned; a map goes away once nothing else holds it
};

// Options of Warden::Load.
struct LoadOptions {
  // Create every pinned map of the set afresh (empty), instead of reusing the
  // pinned one. The old pin is kept until the load succeeds.
  bool replace_maps = false;
  // Return the full verifier log of a successful load in
  // ProgramSetInfo::verifier_log, and keep its tail with the set (a failed
  // load always carries it as the kVerifierLogPayload payload of its
  // status).
  bool want_verifier_log = false;
  // ELF objects passed in memory (e.g. uploaded through the API), linked
  // after the files named in ProgramSet.objects. When a state directory is
  // configured, a runtime load copies them there so a restart can reload.
  std::vector<std::string> object_blobs;
  Origin origin = Origin::kRuntime;
  // A non-root administrator's limits (daemon/core/admin_scope.h); nullopt:
  // none (root, the configuration).
  std::optional<std::vector<AdminScope>> admin_scopes;
  // Who loads through the API (policy::Identity::Principal()), kept with
  // the set and in the state; empty for the configuration.
  std::string owner;
  // Verify with a scoped administrator's capabilities (kScopedLoadCaps),
  // as admin_scopes always does: a restart's load of a set one loaded.
  bool reduced_caps = false;
};

// The status payload (absl::Status::GetPayload) that carries the full
// verifier log of a failed load; the message carries only its tail.
inline constexpr char kVerifierLogPayload[] =
    "type.bpfwarden.dev/bpfwarden.VerifierLog";

// The full verifier log attached to `status`, if any.
std::optional<std::string> VerifierLogOf(const absl::Status& status);

struct ProgramInfo {
  std::string name;                  // the function name in the object
  uint32_t id = 0;                   // kernel program id
  std::string type;                  // libbpf's name, e.g. "sock_ops"
  std::string expected_attach_type;  // libbpf's name, e.g. "cgroup_sock_ops"
  std::string section;               // ELF section, e.g. "sockops"
};

struct MapInfo {
  std::string program_set;
  std::string name;       // the map's name in the object, e.g. "tcp_stats"
  std::string pin_path;   // empty when not pinned
  uint32_t id = 0;        // kernel map id
  uint32_t type = 0;      // enum bpf_map_type
  std::string type_name;  // libbpf's name, e.g. "lru_hash"
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  uint32_t max_entries = 0;
  uint32_t map_flags = 0;
  // The map's BTF object in the kernel and its key/value type ids in it
  // (0 when the map has no BTF).
  uint32_t btf_id = 0;
  uint32_t btf_key_type_id = 0;
  uint32_t btf_value_type_id = 0;
  bool internal = false;  // .rodata, .data, .bss, .kconfig: never pinned
  bool reused = false;    // this load reused a map that was already pinned
};

struct ProgramSetInfo {
  std::string name;
  Origin origin = Origin::kRuntime;
  bool builtin = false;
  std::vector<std::string> objects;  // object files as given (not blobs)
  std::string pin_dir;               // <pin root>/<name>
  std::vector<ProgramInfo> programs;
  std::vector<MapInfo> maps;
  absl::Time loaded_at;
  std::string owner;    // LoadOptions::owner
  bool scoped = false;  // verified with a scoped administrator's privileges
  // With LoadOptions::want_verifier_log: the whole log in the result of
  // Load and Reload, the tail the set keeps (kKeptVerifierLogBytes) from
  // GetSet; never from ListSets.
  std::string verifier_log;
};

struct AttachmentInfo {
  // Ours: a stable id derived from (set, program, cgroup, attach type), the
  // same across reloads and restarts, e.g. "att-3f2a9c0d1e4b5a67".
  // Foreign: empty.
  std::string id;
  bool ours = false;
  Origin origin = Origin::kRuntime;  // ours only
  std::string program_set;           // ours only
  std::string program;      // ours: function name; foreign: kernel name
  std::string cgroup;       // absolute path of the cgroup directory
  std::string attach_type;  // libbpf's name, e.g. "cgroup_sock_ops"
  uint32_t program_id = 0;
  uint32_t link_id = 0;  // ours only (0 for foreign: the query cannot tell)
  bool pinned = false;   // ours only
  std::string link_pin_path;  // ours, when pinned
  uint32_t attach_flags = 0;  // foreign: BPF_F_ALLOW_MULTI etc. from query
  // Ours, by systemd unit: the unit, and whether the attachment waits for
  // the unit to start (no cgroup, no link). cgroup_id is the attached
  // cgroup's id, so a follower can tell a unit's new cgroup from its old.
  std::string unit;
  bool waiting = false;
  uint64_t cgroup_id = 0;
  // Ours, in a listing: the cgroup was removed, so the kernel detached the
  // program; Detach still releases it.
  bool defunct = false;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_CORE_TYPES_H_
