#include "tests/adversary/hostile_calls.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "tests/adversary/call_helpers.h"
#include "tests/api/kinds_object.h"

namespace bpfwarden::adversary {
namespace {

// Two calls, NAME#existing and NAME#missing, each told the name to ask
// for; their messages with that name replaced by {NAME}.
void AddPair(const std::string& name, const std::string& existing,
             const std::string& missing,
             std::function<grpc::Status(Stubs&, const std::string&)> call,
             std::vector<Call>& calls, bool not_for_root = false) {
  for (const auto& [suffix, asked] :
       {std::pair<std::string, std::string>{"#existing", existing},
        {"#missing", missing}}) {
    calls.push_back({name + suffix,
                     [call, asked = asked](Stubs& s) {
                       grpc::Status got = call(s, asked);
                       return grpc::Status(
                           got.error_code(),
                           absl::StrReplaceAll(got.error_message(),
                                               {{asked, "{NAME}"}}));
                     },
                     not_for_root});
  }
}

grpc::Status LookupZero(Stubs& s, const std::string& set,
                        const std::string& map) {
  v1::LookupRequest req;
  *req.mutable_map() = Ref(set, map);
  req.mutable_key()->set_raw(std::string(4, '\0'));
  v1::LookupResponse resp;
  return s.maps->Lookup(Ctx().get(), req, &resp);
}

grpc::Status GetMap(Stubs& s, const std::string& set, const std::string& map) {
  v1::GetMapRequest req;
  *req.mutable_map() = Ref(set, map);
  v1::MapInfo resp;
  return s.maps->Get(Ctx().get(), req, &resp);
}

grpc::Status DumpAll(Stubs& s, const std::string& set, const std::string& map) {
  v1::DumpRequest req;
  *req.mutable_map() = Ref(set, map);
  auto ctx = Ctx();
  auto reader = s.maps->Dump(ctx.get(), req);
  return ReadSome(*ctx, *reader, 1 << 20, std::chrono::milliseconds(0));
}

grpc::Status WatchOne(Stubs& s, const std::string& set,
                      const std::string& map) {
  v1::WatchRequest req;
  *req.mutable_map() = Ref(set, map);
  req.set_interval_ms(100);
  auto ctx = Ctx();
  auto reader = s.maps->Watch(ctx.get(), req);
  return ReadSome(*ctx, *reader, 1, std::chrono::milliseconds(0));
}

grpc::Status TailAll(Stubs& s, const std::string& set) {
  v1::TailRequest req;
  req.set_program_set(set);
  auto ctx = Ctx();
  auto reader = s.logs->Tail(ctx.get(), req);
  return ReadSome(*ctx, *reader, 1 << 20, std::chrono::milliseconds(0));
}

grpc::Status AttachTo(Stubs& s, const std::string& set,
                      const std::string& cgroup, std::string* id) {
  v1::AttachRequest req;
  req.mutable_attachment()->set_program_set(set);
  req.mutable_attachment()->set_program("scoped_count_sockops");
  req.mutable_attachment()->set_cgroup(cgroup);
  v1::AttachResponse resp;
  grpc::Status got = s.attachments->Attach(Ctx().get(), req, &resp);
  if (id != nullptr) *id = resp.attachment().id();
  return got;
}

void AddLeakPairs(const Target& t, std::vector<Call>& calls) {
  for (const std::string set : {kKinds, kBuiltin}) {
    const std::string existing = set == kKinds ? "k_hash" : "tcp_stats";
    auto on = [set](auto f) {
      return [set, f](Stubs& s, const std::string& map) {
        return f(s, set, map);
      };
    };
    const std::string at = "." + set;
    AddPair("Leak.Maps.Lookup" + at, existing, "k_nope", on(LookupZero), calls);
    AddPair("Leak.Maps.Get" + at, existing, "k_nope", on(GetMap), calls);
    AddPair("Leak.Maps.Dump" + at, existing, "k_nope", on(DumpAll), calls);
    AddPair("Leak.Maps.Watch" + at, existing, "k_nope", on(WatchOne), calls);
  }
  AddPair("Leak.Programs.Get", kKinds, "nope", GetSet, calls);
  AddPair("Leak.Logs.Tail", kBuiltin, "nope", TailAll, calls);
  AddPair("Leak.Programs.Unload", kKinds, "nope", Unload, calls, true);
  AddPair(
      "Leak.Attachments.Attach", kBuiltin, "nope",
      [t](Stubs& s, const std::string& set) {
        return AttachTo(s, set, t.cgroup, nullptr);
      },
      calls, true);
}

}  // namespace

Stubs::Stubs(std::shared_ptr<grpc::Channel> channel)
    : programs(v1::Programs::NewStub(channel)),
      attachments(v1::Attachments::NewStub(channel)),
      maps(v1::Maps::NewStub(channel)),
      daemon(v1::Daemon::NewStub(channel)),
      logs(v1::Logs::NewStub(channel)) {}

const std::vector<std::string>& KindMaps() {
  static const auto* maps = new std::vector<std::string>([] {
    std::vector<std::string> all{
      "k_hash",          "k_array",          "k_percpu_hash",
      "k_percpu_array",  "k_stack_trace",    "k_lru_hash",
      "k_lru_percpu_hash", "k_devmap",       "k_devmap_hash",
      "k_cpumap",        "k_prog_array",     "k_perf_event_array",
      "k_cgroup_array",  "k_sockmap",        "k_sockhash",
      "k_xskmap",        "k_reuseport",      "k_lpm_trie",
      "k_cgroup_storage", "k_sk_storage",    "k_task_storage",
      "k_array_of_maps", "k_queue",          "k_stack",
      "k_bloom_filter",  "k_ringbuf",        "k_user_ringbuf",
      "k_big_percpu"};
    // Maps of types the kernel lacks: refused at load, not in the set.
    const char* missing = std::getenv(testing::kKindsMissingEnv);
    const std::vector<std::string> skip =
        absl::StrSplit(missing ? missing : "", ',', absl::SkipEmpty());
    std::erase_if(all, [&](const std::string& m) {
      return std::find(skip.begin(), skip.end(), m) != skip.end();
    });
    return all;
  }());
  return *maps;
}

const std::vector<std::pair<std::string, std::string>>& HostileNames() {
  static const auto* names = new std::vector<std::pair<std::string, std::string>>{
      {"empty", ""},
      {"dotdot", ".."},
      {"up", "../bpfwarden"},
      {"slash", "a/b"},
      {"control", "x\n\x1b[31mAUDIT\r\t\x7f"},
      {"utf8", "x\xff\xfe\xc0\xaf"},
      {"long", std::string(64 << 10, 'n')},
  };
  return *names;
}

std::vector<Call> WarmupCalls(const Target& t) {
  std::vector<Call> calls;
  calls.push_back({"Daemon.Status", [](Stubs& s) {
                     v1::StatusResponse resp;
                     return s.daemon->Status(Ctx().get(), v1::StatusRequest(),
                                             &resp);
                   }});
  calls.push_back({"Maps.List", [](Stubs& s) {
                     v1::ListMapsResponse resp;
                     return s.maps->List(Ctx().get(), v1::ListMapsRequest(),
                                         &resp);
                   }});
  calls.push_back({"Programs.Get", [](Stubs& s) { return GetSet(s, kKinds); }});
  calls.push_back({"Attachments.List", [t](Stubs& s) {
                     v1::ListAttachmentsRequest req;
                     req.set_cgroup(t.cgroup);
                     v1::ListAttachmentsResponse resp;
                     return s.attachments->List(Ctx().get(), req, &resp);
                   }});
  calls.push_back({"Maps.Get", [](Stubs& s) {
                     return GetMap(s, kKinds, "k_array");
                   }});
  calls.push_back({"Maps.Lookup", [](Stubs& s) {
                     return LookupZero(s, kKinds, "k_array");
                   }});
  calls.push_back({"Maps.LookupBatch", [](Stubs& s) {
                     v1::LookupBatchRequest req;
                     *req.mutable_map() = Ref(kKinds, "k_array");
                     req.set_packed_keys(std::string(4 * 8, '\0'));
                     v1::LookupBatchResponse resp;
                     return s.maps->LookupBatch(Ctx().get(), req, &resp);
                   }});
  calls.push_back({"Maps.Dump", [](Stubs& s) {
                     return DumpAll(s, kBuiltin, "tcp_tune_counters");
                   }});
  calls.push_back({"Maps.Watch", [](Stubs& s) {
                     return WatchOne(s, kKinds, "k_array");
                   }});
  calls.push_back(
      {"Logs.Tail", [](Stubs& s) { return TailAll(s, kBuiltin); }});
  // Every map once, so that what the daemon builds per map on first use
  // counts in the steady footprint.
  for (const std::string& map : KindMaps()) {
    calls.push_back({"Maps.Get." + map,
                     [map](Stubs& s) { return GetMap(s, kKinds, map); }});
    // (Whole, k_big_percpu is 64 MiB of JSON numbers: longer than a call's
    // deadline in a test build. The hostile table reads pages of it.)
    if (map == "k_big_percpu") continue;
    calls.push_back({"Maps.Dump." + map,
                     [map](Stubs& s) { return DumpAll(s, kKinds, map); }});
  }
  // The scoped admin's cycle; the id is shared by its steps.
  auto id = std::make_shared<std::string>("att-0123456789abcdef");
  calls.push_back({"Programs.Load", [t](Stubs& s) {
                     v1::LoadRequest req;
                     req.mutable_program_set()->set_name("team-warm");
                     req.add_object_blobs(t.sockops_blob);
                     v1::LoadResponse resp;
                     return s.programs->Load(Ctx().get(), req, &resp);
                   }});
  calls.push_back({"Attachments.Attach", [t, id](Stubs& s) {
                     std::string made;
                     grpc::Status got = AttachTo(s, "team-warm", t.cgroup, &made);
                     if (got.ok()) *id = made;
                     return got;
                   }});
  calls.push_back(
      {"Attachments.Detach", [id](Stubs& s) { return Detach(s, *id); }});
  calls.push_back(
      {"Programs.Unload", [](Stubs& s) { return Unload(s, "team-warm"); }});
  return calls;
}

std::vector<Call> HostileCalls(const Target& t) {
  std::vector<Call> calls;
  AddMapCalls(calls);
  AddAdminCalls(t, calls);
  AddLeakPairs(t, calls);
  return calls;
}

}  // namespace bpfwarden::adversary
