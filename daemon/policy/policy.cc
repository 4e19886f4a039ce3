#include "daemon/policy/policy.h"

#include <fnmatch.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/names.h"

namespace bpfwarden::policy {
namespace {

bool Glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool Contains(const std::vector<std::string>& names, absl::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool UnixPrincipalMatches(absl::string_view kind, absl::string_view value,
                          const Identity& who) {
  uint32_t number = 0;
  if (kind == "uid") {
    return absl::SimpleAtoi(value, &number) && number == who.uid;
  }
  if (kind == "user") return !who.user.empty() && value == who.user;
  if (kind == "group") {
    if (absl::SimpleAtoi(value, &number)) {
      return std::find(who.groups.begin(), who.groups.end(), number) !=
             who.groups.end();
    }
    return Contains(who.group_names, value);
  }
  return false;
}

bool CertPrincipalMatches(absl::string_view value, const Identity& who) {
  if (!who.cert_subject.empty() && value == who.cert_subject) return true;
  if (!who.cert_common_name.empty() &&
      value == absl::StrCat("CN=", who.cert_common_name)) {
    return true;
  }
  return Contains(who.cert_sans, value);
}

absl::Status CheckPrincipal(absl::string_view principal) {
  size_t colon = principal.find(':');
  if (colon == absl::string_view::npos || colon + 1 == principal.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("principal \"", principal,
                     "\": want uid:N, user:NAME, group:NAME, or cert:NAME"));
  }
  absl::string_view kind = principal.substr(0, colon);
  absl::string_view value = principal.substr(colon + 1);
  uint32_t number = 0;
  if (kind == "uid" && !absl::SimpleAtoi(value, &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat("principal \"", principal, "\": uid is not a number"));
  }
  if (kind != "uid" && kind != "user" && kind != "group" && kind != "cert") {
    return absl::InvalidArgumentError(
        absl::StrCat("principal \"", principal, "\": unknown kind \"", kind,
                     "\" (want uid, user, group or cert)"));
  }
  return absl::OkStatus();
}

bool Grants(const Rule& rule, Operation op) {
  return std::find(rule.allow.begin(), rule.allow.end(), op) !=
         rule.allow.end();
}

bool RootOnly(const std::vector<std::string>& principals) {
  for (const std::string& p : principals) {
    if (p != "uid:0" && p != "user:root") return false;
  }
  return true;
}

absl::Status CheckAdminLimits(const Rule& rule) {
  const AdminLimits& l = rule.limits;
  if (!Grants(rule, Operation::kAdmin) || RootOnly(rule.principals)) return absl::OkStatus();
  if (l.program_types.empty() || l.attach_types.empty() ||
      l.cgroup_subtree.empty()) {
    return absl::InvalidArgumentError(
        "ADMIN for a non-root principal needs program_types, attach_types "
        "and cgroup_subtree: without them it can load any program type "
        "(cgroup/connect4, sysctl, device) and attach it to any cgroup, the "
        "root included, which is root's power");
  }
  for (const std::string& t : l.program_types) {
    if (absl::Status s = ParseProgType(t).status(); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("program_types: ", s.message()));
    }
  }
  for (const std::string& t : l.attach_types) {
    if (absl::Status s = ParseCgroupAttachType(t).status(); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("attach_types: ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRule(const Rule& rule) {
  if (rule.program_set_glob.empty()) {
    return absl::InvalidArgumentError("program_set: empty (use \"*\")");
  }
  if (rule.map_glob.empty()) {
    return absl::InvalidArgumentError("map: empty (use \"*\")");
  }
  if (rule.principals.empty()) {
    return absl::InvalidArgumentError("principals: none");
  }
  for (const std::string& principal : rule.principals) {
    if (absl::Status s = CheckPrincipal(principal); !s.ok()) return s;
  }
  if (rule.allow.empty()) {
    return absl::InvalidArgumentError(
        "allow: no operation (READ, WRITE, ADMIN, READ_HANDLE)");
  }
  if (Grants(rule, Operation::kReadHandle) &&
      Grants(rule, Operation::kWrite) && !Grants(rule, Operation::kRead)) {
    return absl::InvalidArgumentError(
        "allow: READ_HANDLE with WRITE but without READ: WRITE without READ "
        "makes the rule's maps write-only, and no read handle is ever handed "
        "over for them (grant READ too, or READ_HANDLE in another rule)");
  }
  return CheckAdminLimits(rule);
}

}  // namespace

absl::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kRead:
      return "read";
    case Operation::kWrite:
      return "write";
    case Operation::kAdmin:
      return "admin";
    case Operation::kReadHandle:
      return "read handle";
  }
  return "unknown";
}

std::string Resource::Describe() const {
  if (map.has_value()) return absl::StrCat("map ", program_set, "/", *map);
  if (program_set.empty()) return "foreign attachments";
  return absl::StrCat("program set ", program_set);
}

bool PrincipalMatches(absl::string_view principal, const Identity& who) {
  size_t colon = principal.find(':');
  if (colon == absl::string_view::npos) return false;
  absl::string_view kind = principal.substr(0, colon);
  absl::string_view value = principal.substr(colon + 1);
  if (value.empty()) return false;
  switch (who.kind) {
    case Identity::Kind::kUnix:
      return UnixPrincipalMatches(kind, value, who);
    case Identity::Kind::kCertificate:
      return kind == "cert" && CertPrincipalMatches(value, who);
    case Identity::Kind::kUnknown:
      break;
  }
  return false;
}

absl::StatusOr<Policy> Policy::Create(std::vector<Rule> rules) {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (absl::Status s = CheckRule(rules[i]); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy rule ", i, ": ", s.message()));
    }
  }
  return Policy(std::move(rules));
}

