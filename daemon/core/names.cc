#include "daemon/core/names.h"

#include <bpf/libbpf.h>

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace bpfwarden {
namespace {

struct CgroupAttach {
  bpf_attach_type type;
  bpf_prog_type prog_type;
  // The kernel insists that the program was loaded for this very attach type
  // (its expected_attach_type), as for sock_addr and sockopt programs.
  bool strict_expected;
};

constexpr CgroupAttach kCgroupAttach[] = {
    {BPF_CGROUP_INET_INGRESS, BPF_PROG_TYPE_CGROUP_SKB, false},
    {BPF_CGROUP_INET_EGRESS, BPF_PROG_TYPE_CGROUP_SKB, false},
    {BPF_CGROUP_INET_SOCK_CREATE, BPF_PROG_TYPE_CGROUP_SOCK, true},
    {BPF_CGROUP_INET_SOCK_RELEASE, BPF_PROG_TYPE_CGROUP_SOCK, true},
    {BPF_CGROUP_INET4_POST_BIND, BPF_PROG_TYPE_CGROUP_SOCK, true},
    {BPF_CGROUP_INET6_POST_BIND, BPF_PROG_TYPE_CGROUP_SOCK, true},
    {BPF_CGROUP_SOCK_OPS, BPF_PROG_TYPE_SOCK_OPS, false},
    {BPF_CGROUP_DEVICE, BPF_PROG_TYPE_CGROUP_DEVICE, false},
    {BPF_CGROUP_INET4_BIND, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_INET6_BIND, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_INET4_CONNECT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_INET6_CONNECT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_UDP4_SENDMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_UDP6_SENDMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_UDP4_RECVMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_UDP6_RECVMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_INET4_GETPEERNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_INET6_GETPEERNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_INET4_GETSOCKNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_INET6_GETSOCKNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, true},
    {BPF_CGROUP_SYSCTL, BPF_PROG_TYPE_CGROUP_SYSCTL, false},
    {BPF_CGROUP_GETSOCKOPT, BPF_PROG_TYPE_CGROUP_SOCKOPT, true},
    {BPF_CGROUP_SETSOCKOPT, BPF_PROG_TYPE_CGROUP_SOCKOPT, true},
};

const CgroupAttach* FindCgroupAttach(bpf_attach_type type) {
  for (const CgroupAttach& a : kCgroupAttach) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

uint64_t Fnv1a64(absl::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

absl::Status ValidateSetName(absl::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "program set name must be 1 to 64 characters, got \"", name, "\""));
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        c != '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "program set name \"", absl::CHexEscape(name),
          "\" may only hold [A-Za-z0-9_-] (it names a directory under the "
          "pin root; '..' and '/' are refused)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateObjectName(absl::string_view kind, absl::string_view name,
                                bool pinned) {
  if (name.empty() || name.size() > 255) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the object has a ", kind, " whose name is empty or longer than 255"));
  }
  for (char c : name) {
    const bool dot_ok = c == '.' && !pinned;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        !dot_ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the object's ", kind, " name \"", absl::CHexEscape(name),
          "\" may only hold [A-Za-z0-9_", pinned ? "" : ".", "]",
          pinned ? " (it names a file in the set's pin directory)" : ""));
    }
  }
  return absl::OkStatus();
}

std::vector<bpf_attach_type> CgroupAttachTypes() {
  std::vector<bpf_attach_type> types;
  for (const CgroupAttach& a : kCgroupAttach) types.push_back(a.type);
  return types;
}

std::string AttachTypeName(bpf_attach_type type) {
  const char* name = libbpf_bpf_attach_type_str(type);
  return name ? name : absl::StrCat("attach_type_", static_cast<int>(type));
}

std::string ProgTypeName(bpf_prog_type type) {
  const char* name = libbpf_bpf_prog_type_str(type);
  return name ? name : absl::StrCat("prog_type_", static_cast<int>(type));
}

absl::StatusOr<bpf_prog_type> ParseProgType(absl::string_view name) {
  for (int t = 0;; ++t) {
    const char* known = libbpf_bpf_prog_type_str(static_cast<bpf_prog_type>(t));
    if (known == nullptr) break;
    if (name == known) return static_cast<bpf_prog_type>(t);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown program type \"", absl::CHexEscape(name),
      "\" (libbpf's names: sock_ops, cgroup_skb, cgroup_sock, ...)"));
}

absl::StatusOr<bpf_attach_type> ParseCgroupAttachType(absl::string_view name) {
  std::string full(name);
  if (name == "sock_ops") full = "cgroup_sock_ops";
  if (name == "ingress") full = "cgroup_inet_ingress";
  if (name == "egress") full = "cgroup_inet_egress";
  for (const CgroupAttach& a : kCgroupAttach) {
    if (AttachTypeName(a.type) == full) return a.type;
  }
  std::string known;
  for (const CgroupAttach& a : kCgroupAttach) {
    absl::StrAppend(&known, known.empty() ? "" : ", ", AttachTypeName(a.type));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown cgroup attach type \"", absl::CHexEscape(name),
                   "\"; supported: ", known));
}

absl::Status CheckProgramFits(bpf_prog_type prog_type, bpf_attach_type expected,
                              bpf_attach_type attach) {
  const CgroupAttach* a = FindCgroupAttach(attach);
  if (a == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(AttachTypeName(attach), " is not a cgroup attach type"));
  }
  if (prog_type != a->prog_type) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a ", ProgTypeName(prog_type), " program cannot be attached as ",
        AttachTypeName(attach), ", which needs a ", ProgTypeName(a->prog_type),
        " program"));
  }
  if (a->strict_expected && expected != attach) {
    return absl::InvalidArgumentError(
        absl::StrCat("the program was loaded for ", AttachTypeName(expected),
                     " and the kernel only attaches it as that, not as ",
                     AttachTypeName(attach)));
  }
  return absl::OkStatus();
}

std::string AttachmentId(absl::string_view set, absl::string_view program,
                         absl::string_view cgroup, bpf_attach_type type) {
  std::string canonical = absl::StrCat(set, "\n", program, "\n", cgroup, "\n",
                                       AttachTypeName(type));
  return absl::StrFormat("att-%016x", Fnv1a64(canonical));
}

}  // namespace bpfwarden
