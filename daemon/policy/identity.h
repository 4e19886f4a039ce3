// Who is calling: the kernel-verified identity of an API client.
#ifndef BPFWARDEN_DAEMON_POLICY_IDENTITY_H_
#define BPFWARDEN_DAEMON_POLICY_IDENTITY_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace bpfwarden::policy {

// A Unix-socket peer as SO_PEERCRED reported it at accept time, with the
// uid's groups from the group database; or a TLS client by its verified
// certificate. Never built from anything the client claims.
struct Identity {
  enum class Kind { kUnknown, kUnix, kCertificate };
  Kind kind = Kind::kUnknown;

  // kUnix.
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  pid_t pid = 0;
  std::vector<gid_t> groups;  // primary and supplementary
  std::string user;           // empty when the uid has no passwd entry
  std::vector<std::string> group_names;  // names of `groups` that have one

  // kCertificate.
  std::string cert_subject;  // e.g. "CN=ops,O=example"
  std::string cert_common_name;
  std::vector<std::string> cert_sans;

  bool IsRoot() const { return kind == Kind::kUnix && uid == 0; }

  // For logs and audit records: "uid:1000(alice) gid:1000 pid:42" or
  // "cert:CN=ops".
  std::string Describe() const;

  // Who this is for accounting, without the pid: "uid:1000" or
  // "cert:<subject>".
  std::string Principal() const;
};

}  // namespace bpfwarden::policy

#endif  // BPFWARDEN_DAEMON_POLICY_IDENTITY_H_
