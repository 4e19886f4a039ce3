// Every map type the API answers for × every element method (issue 20,
// finding 1: a packed LookupBatch on a map without keys divided by zero and
// killed the daemon). Each call answers a precise code, the refusals name
// the map type, and afterwards the daemon still serves root.
#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/api/api_fixture.h"
#include "tests/api/kinds_object.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;

constexpr char kKinds[] = "kinds";
constexpr StatusCode OK = StatusCode::OK;
constexpr StatusCode NF = StatusCode::NOT_FOUND;
constexpr StatusCode FP = StatusCode::FAILED_PRECONDITION;

// What each method answers on a map of one type, with a zero key (none for
// maps without keys) and a zero value, in this order: Update, Lookup,
// LookupBatch (keys, then packed), Dump, Watch, Delete.
struct Row {
  const char* map;
  const char* type;  // libbpf's name, as refusals say it
  StatusCode update, lookup, batch, dump, watch, remove;
};

const Row kRows[] = {
    {"k_hash", "hash", OK, OK, OK, OK, OK, OK},
    {"k_percpu_hash", "percpu_hash", OK, OK, OK, OK, OK, OK},
    {"k_lru_hash", "lru_hash", OK, OK, OK, OK, OK, OK},
    {"k_lru_percpu_hash", "lru_percpu_hash", OK, OK, OK, OK, OK, OK},
    {"k_lpm_trie", "lpm_trie", OK, OK, OK, OK, OK, OK},
    {"k_array", "array", OK, OK, OK, OK, OK, FP},
    {"k_percpu_array", "percpu_array", OK, OK, OK, OK, OK, FP},
    // No stack was ever recorded: reads find nothing.
    {"k_stack_trace", "stack_trace", FP, NF, OK, OK, OK, NF},
    // Writes would carry a program's FD; deleting an empty slot is fine
    // for the arrays, NOT_FOUND for the hash.
    {"k_devmap", "devmap", FP, NF, OK, OK, OK, OK},
    {"k_devmap_hash", "devmap_hash", FP, NF, OK, OK, OK, NF},
    {"k_cpumap", "cpumap", FP, NF, OK, OK, OK, OK},
    // No cgroup has this storage: nothing to read or write.
    {"k_cgroup_storage", "cgroup_storage", NF, NF, OK, OK, OK, FP},
    // Without keys: Update pushes (adds), Lookup peeks (tests).
    {"k_queue", "queue", OK, OK, FP, FP, FP, FP},
    {"k_stack", "stack", OK, OK, FP, FP, FP, FP},
    {"k_bloom_filter", "bloom_filter", OK, OK, FP, FP, FP, FP},
    {"k_ringbuf", "ringbuf", FP, FP, FP, FP, FP, FP},
    {"k_user_ringbuf", "user_ringbuf", FP, FP, FP, FP, FP, FP},
    // File descriptors: nothing at all.
    {"k_prog_array", "prog_array", FP, FP, FP, FP, FP, FP},
    {"k_perf_event_array", "perf_event_array", FP, FP, FP, FP, FP, FP},
    {"k_cgroup_array", "cgroup_array", FP, FP, FP, FP, FP, FP},
    {"k_sockmap", "sockmap", FP, FP, FP, FP, FP, FP},
    {"k_sockhash", "sockhash", FP, FP, FP, FP, FP, FP},
    {"k_xskmap", "xskmap", FP, FP, FP, FP, FP, FP},
    {"k_reuseport", "reuseport_sockarray", FP, FP, FP, FP, FP, FP},
    {"k_sk_storage", "sk_storage", FP, FP, FP, FP, FP, FP},
    {"k_task_storage", "task_storage", FP, FP, FP, FP, FP, FP},
    {"k_array_of_maps", "array_of_maps", FP, FP, FP, FP, FP, FP},
};

class ElementMethodsTest : public ApiFixture {
 protected:
  void SetUp() override {
    StartDaemon("elemmethods");
    const std::vector<KindsMissing> missing = MissingKinds();
    if (!missing.empty()) {
      // A kernel without some type: the daemon refuses the full object
      // naming the first one it lacks, and the base object loads.
      grpc::Status full = Load(FullKindsObject());
      EXPECT_THAT(full, StatusIs(StatusCode::FAILED_PRECONDITION,
                                 absl::StrCat("map ", missing[0].map,
                                              " needs kernel feature map type ",
                                              missing[0].type, " (Linux ")));
    }
    ASSERT_THAT(Load(missing.empty() ? FullKindsObject() : BaseKindsObject()),
                StatusIs(OK));
  }

  grpc::Status Load(const std::string& object) {
    v1::LoadRequest load;
    load.mutable_program_set()->set_name(kKinds);
    load.mutable_program_set()->add_objects(object);
    v1::LoadResponse loaded;
    return programs_->Load(Ctx().get(), load, &loaded);
  }