absl::StatusOr<Policy> Policy::FromConfig(
    const google::protobuf::RepeatedPtrField<bpfwarden::v1::PolicyRule>&
        rules) {
  using Proto = bpfwarden::v1::PolicyRule;
  std::vector<Rule> out;
  for (int i = 0; i < rules.size(); ++i) {
    const Proto& p = rules[i];
    Rule rule{p.program_set(),
              p.map(),
              {p.principals().begin(), p.principals().end()},
              {},
              {{p.program_types().begin(), p.program_types().end()},
               {p.attach_types().begin(), p.attach_types().end()},
               p.cgroup_subtree(),
               p.max_sets(),
               p.max_maps(),
               p.max_map_bytes(),
               p.max_saved_objects()}};
    for (int op : p.allow()) {
      switch (op) {
        case Proto::READ:
          rule.allow.push_back(Operation::kRead);
          break;
        case Proto::WRITE:
          rule.allow.push_back(Operation::kWrite);
          break;
        case Proto::ADMIN:
          rule.allow.push_back(Operation::kAdmin);
          break;
        case Proto::READ_HANDLE:
          rule.allow.push_back(Operation::kReadHandle);
          break;
        default:
          return absl::InvalidArgumentError(absl::StrCat(
              "policy rule ", i, ": allow: unknown operation ", op));
      }
    }
    out.push_back(std::move(rule));
  }
  return Create(std::move(out));
}

bool Policy::Allows(const Identity& who, Operation op,
                    const Resource& what) const {
  if (who.IsRoot()) return true;
  // A handle is of one map: a set as a whole is never handed over.
  if (op == Operation::kReadHandle && !what.map.has_value()) return false;
  for (const Rule& rule : rules_) {
    if (!Grants(rule, op)) continue;
    if (!Glob(rule.program_set_glob, what.program_set)) continue;
    if (what.map.has_value() && !Glob(rule.map_glob, *what.map)) continue;
    for (const std::string& principal : rule.principals) {
      if (PrincipalMatches(principal, who)) return true;
    }
  }
  return false;
}

std::optional<std::vector<AdminLimits>> Policy::AdminLimitsFor(
    const Identity& who, absl::string_view set) const {
  if (who.IsRoot()) return std::nullopt;
  std::vector<AdminLimits> out;
  for (const Rule& rule : rules_) {
    if (!Grants(rule, Operation::kAdmin) ||
        !Glob(rule.program_set_glob, std::string(set))) {
      continue;
    }
    for (const std::string& principal : rule.principals) {
      if (PrincipalMatches(principal, who)) {
        out.push_back(rule.limits);
        break;
      }
    }
  }
  return out;
}

bool Policy::GrantsAny(const Identity& who, Operation op) const {
  if (who.IsRoot()) return true;
  for (const Rule& rule : rules_) {
    if (!Grants(rule, op)) continue;
    for (const std::string& principal : rule.principals) {
      if (PrincipalMatches(principal, who)) return true;
    }
  }
  return false;
}

absl::Status Policy::Check(const Identity& who, Operation op,
                           const Resource& what,
                           absl::string_view method) const {
  if (Allows(who, op, what)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(method, " on ", what.Describe(), ": permission denied (",
                   OperationName(op), " access required)"));
}

absl::Status Policy::CheckHandle(const Identity& who, const Resource& what,
                                 absl::string_view method) const {
  if (absl::Status s = Check(who, Operation::kReadHandle, what, method);
      !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    if (!Grants(rule, Operation::kWrite) || Grants(rule, Operation::kRead) ||
        !Glob(rule.program_set_glob, what.program_set) ||
        !Glob(rule.map_glob, what.map.value_or(""))) {
      continue;
    }
    return absl::PermissionDeniedError(absl::StrCat(
        method, " on ", what.Describe(), ": permission denied (policy rule ",
        i,
        " grants WRITE without READ on it, which makes it write-only: no "
        "read handle is handed over for it)"));
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden::policy
