// Per-map, per-operation access policy over kernel-verified identities.
#ifndef BPFWARDEN_DAEMON_POLICY_POLICY_H_
#define BPFWARDEN_DAEMON_POLICY_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/policy/identity.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden::policy {

// Operation classes. They do not imply each other: a rule grants exactly
// the classes it lists. Root is allowed everything. kReadHandle is a
// read-only map file descriptor handed over on the handle socket
// (daemon/handles/): it is granted on maps only, never on a set as a whole.
enum class Operation { kRead, kWrite, kAdmin, kReadHandle };

absl::string_view OperationName(Operation op);

// What a call touches: a map of a program set, or (map unset) the program
// set as a whole. Foreign attachments belong to the set "".
struct Resource {
  std::string program_set;
  std::optional<std::string> map;

  // "map bpfwarden/tcp_stats" or "program set bpfwarden".
  std::string Describe() const;
};

// What ADMIN lets a non-root principal do: load objects whose programs are
// all of `program_types`, attach as `attach_types` only, under
// `cgroup_subtree` only. libbpf's names, checked by Policy::Create.
struct AdminLimits {
  std::vector<std::string> program_types;
  std::vector<std::string> attach_types;
  std::string cgroup_subtree;
  // Quotas as the rule wrote them (0: the core's default,
  // daemon/core/admin_quota.h).
  uint32_t max_sets = 0;
  uint32_t max_maps = 0;
  uint64_t max_map_bytes = 0;
  uint32_t max_saved_objects = 0;
};

// One rule: principals matching any of `principals` may perform `allow` on
// maps matching both globs (fnmatch(3) patterns).
struct Rule {
  std::string program_set_glob;
  std::string map_glob;
  std::vector<std::string> principals;  // uid:N, user:NAME, group:NAME|GID,
                                        // cert:SUBJECT|CN=NAME|SAN
  std::vector<Operation> allow;
  // Required (all three) when `allow` has ADMIN and a principal other than
  // uid:0 or user:root.
  AdminLimits limits = {};
};

class Policy {
 public:
  // Only root may do anything.
  Policy() = default;

  // Checks every rule: globs present, principals of a known kind with a
  // value, numeric uids and gids, at least one known operation, and ADMIN
  // for non-root principals only with its limits. The error
  // names the rule by its index and the offending field.
  static absl::StatusOr<Policy> Create(std::vector<Rule> rules);
  static absl::StatusOr<Policy> FromConfig(
      const google::protobuf::RepeatedPtrField<bpfwarden::v1::PolicyRule>&
          rules);

  // Whether `who` may perform `op` on `what`. For a whole program set (map
  // unset), any rule for the set grants it, whatever its map glob.
  bool Allows(const Identity& who, Operation op, const Resource& what) const;

  // The limits on `who`'s ADMIN over program set `set`: nullopt for root
  // (no limits); otherwise those of each rule granting it (an action is
  // allowed when one rule's limits allow it all).
  std::optional<std::vector<AdminLimits>> AdminLimitsFor(
      const Identity& who, absl::string_view set) const;

  // Whether any rule grants `who` `op` on anything (root: always).
  bool GrantsAny(const Identity& who, Operation op) const;

  // OK, or PERMISSION_DENIED "<method> on <resource>: permission denied".
  absl::Status Check(const Identity& who, Operation op, const Resource& what,
                     absl::string_view method) const;

  // Whether `who` may be handed a read-only descriptor of the map `what`:
  // a READ_HANDLE grant (root: always), and no rule that grants WRITE
  // without READ covers the map, whoever its principals are (such a map is
  // write-only by the operator's word). PERMISSION_DENIED naming `method`,
  // the map and which of the two refused it.
  absl::Status CheckHandle(const Identity& who, const Resource& what,
                           absl::string_view method) const;

  size_t rule_count() const { return rules_.size(); }

 private:
  explicit Policy(std::vector<Rule> rules) : rules_(std::move(rules)) {}
  std::vector<Rule> rules_;
};

// Whether `principal` ("uid:1000", "group:ops", ...) names `who`.
bool PrincipalMatches(absl::string_view principal, const Identity& who);

}  // namespace bpfwarden::policy

#endif  // BPFWARDEN_DAEMON_POLICY_POLICY_H_
