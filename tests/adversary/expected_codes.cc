// The expected codes, as rules over the call names of hostile_calls.cc.
// Order of the daemon's checks, as they show here: a malformed MapRef
// (empty set or map) is INVALID_ARGUMENT for everyone; then the policy
// (PERMISSION_DENIED, naming only what the caller asked for); then the
// existence of the set or map (NOT_FOUND); then what the map type allows
// (FAILED_PRECONDITION); then sizes and limits (INVALID_ARGUMENT,
// RESOURCE_EXHAUSTED).
#include "tests/adversary/expected_codes.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace bpfwarden::testing {
namespace {

using grpc::StatusCode;
using absl::EndsWith;
using absl::StartsWith;
using absl::StrContains;

constexpr StatusCode OK = StatusCode::OK;
constexpr StatusCode PD = StatusCode::PERMISSION_DENIED;
constexpr StatusCode NF = StatusCode::NOT_FOUND;
constexpr StatusCode IA = StatusCode::INVALID_ARGUMENT;
constexpr StatusCode FP = StatusCode::FAILED_PRECONDITION;
constexpr StatusCode RE = StatusCode::RESOURCE_EXHAUSTED;

// One code per role: grantless, reader, scoped admin, root.
struct Codes {
  StatusCode grantless, reader, admin, root;
  StatusCode Of(Role role) const {
    switch (role) {
      case Role::kGrantless:
        return grantless;
      case Role::kReader:
        return reader;
      case Role::kScopedAdmin:
        return admin;
      case Role::kRoot:
        break;
    }
    return root;
  }
};

// Map types of map_kinds.bpf.c whose elements the API never touches (file
// descriptors, ring buffers): every element method and Dump refuse them.
bool Untouchable(const std::string& map) {
  static const std::set<std::string> kMaps = {
      "k_prog_array", "k_perf_event_array", "k_cgroup_array", "k_sockmap",
      "k_sockhash",   "k_xskmap",           "k_reuseport",    "k_sk_storage",
      "k_task_storage", "k_array_of_maps",  "k_ringbuf",      "k_user_ringbuf"};
  return kMaps.count(map) > 0;
}
bool Keyless(const std::string& map) {
  return map == "k_queue" || map == "k_stack" || map == "k_bloom_filter";
}
bool Undeletable(const std::string& map) {  // elements always exist
  return map == "k_array" || map == "k_percpu_array" ||
         map == "k_big_percpu" || map == "k_cgroup_storage";
}
bool NotWritable(const std::string& map) {  // values the kernel writes
  return map == "k_stack_trace" || map == "k_devmap" ||
         map == "k_devmap_hash" || map == "k_cpumap";
}

StatusCode DumpOfKind(const std::string& map) {
  return Untouchable(map) || Keyless(map) ? FP : OK;
}

// Kind.METHOD.MAP.key=SIZE: a key of 0 bytes or of 64 KiB.
StatusCode KindCall(Role role, const std::string& method,
                    const std::string& map, const std::string& key) {
  const bool reads = method == "Lookup" || method == "LookupBatch";
  if (role == Role::kGrantless || role == Role::kScopedAdmin) return PD;
  if (role == Role::kReader && !reads) return PD;
  if (Untouchable(map)) return FP;
  if (method == "Lookup") {
    // A queue or stack peeks when no key is given: empty, NOT_FOUND.
    if ((map == "k_queue" || map == "k_stack") && key == "raw0") return NF;
    return IA;
  }
  if (method == "LookupBatch") return Keyless(map) ? FP : IA;
  if (method == "Update") return NotWritable(map) ? FP : IA;
  return Undeletable(map) || Keyless(map) ? FP : IA;  // Delete
}

// METHOD.WHERE=KIND: a hostile name as set or map of a MapRef.
StatusCode MapName(Role role, const std::string& method,
                   const std::string& where, const std::string& kind) {
  if (method == "Maps.List") return OK;
  if (method == "Logs.Tail") return IA;  // checked before anything
  if (where == "set" && kind == "empty") return IA;
  const bool write = method == "Maps.Update" || method == "Maps.Delete";
  // The reader's READ covers kinds/k_*: map=KIND is "k_" + the name.
  if (role == Role::kRoot) return NF;
  if (role == Role::kReader && where == "map" && !write) return NF;
  return PD;
}

// Programs.* and Attachments.* with name=KIND.
StatusCode AdminName(Role role, const std::string& call,
                     const std::string& kind) {
  const bool empty = kind == "empty";
  if (call == "Attachments.Detach.id" && empty) return IA;
  if (call == "Attachments.List.cgroup") {
    if (empty) return OK;
    if (role == Role::kGrantless || role == Role::kScopedAdmin) return PD;
    // A way up, or a name longer than a path may be.
    return kind == "dotdot" || kind == "up" || kind == "long" ? IA : NF;
  }
  if (role == Role::kGrantless || role == Role::kReader) return PD;
  if (call == "Programs.Get") return role == Role::kRoot ? NF : PD;
  // Sets are team-KIND, within the scoped admin's glob; "" is "".
  if (role == Role::kScopedAdmin && empty &&
      (call == "Programs.Unload" || call == "Programs.Load" ||
       call == "Attachments.Attach.set")) {
    return PD;
  }
  if (call == "Programs.Load") return IA;
  if (call == "Attachments.Attach.cgroup" && role == Role::kScopedAdmin &&
      (kind == "dotdot" || kind == "up" || kind == "long")) {
    return IA;
  }
  return NF;
}

struct Fixed {
  const char* name;
  Codes codes;
};

const Fixed kFixed[] = {
    {"Maps.LookupBatch.packed_ragged", {PD, IA, PD, IA}},
    {"Maps.LookupBatch.packed_big_answer", {PD, RE, PD, RE}},
    {"Maps.Update.flag=99", {PD, PD, PD, IA}},
    {"Maps.Dump.page_size=max", {PD, OK, PD, OK}},
    {"Maps.Dump.slow_reader", {PD, OK, PD, OK}},
    {"Maps.Dump.token=junk", {PD, IA, PD, IA}},
    {"Maps.Dump.token=1MiB", {PD, IA, PD, IA}},
    {"Maps.Dump.slots_back", {PD, OK, PD, OK}},
    {"Maps.Watch.slow_reader", {PD, OK, PD, OK}},
    {"Maps.Watch.idle_to_cap", {PD, RE, PD, RE}},
    {"Maps.Watch.churn", {PD, OK, PD, OK}},
    {"Maps.Dump.encoding=99", {PD, IA, PD, IA}},
    // Authorized first, then refused: 99 is no level.
    {"Logs.Tail.min_level=99", {PD, PD, PD, IA}},
    {"Programs.Load.blob=other_types", {PD, PD, PD, OK}},
    // A scoped admin's quota of saved objects (8) is asked first.
    {"Programs.Load.blob=300_objects", {PD, PD, RE, IA}},
    {"Programs.Load.path=/etc/shadow", {PD, PD, PD, IA}},
    {"Programs.Load.builtin_name", {PD, PD, PD, FP}},
    {"Attachments.Attach.cgroup=root", {PD, PD, NF, NF}},
    {"Attachments.Attach.cgroup=up", {PD, PD, NF, NF}},
    {"Attachments.Attach.cgroup=up_relative", {PD, PD, IA, NF}},
    {"Attachments.Attach.unit", {PD, PD, PD, OK}},
    {"Attachments.Attach.builtin_set", {PD, PD, PD, OK}},
    {"Programs.Unload.builtin", {PD, PD, PD, FP}},
    {"Programs.Unload.kinds", {PD, PD, PD, OK}},
    {"Programs.List", {OK, OK, OK, OK}},
    {"Daemon.Status", {OK, OK, OK, OK}},
    // Pairs: what exists and what does not, refused alike.
    {"Leak.Maps.Lookup.kinds#existing", {PD, NF, PD, NF}},
    {"Leak.Maps.Lookup.kinds#missing", {PD, NF, PD, NF}},
    {"Leak.Maps.Lookup.bpfwarden#existing", {PD, PD, PD, IA}},
    {"Leak.Maps.Lookup.bpfwarden#missing", {PD, PD, PD, NF}},
    {"Leak.Maps.Get.kinds#existing", {PD, OK, PD, OK}},
    {"Leak.Maps.Get.kinds#missing", {PD, NF, PD, NF}},
    {"Leak.Maps.Get.bpfwarden#existing", {PD, PD, PD, OK}},
    {"Leak.Maps.Get.bpfwarden#missing", {PD, PD, PD, NF}},
    {"Leak.Maps.Dump.kinds#existing", {PD, OK, PD, OK}},
    {"Leak.Maps.Dump.kinds#missing", {PD, NF, PD, NF}},
    {"Leak.Maps.Dump.bpfwarden#existing", {PD, PD, PD, OK}},
    {"Leak.Maps.Dump.bpfwarden#missing", {PD, PD, PD, NF}},
    {"Leak.Maps.Watch.kinds#existing", {PD, OK, PD, OK}},
    {"Leak.Maps.Watch.kinds#missing", {PD, NF, PD, NF}},
    {"Leak.Maps.Watch.bpfwarden#existing", {PD, PD, PD, OK}},
    {"Leak.Maps.Watch.bpfwarden#missing", {PD, PD, PD, NF}},
    {"Leak.Programs.Get#existing", {PD, OK, PD, OK}},
    {"Leak.Programs.Get#missing", {PD, PD, PD, NF}},
    {"Leak.Logs.Tail#existing", {PD, PD, PD, OK}},
    {"Leak.Logs.Tail#missing", {PD, PD, PD, NF}},
    {"Leak.Programs.Unload#existing", {PD, PD, PD, OK}},
    {"Leak.Programs.Unload#missing", {PD, PD, PD, NF}},
    {"Leak.Attachments.Attach#existing", {PD, PD, PD, OK}},
    {"Leak.Attachments.Attach#missing", {PD, PD, PD, NF}},
    // The warm-up.
    {"Daemon.Status#warmup", {OK, OK, OK, OK}},
    {"Maps.List#warmup", {OK, OK, OK, OK}},
    {"Programs.Get#warmup", {PD, OK, PD, OK}},
    {"Attachments.List#warmup", {PD, OK, PD, OK}},
    {"Maps.Get#warmup", {PD, OK, PD, OK}},
    {"Maps.Lookup#warmup", {PD, OK, PD, OK}},
    {"Maps.LookupBatch#warmup", {PD, OK, PD, OK}},
    {"Maps.Dump#warmup", {PD, OK, PD, OK}},
    {"Maps.Watch#warmup", {PD, OK, PD, OK}},
    {"Logs.Tail#warmup", {PD, PD, PD, OK}},
    {"Programs.Load#warmup", {PD, PD, OK, OK}},
    {"Attachments.Attach#warmup", {PD, PD, OK, OK}},
    {"Attachments.Detach#warmup", {PD, PD, OK, OK}},
    {"Programs.Unload#warmup", {PD, PD, OK, OK}},
};

const Codes* FixedCodes(const std::string& name) {
  for (const Fixed& f : kFixed) {
    if (name == f.name) return &f.codes;
  }
  return nullptr;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kGrantless:
      return "grantless";
    case Role::kReader:
      return "reader";
    case Role::kScopedAdmin:
      return "scoped-admin";
    case Role::kRoot:
      return "root";
  }
  return "?";
}

