#include "daemon/core/admin_scope.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/cgroup.h"
#include "daemon/core/names.h"

namespace bpfwarden {
namespace {

template <typename T>
bool Has(const std::vector<T>& items, T item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

bool AllowsPrograms(const AdminScope& scope, const bpf_object* obj,
                    const bpf_program** refused) {
  bpf_program* prog = nullptr;
  while ((prog = bpf_object__next_program(obj, prog)) != nullptr) {
    if (!Has(scope.program_types, bpf_program__type(prog))) {
      *refused = prog;
      return false;
    }
  }
  return true;
}

bool Beneath(const std::string& path, const std::string& root) {
  return path == root || absl::StartsWith(path, root + "/");
}

}  // namespace

absl::Status CheckProgramTypes(const std::vector<AdminScope>& scopes,
                               const bpf_object* obj) {
  const bpf_program* refused = nullptr;
  for (const AdminScope& scope : scopes) {
    if (AllowsPrograms(scope, obj, &refused)) return absl::OkStatus();
  }
  if (refused == nullptr) {
    return absl::PermissionDeniedError("the policy allows this caller no load");
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "program ", bpf_program__name(refused), " is a ",
      ProgTypeName(bpf_program__type(refused)),
      " program, a type the policy does not allow this caller to load"));
}

absl::Status CheckAttachScope(const std::vector<AdminScope>& scopes,
                              bpf_attach_type type, const std::string& cgroup,
                              const std::string& mount) {
  for (const AdminScope& scope : scopes) {
    if (!Has(scope.attach_types, type)) continue;
    absl::StatusOr<std::string> root =
        ResolveCgroup2DirBeneath(scope.cgroup_subtree, mount);
    if (root.ok() && Beneath(cgroup, *root)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "attaching as ", AttachTypeName(type), " to ", cgroup,
      " is outside what the policy allows this caller (its attach types "
      "and cgroup subtree)"));
}

absl::Status CheckAttachedScope(const std::vector<AdminScope>& scopes,
                                absl::string_view attach_type,
                                const std::string& cgroup,
                                const std::string& unit,
                                const std::string& mount) {
  if (!unit.empty()) {
    return absl::PermissionDeniedError(
        "an attachment made for a systemd unit is outside what a policy "
        "limited to a cgroup subtree allows");
  }
  absl::StatusOr<bpf_attach_type> type = ParseCgroupAttachType(attach_type);
  if (!type.ok()) return type.status();
  return CheckAttachScope(scopes, *type, cgroup, mount);
}

absl::Status CheckProgramTypeNames(
    const std::vector<AdminScope>& scopes,
    const std::vector<std::string>& program_types) {
  for (const AdminScope& scope : scopes) {
    bool all = true;
    for (const std::string& name : program_types) {
      absl::StatusOr<bpf_prog_type> type = ParseProgType(name);
      all = all && type.ok() && Has(scope.program_types, *type);
    }
    if (all) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      "it holds programs of a type the policy does not allow this caller to "
      "load");
}

AdminQuotas QuotasOf(const std::vector<AdminScope>& scopes) {
  if (scopes.empty()) return AdminQuotas();
  AdminQuotas widest = scopes.front().quotas;
  for (const AdminScope& scope : scopes) widest = widest.Widest(scope.quotas);
  return widest;
}

}  // namespace bpfwarden