  v1::MapInfo Info(const std::string& map) {
    v1::GetMapRequest req;
    req.mutable_map()->set_program_set(kKinds);
    req.mutable_map()->set_map(map);
    v1::MapInfo info;
    EXPECT_THAT(maps_->Get(Ctx().get(), req, &info), StatusIs(OK)) << map;
    return info;
  }

  static v1::MapRef Ref(const std::string& map) {
    v1::MapRef ref;
    ref.set_program_set(kKinds);
    ref.set_map(map);
    return ref;
  }
};

// Zero bytes: the key (absent when the map has none) and the raw value.
struct Sample {
  std::string key;
  std::string value;
};

Sample ZeroSample(const v1::MapInfo& info) {
  size_t value = info.value_size();
  if (info.per_cpu()) value = ((value + 7) / 8 * 8) * info.possible_cpus();
  return {std::string(info.key_size(), '\0'), std::string(value, '\0')};
}

void SetKey(const Sample& s, v1::Data& key) {
  if (!s.key.empty()) key.set_raw(s.key);
}

TEST_F(ElementMethodsTest, EveryMapTypeTimesEveryElementMethod) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.map);
    if (IsMissingKind(row.map)) continue;  // refused at load (SetUp)
    const v1::MapInfo info = Info(row.map);
    ASSERT_EQ(info.type(), row.type);
    const Sample s = ZeroSample(info);
    // A refusal names the method, the map and its type.
    auto expect = [&](const grpc::Status& got, StatusCode want,
                      const char* method) {
      EXPECT_EQ(got.error_code(), want)
          << method << ": " << got.error_message();
      if (want == FP && got.error_code() == FP) {
        EXPECT_THAT(got.error_message(), HasSubstr(method));
        EXPECT_THAT(got.error_message(),
                    HasSubstr(std::string("a ") + row.type + " map"));
      }
    };

    v1::UpdateRequest update;
    *update.mutable_map() = Ref(row.map);
    v1::Entry* entry = update.add_entries();
    SetKey(s, *entry->mutable_key());
    entry->mutable_value()->set_raw(s.value);
    v1::UpdateResponse updated;
    expect(maps_->Update(Ctx().get(), update, &updated), row.update, "Update");

    v1::LookupRequest lookup;
    *lookup.mutable_map() = Ref(row.map);
    lookup.set_encoding(v1::ENCODING_RAW);
    // A bloom filter is asked about the element (the zero value).
    if (std::string(row.type) == "bloom_filter") {
      lookup.mutable_key()->set_raw(s.value);
    } else {
      SetKey(s, *lookup.mutable_key());
    }
    v1::LookupResponse found;
    const grpc::Status looked = maps_->Lookup(Ctx().get(), lookup, &found);
    expect(looked, row.lookup, "Lookup");
    if (looked.ok()) EXPECT_EQ(found.entry().value().raw(), s.value);

    v1::LookupBatchRequest batch;
    *batch.mutable_map() = Ref(row.map);
    SetKey(s, *batch.add_keys());
    v1::LookupBatchResponse batched;
    expect(maps_->LookupBatch(Ctx().get(), batch, &batched), row.batch,
           "LookupBatch");
    // The packed form: one key's bytes, or (no keys) bytes that would have
    // divided by zero.
    v1::LookupBatchRequest packed;
    *packed.mutable_map() = Ref(row.map);
    packed.set_packed_keys(s.key.empty() ? std::string(4, '\0') : s.key);
    v1::LookupBatchResponse packed_out;
    const grpc::Status got_packed =
        maps_->LookupBatch(Ctx().get(), packed, &packed_out);
    expect(got_packed, row.batch, "LookupBatch");
    if (got_packed.ok()) {
      EXPECT_EQ(packed_out.found(),
                std::string(1, row.lookup == OK ? '\1' : '\0'));
    }

    v1::DumpRequest dump;
    *dump.mutable_map() = Ref(row.map);
    auto ctx = Ctx();
    auto reader = maps_->Dump(ctx.get(), dump);
    StreamResult<v1::DumpResponse> dumped = ReadStream(*reader);
    expect(dumped.status, row.dump, "Dump");

    v1::WatchRequest watch;
    *watch.mutable_map() = Ref(row.map);
    auto watch_ctx = Ctx();
    auto watcher = maps_->Watch(watch_ctx.get(), watch);
    v1::WatchResponse first;
    if (watcher->Read(&first)) {
      // The first message is the whole contents: the watch works.
      EXPECT_EQ(row.watch, OK) << "Watch answered";
      watch_ctx->TryCancel();
      watcher->Finish();
    } else {
      expect(watcher->Finish(), row.watch, "Watch");
    }

    v1::DeleteRequest remove;
    *remove.mutable_map() = Ref(row.map);
    SetKey(s, *remove.add_keys());
    v1::DeleteResponse removed;
    expect(maps_->Delete(Ctx().get(), remove, &removed), row.remove, "Delete");
  }

  // The daemon is alive and serves root.
  v1::StatusResponse status;
  EXPECT_THAT(status_->Status(Ctx().get(), v1::StatusRequest(), &status),
              StatusIs(OK));
  EXPECT_EQ(::kill(daemon_->pid(), 0), 0) << "the daemon died";
}

