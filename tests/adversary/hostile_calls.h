// The adversarial suite's calls (issue 20): every API method with hostile
// arguments, as a table of named calls that hostile_client runs as one
// uid. Each call ends in a gRPC status; the test compares the codes with
// what it expects of that uid.
#ifndef BPFWARDEN_TESTS_ADVERSARY_HOSTILE_CALLS_H_
#define BPFWARDEN_TESTS_ADVERSARY_HOSTILE_CALLS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "bpfwarden/v1/api.grpc.pb.h"

namespace bpfwarden::adversary {

// What the calls run against.
struct Target {
  std::string cgroup;         // the test's cgroup (the scoped admin's subtree)
  std::string sockops_blob;   // bytes of a sock_ops object
  std::string hooks_blob;     // bytes of an object of other program types
};

struct Stubs {
  explicit Stubs(std::shared_ptr<grpc::Channel> channel);
  std::unique_ptr<v1::Programs::Stub> programs;
  std::unique_ptr<v1::Attachments::Stub> attachments;
  std::unique_ptr<v1::Maps::Stub> maps;
  std::unique_ptr<v1::Daemon::Stub> daemon;
  std::unique_ptr<v1::Logs::Stub> logs;
};

struct Call {
  std::string name;  // unique within its table, no spaces
  std::function<grpc::Status(Stubs&)> run;
  // Would change state when root makes it (root's run leaves it out).
  bool not_for_root = false;
};

// The set the test loads (as root) from tests/api/map_kinds.bpf.c.
inline constexpr char kKinds[] = "kinds";
// The builtin set.
inline constexpr char kBuiltin[] = "bpfwarden";
// Every map of map_kinds.bpf.c.
const std::vector<std::string>& KindMaps();

// Legitimate calls, the warm-up before the steady measurement: Status,
// the listings, Get, Lookup, LookupBatch, Dump, Watch, Tail; a scoped
// admin's Load, Attach, Detach and Unload of set "team-warm".
std::vector<Call> WarmupCalls(const Target& target);
// The hostile table. Pairs named NAME#existing and NAME#missing ask for
// something that exists and something that does not; their messages come
// with the name asked for replaced by {NAME}.
std::vector<Call> HostileCalls(const Target& target);

// The parts of the table (map_calls.cc, admin_calls.cc).
void AddMapCalls(std::vector<Call>& calls);
void AddAdminCalls(const Target& target, std::vector<Call>& calls);
grpc::Status GetSet(Stubs& s, const std::string& name);
grpc::Status Unload(Stubs& s, const std::string& name);
grpc::Status Detach(Stubs& s, const std::string& id);

// The names the table tries for program sets and maps: key -> the name.
// Keys: empty, dotdot, slash, control, utf8, long.
const std::vector<std::pair<std::string, std::string>>& HostileNames();

}  // namespace bpfwarden::adversary

#endif  // BPFWARDEN_TESTS_ADVERSARY_HOSTILE_CALLS_H_