StatusCode ExpectedWarmup(Role role, const std::string& name) {
  if (const Codes* c = FixedCodes(name + "#warmup")) return c->Of(role);
  std::vector<std::string> p = absl::StrSplit(name, '.');
  if (p.size() == 3 && p[0] == "Maps" && (p[1] == "Get" || p[1] == "Dump")) {
    if (role == Role::kGrantless || role == Role::kScopedAdmin) return PD;
    return p[1] == "Get" ? OK : DumpOfKind(p[2]);
  }
  return StatusCode::UNKNOWN;
}

StatusCode ExpectedHostile(Role role, const std::string& name) {
  if (const Codes* c = FixedCodes(name)) return c->Of(role);
  // gRPC's own answers, whoever asks: a request it cannot parse (a proto3
  // string that is not UTF-8) and one over the message limit. See
  // InvalidUtf8IsInvalidArgument in adversary_manual_test.cc.
  if (EndsWith(name, "utf8")) return StatusCode::UNIMPLEMENTED;
  if (EndsWith(name, "raw17MiB")) return RE;
  std::vector<std::string> p = absl::StrSplit(name, '.');
  if (p[0] == "Kind" && p.size() == 4) {
    return KindCall(role, p[1], p[2], p[3].substr(4));  // key=SIZE
  }
  if (p[0] == "Kind" && p[1] == "Dump" && p.size() == 3) {
    if (role == Role::kGrantless || role == Role::kScopedAdmin) return PD;
    return DumpOfKind(p[2]);
  }
  const std::string method = p[0] + "." + p[1];
  const std::string last = p.back();
  const size_t eq = last.find('=');
  // Names: Maps.X.set=K, Maps.X.map=K, Logs.Tail.set=K, Maps.List.set=K.
  if (p.size() == 3 && eq != std::string::npos &&
      (last.substr(0, eq) == "set" || last.substr(0, eq) == "map")) {
    return MapName(role, method, last.substr(0, eq), last.substr(eq + 1));
  }
  // Programs.X.name=K, Attachments.X.Y.name=K.
  if (StartsWith(last, "name=")) {
    std::string call = name.substr(0, name.size() - last.size() - 1);
    return AdminName(role, call, last.substr(5));
  }
  if (p[0] == "Maps" && p[1] == "Watch" && StartsWith(p[2], "interval=")) {
    return role == Role::kGrantless || role == Role::kScopedAdmin ? PD : IA;
  }
  // Keys, values and batches (Maps.X.batch.n=N) on kinds/k_hash.
  if (p[0] == "Maps" && (p.size() == 3 || p.size() == 4)) {
    const bool reads = p[1] == "Lookup" || p[1] == "LookupBatch";
    if (role == Role::kGrantless || role == Role::kScopedAdmin) return PD;
    if (role == Role::kReader && !reads) return PD;
    // Per-key answers: each key's own code is in its result.
    if (p[1] == "LookupBatch" && StartsWith(p[2], "key=")) return OK;
    return IA;
  }
  if (StartsWith(name, "Programs.Load.blob=")) {
    if (role == Role::kGrantless || role == Role::kReader) return PD;
    return IA;
  }
  return StatusCode::UNKNOWN;
}

}  // namespace bpfwarden::testing
