// The Maps and Logs rows of the hostile table: names, key and value
// sizes, batches over the limits, every map type, idle streams and slow
// readers within the caps.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/adversary/call_helpers.h"
#include "tests/adversary/hostile_calls.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::adversary {
namespace {

using ::bpfwarden::testing::WaitFor;
using std::chrono::milliseconds;

constexpr size_t kMiB = 1 << 20;

grpc::Status Lookup(Stubs& s, const v1::MapRef& ref, v1::Data key) {
  v1::LookupRequest req;
  *req.mutable_map() = ref;
  *req.mutable_key() = std::move(key);
  v1::LookupResponse resp;
  return s.maps->Lookup(Ctx().get(), req, &resp);
}

grpc::Status Get(Stubs& s, const v1::MapRef& ref) {
  v1::GetMapRequest req;
  *req.mutable_map() = ref;
  v1::MapInfo resp;
  return s.maps->Get(Ctx().get(), req, &resp);
}

grpc::Status Update(Stubs& s, const v1::MapRef& ref, int n, v1::Data key,
                    v1::Data value) {
  v1::UpdateRequest req;
  *req.mutable_map() = ref;
  req.set_zero_fill(true);
  for (int i = 0; i < n; ++i) {
    v1::Entry* e = req.add_entries();
    *e->mutable_key() = key;
    *e->mutable_value() = value;
  }
  v1::UpdateResponse resp;
  return s.maps->Update(Ctx().get(), req, &resp);
}

grpc::Status Delete(Stubs& s, const v1::MapRef& ref, int n, v1::Data key) {
  v1::DeleteRequest req;
  *req.mutable_map() = ref;
  for (int i = 0; i < n; ++i) *req.add_keys() = key;
  v1::DeleteResponse resp;
  return s.maps->Delete(Ctx().get(), req, &resp);
}

grpc::Status Batch(Stubs& s, const v1::MapRef& ref, int n, v1::Data key) {
  v1::LookupBatchRequest req;
  *req.mutable_map() = ref;
  for (int i = 0; i < n; ++i) *req.add_keys() = key;
  v1::LookupBatchResponse resp;
  return s.maps->LookupBatch(Ctx().get(), req, &resp);
}

grpc::Status Packed(Stubs& s, const v1::MapRef& ref, std::string keys) {
  v1::LookupBatchRequest req;
  *req.mutable_map() = ref;
  req.set_packed_keys(std::move(keys));
  v1::LookupBatchResponse resp;
  return s.maps->LookupBatch(Ctx().get(), req, &resp);
}

// A Dump read `pages` pages of `page_size` entries, `pause` apart.
grpc::Status Dump(Stubs& s, v1::DumpRequest req, int pages = 1 << 20,
                  milliseconds pause = milliseconds(0)) {
  auto ctx = Ctx();
  auto reader = s.maps->Dump(ctx.get(), req);
  return ReadSome(*ctx, *reader, pages, pause);
}

grpc::Status DumpOf(Stubs& s, const v1::MapRef& ref) {
  v1::DumpRequest req;
  *req.mutable_map() = ref;
  return Dump(s, req);
}

grpc::Status Watch(Stubs& s, const v1::MapRef& ref, uint32_t interval_ms,
                   int messages = 1, milliseconds pause = milliseconds(0)) {
  v1::WatchRequest req;
  *req.mutable_map() = ref;
  req.set_interval_ms(interval_ms);
  auto ctx = Ctx();
  auto reader = s.maps->Watch(ctx.get(), req);
  return ReadSome(*ctx, *reader, messages, pause);
}

grpc::Status Tail(Stubs& s, const std::string& set) {
  v1::TailRequest req;
  req.set_program_set(set);
  auto ctx = Ctx();
  auto reader = s.logs->Tail(ctx.get(), req);
  return ReadSome(*ctx, *reader, 1 << 20, milliseconds(0));
}

// Opens `n` Watch streams of `ref`, reads each one's first message and
// holds them all, reading nothing, for `hold`; then one more. The first
// failure, else the last stream's status.
grpc::Status HoldWatches(Stubs& s, const v1::MapRef& ref, int n,
                         milliseconds hold) {
  struct Open {
    std::unique_ptr<grpc::ClientContext> ctx = Ctx();
    std::unique_ptr<grpc::ClientReader<v1::WatchResponse>> reader;
  };
  std::vector<Open> open(n + 1);
  v1::WatchRequest req;
  *req.mutable_map() = ref;
  req.set_interval_ms(100);
  grpc::Status result;
  for (int i = 0; i <= n; ++i) {
    open[i].reader = s.maps->Watch(open[i].ctx.get(), req);
    v1::WatchResponse first;
    if (!open[i].reader->Read(&first)) {
      result = open[i].reader->Finish();
      open[i].reader.reset();
      break;
    }
    if (i == n - 1) std::this_thread::sleep_for(hold);
  }
  for (Open& o : open) {
    if (o.reader == nullptr) continue;
    o.ctx->TryCancel();
    v1::WatchResponse rest;
    while (o.reader->Read(&rest)) {
    }
    (void)o.reader->Finish();
  }
  return result;
}

void AddNameCalls(std::vector<Call>& calls) {
  for (const auto& [kind, name] : HostileNames()) {
    for (const auto& [where, ref] :
         {std::pair<std::string, v1::MapRef>{"set", Ref(name, "k_hash")},
          std::pair<std::string, v1::MapRef>{"map",
                                             Ref(kKinds, "k_" + name)}}) {
      const std::string at = absl::StrCat(where, "=", kind);
      const v1::Data key = Raw(std::string(4, '\0'));
      const v1::Data value = Raw(std::string(8, '\0'));
      calls.push_back({"Maps.Get." + at, [=](Stubs& s) { return Get(s, ref); }});
      calls.push_back({"Maps.Lookup." + at,
                       [=](Stubs& s) { return Lookup(s, ref, key); }});
      calls.push_back({"Maps.LookupBatch." + at,
                       [=](Stubs& s) { return Batch(s, ref, 2, key); }});
      calls.push_back({"Maps.Update." + at,
                       [=](Stubs& s) { return Update(s, ref, 1, key, value); }});
      calls.push_back({"Maps.Delete." + at,
                       [=](Stubs& s) { return Delete(s, ref, 1, key); }});
      calls.push_back(
          {"Maps.Dump." + at, [=](Stubs& s) { return DumpOf(s, ref); }});
      calls.push_back(
          {"Maps.Watch." + at, [=](Stubs& s) { return Watch(s, ref, 100); }});
    }
    calls.push_back({"Maps.List.set=" + kind, [name = name](Stubs& s) {
                       v1::ListMapsRequest req;
                       req.set_program_set(name);
                       v1::ListMapsResponse resp;
                       return s.maps->List(Ctx().get(), req, &resp);
                     }});
    calls.push_back({"Logs.Tail.set=" + kind,
                     [name = name](Stubs& s) { return Tail(s, name); }});
  }
}

// Key and value sizes, JSON sizes, batches, on kinds/k_hash (4-byte keys,
// 8-byte values, 8 entries).
void AddSizeCalls(std::vector<Call>& calls) {
  const v1::MapRef hash = Ref(kKinds, "k_hash");
  const v1::Data key = Raw(std::string(4, '\0'));
  const v1::Data value = Raw(std::string(8, '\0'));
  const std::vector<std::pair<std::string, v1::Data>> bad_keys = {
      {"raw0", Raw("")},
      {"raw5", Raw(std::string(5, '\0'))},
      {"raw1MiB", Raw(std::string(kMiB, 'k'))},
      {"raw15MiB", Raw(std::string(15 * kMiB, 'k'))},
      {"raw17MiB", Raw(std::string(17 * kMiB, 'k'))},
      {"json_empty", Json("")},
      {"json_1MiB", Json("[" + std::string(kMiB, '1') + "]")},
      {"json_deep", Json(std::string(100000, '[') + std::string(100000, ']'))},
      {"json_utf8", Json("\"\xff\xfe\"")},
      {"unset", v1::Data()},
  };
  for (const auto& [what, bad] : bad_keys) {
    calls.push_back({"Maps.Lookup.key=" + what,
                     [=](Stubs& s) { return Lookup(s, hash, bad); }});
    calls.push_back({"Maps.Update.key=" + what,
                     [=](Stubs& s) { return Update(s, hash, 1, bad, value); }});
    calls.push_back({"Maps.Update.value=" + what,
                     [=](Stubs& s) { return Update(s, hash, 1, key, bad); }});
    calls.push_back({"Maps.Delete.key=" + what,
                     [=](Stubs& s) { return Delete(s, hash, 1, bad); }});
    calls.push_back({"Maps.LookupBatch.key=" + what,
                     [=](Stubs& s) { return Batch(s, hash, 1, bad); }});
  }
  for (int n : {0, 1025, 100000}) {
    const std::string at = absl::StrCat(".n=", n);
    calls.push_back({"Maps.Update.batch" + at,
                     [=](Stubs& s) { return Update(s, hash, n, key, value); }});
    calls.push_back({"Maps.Delete.batch" + at,
                     [=](Stubs& s) { return Delete(s, hash, n, key); }});
    calls.push_back({"Maps.LookupBatch.batch" + at,
                     [=](Stubs& s) { return Batch(s, hash, n, key); }});
    calls.push_back({"Maps.LookupBatch.packed" + at, [=](Stubs& s) {
                       return Packed(s, hash, std::string(4 * n, '\0'));
                     }});
  }
  calls.push_back({"Maps.LookupBatch.packed_ragged", [=](Stubs& s) {
                     return Packed(s, hash, std::string(7, '\0'));
                   }});
  // 1024 keys of 32 KiB values per CPU: more than a message.
  calls.push_back({"Maps.LookupBatch.packed_big_answer", [](Stubs& s) {
                     return Packed(s, Ref(kKinds, "k_big_percpu"),
                                   std::string(4 * 1024, '\0'));
                   }});
  calls.push_back({"Maps.Update.flag=99", [=](Stubs& s) {
                     v1::UpdateRequest req;
                     *req.mutable_map() = hash;
                     *req.add_entries()->mutable_key() = key;
                     *req.mutable_entries(0)->mutable_value() = value;
                     req.set_flag(static_cast<v1::UpdateFlag>(99));
                     v1::UpdateResponse resp;
                     return s.maps->Update(Ctx().get(), req, &resp);
                   }});
}

void AddStreamCalls(std::vector<Call>& calls) {
  const v1::MapRef hash = Ref(kKinds, "k_hash");
  const v1::MapRef big = Ref(kKinds, "k_big_percpu");
  auto dump = [](v1::MapRef ref, uint32_t page_size, std::string token) {
    v1::DumpRequest req;
    *req.mutable_map() = ref;
    req.set_page_size(page_size);
    req.set_resume_token(std::move(token));
    return req;
  };
  calls.push_back({"Maps.Dump.page_size=max", [=](Stubs& s) {
                     return Dump(s, dump(big, 0xffffffff, ""), 2);
                   }});
  calls.push_back({"Maps.Dump.token=junk", [=](Stubs& s) {
                     return Dump(s, dump(hash, 0, std::string(64, '\xff')));
                   }});
  calls.push_back({"Maps.Dump.token=1MiB", [=](Stubs& s) {
                     return Dump(s, dump(hash, 0, std::string(kMiB, 'x')));
                   }});
  calls.push_back({"Maps.Dump.slow_reader", [=](Stubs& s) {
                     return Dump(s, dump(big, 1, ""), 10, milliseconds(100));
                   }});
  for (uint32_t ms : {1u, 99u, 600001u, 0xffffffffu}) {
    calls.push_back({absl::StrCat("Maps.Watch.interval=", ms),
                     [=](Stubs& s) { return Watch(s, hash, ms); }});
  }
  calls.push_back({"Maps.Watch.slow_reader", [=](Stubs& s) {
                     return Watch(s, big, 100, 3, milliseconds(500));
                   }});
  // Enums outside their values.
  calls.push_back({"Maps.Lookup.encoding=99", [=](Stubs& s) {
                     v1::LookupRequest req;
                     *req.mutable_map() = hash;
                     req.mutable_key()->set_raw(std::string(4, '\0'));
                     req.set_encoding(static_cast<v1::Encoding>(99));
                     v1::LookupResponse resp;
                     return s.maps->Lookup(Ctx().get(), req, &resp);
                   }});
  calls.push_back({"Maps.Dump.encoding=99", [=](Stubs& s) {
                     v1::DumpRequest req = dump(hash, 0, "");
                     req.set_encoding(static_cast<v1::Encoding>(99));
                     return Dump(s, req);
                   }});
  calls.push_back({"Logs.Tail.min_level=99", [](Stubs& s) {
                     v1::TailRequest req;
                     req.set_program_set(kBuiltin);
                     req.set_min_level(static_cast<v1::LogLevel>(99));
                     auto ctx = Ctx();
                     auto reader = s.logs->Tail(ctx.get(), req);
                     return ReadSome(*ctx, *reader, 1 << 20, milliseconds(0));
                   }});
  calls.push_back({"Maps.Watch.idle_to_cap", [=](Stubs& s) {
                     return HoldWatches(s, hash, 8, milliseconds(1000));
                   }});
  // Watches that end while their map's feed dumps: before the fix the
  // feed called a check of a reactor already deleted (use after free). A
  // cancelled stream's slot comes back when the daemon ends it, a moment
  // after the client let go: a refusal for the cap tries again, for up to
  // 20 s.
  calls.push_back({"Maps.Watch.churn", [=](Stubs& s) {
                     for (int i = 0; i < 30; ++i) {
                       grpc::Status got;
                       WaitFor(
                           [&] {
                             got = Watch(s, hash, 100);
                             return got.error_code() !=
                                    grpc::StatusCode::RESOURCE_EXHAUSTED;
                           },
                           20, 100);
                       if (!got.ok()) return got;
                     }
                     return grpc::Status::OK;
                   }});
  // The daemon ends cancelled streams a little after their clients let
  // go (a write stalled on flow control, about 3 s): within seconds every
  // slot is back and a Dump is served again (20 s: room for a loaded
  // machine).
  calls.push_back({"Maps.Dump.slots_back", [=](Stubs& s) {
                     grpc::Status got;
                     WaitFor(
                         [&] {
                           got = Dump(s, dump(hash, 0, ""));
                           return got.error_code() !=
                                  grpc::StatusCode::RESOURCE_EXHAUSTED;
                         },
                         20, 100);
                     return got;
                   }});
}

// Every map type: a key of 0 bytes and one of 64 KiB on each element
// method, and a Dump.
void AddKindCalls(std::vector<Call>& calls) {
  for (const std::string& map : KindMaps()) {
    const v1::MapRef ref = Ref(kKinds, map);
    for (const auto& [what, key] :
         {std::pair<std::string, std::string>{"raw0", ""},
          std::pair<std::string, std::string>{"raw64KiB",
                                              std::string(64 << 10, '\0')}}) {
      const std::string at = absl::StrCat(".", map, ".key=", what);
      calls.push_back({"Kind.Lookup" + at,
                       [=](Stubs& s) { return Lookup(s, ref, Raw(key)); }});
      calls.push_back({"Kind.LookupBatch" + at,
                       [=](Stubs& s) { return Packed(s, ref, key); }});
      calls.push_back({"Kind.Update" + at, [=](Stubs& s) {
                         return Update(s, ref, 1, Raw(key), Raw(key));
                       }});
      calls.push_back({"Kind.Delete" + at,
                       [=](Stubs& s) { return Delete(s, ref, 1, Raw(key)); }});
    }
    // One page: the first read says whether the type may be dumped.
    calls.push_back({"Kind.Dump." + map, [=](Stubs& s) {
                       v1::DumpRequest req;
                       *req.mutable_map() = ref;
                       req.set_page_size(1);
                       return Dump(s, req, 1);
                     }});
  }
}

}  // namespace

void AddMapCalls(std::vector<Call>& calls) {
  AddNameCalls(calls);
  AddSizeCalls(calls);
  AddStreamCalls(calls);
  AddKindCalls(calls);
}

}  // namespace bpfwarden::adversary