// A queue gives its elements back in order; Lookup only peeks. (libbpf
// creates queues and stacks without BTF: raw bytes only.)
TEST_F(ElementMethodsTest, QueuePeeksWithoutTaking) {
  auto u32 = [](uint32_t v) {
    return std::string(reinterpret_cast<const char*>(&v), sizeof(v));
  };
  for (uint32_t v : {7u, 8u}) {
    v1::UpdateRequest push;
    *push.mutable_map() = Ref("k_queue");
    push.add_entries()->mutable_value()->set_raw(u32(v));
    v1::UpdateResponse pushed;
    ASSERT_THAT(maps_->Update(Ctx().get(), push, &pushed), StatusIs(OK));
  }
  for (int i = 0; i < 2; ++i) {
    v1::LookupRequest peek;
    *peek.mutable_map() = Ref("k_queue");
    v1::LookupResponse head;
    ASSERT_THAT(maps_->Lookup(Ctx().get(), peek, &head), StatusIs(OK));
    EXPECT_EQ(head.entry().value().raw(), u32(7));
    EXPECT_EQ(head.entry().key().form_case(), v1::Data::FORM_NOT_SET);
  }
  // A key given to a map without keys is refused, not ignored.
  v1::LookupRequest keyed;
  *keyed.mutable_map() = Ref("k_queue");
  keyed.mutable_key()->set_json("1");
  v1::LookupResponse none;
  EXPECT_THAT(maps_->Lookup(Ctx().get(), keyed, &none),
              StatusIs(StatusCode::INVALID_ARGUMENT, "no keys"));
}

// A bloom filter answers membership: an element added is present, another
// (with the fixed seed, deterministically) is not.
TEST_F(ElementMethodsTest, BloomFilterTestsMembership) {
  v1::UpdateRequest add;
  *add.mutable_map() = Ref("k_bloom_filter");
  add.add_entries()->mutable_value()->set_json("42");
  v1::UpdateResponse added;
  if (IsMissingKind("k_bloom_filter")) {  // refused at load (SetUp)
    EXPECT_THAT(maps_->Update(Ctx().get(), add, &added), StatusIs(NF));
    return;
  }
  ASSERT_THAT(maps_->Update(Ctx().get(), add, &added), StatusIs(OK));
  auto member = [&](const std::string& element) {
    v1::LookupRequest test;
    *test.mutable_map() = Ref("k_bloom_filter");
    test.mutable_key()->set_json(element);
    test.set_encoding(v1::ENCODING_JSON);
    v1::LookupResponse answer;
    grpc::Status s = maps_->Lookup(Ctx().get(), test, &answer);
    if (s.ok()) EXPECT_EQ(answer.entry().value().json(), element);
    return s;
  };
  EXPECT_THAT(member("42"), StatusIs(OK));
  EXPECT_THAT(member("43"), StatusIs(NF));
}

// Requests that stand for more bytes than a message may carry are refused
// before the daemon allocates them (finding 10): 1024 keys of a per-CPU map
// whose values are 32 KiB per CPU.
TEST_F(ElementMethodsTest, AnswersLargerThanAMessageAreRefusedFirst) {
  v1::LookupBatchRequest packed;
  *packed.mutable_map() = Ref("k_big_percpu");
  packed.set_packed_keys(std::string(1024 * 4, '\0'));
  v1::LookupBatchResponse values;
  EXPECT_THAT(maps_->LookupBatch(Ctx().get(), packed, &values),
              StatusIs(StatusCode::RESOURCE_EXHAUSTED, "message limit; send at most"));
  v1::LookupBatchRequest typed;
  *typed.mutable_map() = Ref("k_big_percpu");
  for (int i = 0; i < 1024; ++i) typed.add_keys()->set_json(std::to_string(i));
  EXPECT_THAT(maps_->LookupBatch(Ctx().get(), typed, &values),
              StatusIs(StatusCode::RESOURCE_EXHAUSTED, "message limit; send at most"));
  // "{}" zero-filled (for every CPU) is a whole value per entry.
  v1::UpdateRequest update;
  *update.mutable_map() = Ref("k_big_percpu");
  update.set_zero_fill(true);
  for (int i = 0; i < 1024; ++i) {
    v1::Entry* e = update.add_entries();
    e->mutable_key()->set_json(std::to_string(i));
    e->mutable_value()->set_json(R"({"all_cpus": {}})");
  }
  v1::UpdateResponse updated;
  EXPECT_THAT(maps_->Update(Ctx().get(), update, &updated),
              StatusIs(StatusCode::RESOURCE_EXHAUSTED, "message limit; send at most"));
  EXPECT_EQ(updated.updated(), 0u);
}

}  // namespace
}  // namespace bpfwarden::testing
