#include "daemon/policy/identity.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::policy {

std::string Identity::Describe() const {
  if (kind != Kind::kUnix) return Principal();
  std::string out = absl::StrCat("uid:", uid);
  if (!user.empty()) absl::StrAppend(&out, "(", user, ")");
  absl::StrAppend(&out, " gid:", gid, " pid:", pid);
  return out;
}

std::string Identity::Principal() const {
  switch (kind) {
    case Kind::kUnix:
      return absl::StrCat("uid:", uid);
    case Kind::kCertificate:
      return absl::StrCat(
          "cert:", cert_subject.empty() ? cert_common_name : cert_subject);
    case Kind::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace bpfwarden::policy
