#include "daemon/api/caller.h"

#include <grpc/grpc_security_constants.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "grpcpp/security/auth_context.h"

namespace bpfwarden::api {
namespace {

std::vector<std::string> Property(const grpc::AuthContext& auth,
                                  const char* name) {
  std::vector<std::string> out;
  for (const grpc::string_ref& value : auth.FindPropertyValues(name)) {
    out.emplace_back(value.data(), value.size());
  }
  return out;
}

absl::StatusOr<policy::Identity> CertIdentity(const grpc::AuthContext& auth) {
  std::vector<std::string> type =
      Property(auth, GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME);
  if (!auth.IsPeerAuthenticated() || type.empty() ||
      type[0] != GRPC_SSL_TRANSPORT_SECURITY_TYPE) {
    return absl::UnauthenticatedError(
        "the connection carries no verified client certificate");
  }
  policy::Identity who;
  who.kind = policy::Identity::Kind::kCertificate;
  std::vector<std::string> subject =
      Property(auth, GRPC_X509_SUBJECT_PROPERTY_NAME);
  std::vector<std::string> cn = Property(auth, GRPC_X509_CN_PROPERTY_NAME);
  if (!subject.empty()) who.cert_subject = subject[0];
  if (!cn.empty()) who.cert_common_name = cn[0];
  who.cert_sans = Property(auth, GRPC_X509_SAN_PROPERTY_NAME);
  if (who.cert_subject.empty() && who.cert_common_name.empty() &&
      who.cert_sans.empty()) {
    return absl::UnauthenticatedError(
        "the client certificate names no subject, CN or SAN");
  }
  return who;
}

}  // namespace

int FdOfPeer(const std::string& peer) {
  int fd = -1;
  if (!absl::StartsWith(peer, "fd:") ||
      !absl::SimpleAtoi(absl::string_view(peer).substr(3), &fd) || fd < 0) {
    return -1;
  }
  return fd;
}

absl::StatusOr<policy::Identity> CallerIdentity(
    const grpc::ServerContextBase& ctx, const PeerRegistry& peers) {
  std::string peer = ctx.peer();
  if (int fd = FdOfPeer(peer); fd >= 0) {
    std::optional<policy::Identity> who = peers.Lookup(fd);
    if (!who.has_value()) {
      return absl::UnauthenticatedError(
          "the connection's credentials are unknown");
    }
    return *std::move(who);
  }
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr) {
    return absl::UnauthenticatedError("no transport identity");
  }
  return CertIdentity(*auth);
}

}  // namespace bpfwarden::api
