// End to end, as root, against a bpfwardend started by the test: typed round
// trips on the shipped maps, a tcp_tune rule written through the API that
// changes a new connection's congestion control, load/attach/detach, bad
// requests with their exact codes, and concurrent clients.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bpf/include/tcp_stats.h"
#include "bpf/include/tcp_tune.h"
#include "daemon/base/unique_fd.h"
#include "grpcpp/create_channel.h"
#include "nlohmann/json.hpp"
#include "tests/api/api_fixture.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/default_object.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using Json = nlohmann::json;

class ApiTest : public ApiFixture {
 protected:
  // Reads a Dump to its end; its final status.
  grpc::Status FinishDump(const v1::DumpRequest& dump) {
    auto reader =
        maps_->Dump((dump_ctx.push_back(Ctx()), dump_ctx.back().get()), dump);
    return ReadStream(*reader).status;
  }

  // Contexts of streaming calls live as long as the test.
  std::vector<std::unique_ptr<grpc::ClientContext>> dump_ctx;
};

v1::MapRef Ref(const std::string& map) {
  v1::MapRef ref;
  ref.set_program_set(kSet);
  ref.set_map(map);
  return ref;
}

std::string ReadSysctl(const std::string& path) {
  std::ifstream in(path);
  std::string value;
  in >> value;
  return value;
}

TEST_F(ApiTest, TcpStatsTypedRoundTrip) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-stats"));
  const std::string key =
      R"({"family":10,"remote_port":443,"remote_addr":"10.1.2.3","cgroup_id":77})";
  const Json value = {{"active_opens", 1},
                      {"passive_opens", 2},
                      {"established", 3},
                      {"srtt_us", 4000000000u},
                      {"min_rtt_us", 5},
                      {"retransmits", 6},
                      {"bytes_acked", 18446744073709551615ull},
                      {"bytes_received", 8},
                      {"state_changes", 9},
                      {"first_seen_ms", 10},
                      {"last_seen_ms", 11},
                      {"max_srtt_us", 12},
                      {"pad", 0}};
  ASSERT_TRUE(Update("tcp_stats", key, value.dump()).ok());

  // The kernel holds exactly the C struct.
  UniqueFd map(bpf_obj_get((pins_->path() + "/bpfwarden/tcp_stats").c_str()));
  ASSERT_TRUE(map.valid()) << std::strerror(errno);
  tcp_stats_key k{};
  k.family = AF_INET6;
  k.remote_port = 443;
  k.remote_addr[10] = k.remote_addr[11] = 0xff;
  k.remote_addr[12] = 10, k.remote_addr[13] = 1, k.remote_addr[14] = 2,
  k.remote_addr[15] = 3;
  k.cgroup_id = 77;
  tcp_stats_value v{};
  ASSERT_EQ(bpf_map_lookup_elem(map.get(), &k, &v), 0) << std::strerror(errno);
  EXPECT_EQ(v.active_opens, 1u);
  EXPECT_EQ(v.srtt_us, 4000000000u);
  EXPECT_EQ(v.bytes_acked, 18446744073709551615ull);
  EXPECT_EQ(v.last_seen_ms, 11u);

  // JSON back, the address shown as an address.
  std::string got;
  grpc::Status looked = Lookup("tcp_stats", key, &got);
  ASSERT_TRUE(looked.ok()) << looked.error_message();
  EXPECT_EQ(Json::parse(got), value);

  // Raw back: the struct's bytes, and raw keys work too.
  v1::LookupRequest raw_req;
  *raw_req.mutable_map() = Ref("tcp_stats");
  raw_req.mutable_key()->set_raw(&k, sizeof(k));
  raw_req.set_encoding(v1::ENCODING_RAW);
  v1::LookupResponse raw_resp;
  ASSERT_TRUE(maps_->Lookup(Ctx().get(), raw_req, &raw_resp).ok());
  ASSERT_EQ(raw_resp.entry().value().raw().size(), sizeof(v));
  EXPECT_EQ(std::memcmp(raw_resp.entry().value().raw().data(), &v, sizeof(v)),
            0);

  // Dump shows the entry with its typed key.
  v1::DumpRequest dump;
  *dump.mutable_map() = Ref("tcp_stats");
  auto reader =
      maps_->Dump((dump_ctx.push_back(Ctx()), dump_ctx.back().get()), dump);
  v1::DumpResponse page;
  int found = 0;
  while (reader->Read(&page)) {
    for (const v1::Entry& e : page.entries()) {
      Json k_json = Json::parse(e.key().json());
      if (k_json["cgroup_id"] == 77) {
        EXPECT_EQ(k_json["remote_addr"], "10.1.2.3");
        ++found;
      }
    }
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(found, 1);

  // Maps.Get describes the map and its layout from BTF.
  v1::GetMapRequest get;
  *get.mutable_map() = Ref("tcp_stats");
  v1::MapInfo info;
  ASSERT_TRUE(maps_->Get(Ctx().get(), get, &info).ok());
  EXPECT_EQ(info.type(), "lru_hash");
  EXPECT_EQ(info.key_size(), sizeof(tcp_stats_key));
  EXPECT_EQ(info.value_size(), sizeof(tcp_stats_value));
  EXPECT_EQ(info.max_entries(), TCP_STATS_MAX_ENTRIES);
  EXPECT_EQ(info.pin_path(), pins_->path() + "/bpfwarden/tcp_stats");
  Json layout = Json::parse(info.key_layout());
  EXPECT_EQ(layout["size"], sizeof(tcp_stats_key));
  EXPECT_NE(info.key_layout().find("remote_addr"), std::string::npos);
  EXPECT_NE(info.value_layout().find("bytes_acked"), std::string::npos);
}

TEST_F(ApiTest, TcpTuneRuleChangesCongestionControlOfANewConnection) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-tune"));
  std::string default_cc =
      ReadSysctl("/proc/sys/net/ipv4/tcp_congestion_control");
  std::string wanted = default_cc == "reno" ? "cubic" : "reno";

  v1::AttachResponse attached;
  grpc::Status s = Attach(kSet, "tcp_tune_sockops", &attached);
  ASSERT_TRUE(s.ok()) << s.error_message();

  auto congestion_of_new_connection = [&](const std::string& want) {
    return RunInCgroup(*cgroup_, [want]() -> absl::Status {
      UniqueFd server(socket(AF_INET, SOCK_STREAM, 0));
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t len = sizeof(addr);
      if (bind(server.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
          listen(server.get(), 1) != 0 ||
          getsockname(server.get(), reinterpret_cast<sockaddr*>(&addr), &len) !=
              0) {
        return absl::InternalError("listen on loopback");
      }
      UniqueFd client(socket(AF_INET, SOCK_STREAM, 0));
      if (connect(client.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
        return absl::InternalError("connect");
      }
      char cc[TCP_TUNE_CC_NAME_LEN] = {};
      socklen_t cc_len = sizeof(cc);
      if (getsockopt(client.get(), IPPROTO_TCP, TCP_CONGESTION, cc, &cc_len) !=
          0) {
        return absl::InternalError("getsockopt(TCP_CONGESTION)");
      }
      if (want != cc) {
        return absl::InternalError(
            absl::StrCat("congestion control is ", cc, ", want ", want));
      }
      return absl::OkStatus();
    });
  };
  // No rule yet: the default.
  absl::Status before = congestion_of_new_connection(default_cc);
  EXPECT_TRUE(before.ok()) << before;

  const std::string key = R"({"prefixlen":104,"addr":"127.0.0.0"})";
  s = Update("tcp_tune_rules", key,
             absl::StrCat(R"({"rule_id":7,"congestion":")", wanted, R"("})"));
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::string rule;
  ASSERT_TRUE(Lookup("tcp_tune_rules", key, &rule).ok());
  EXPECT_EQ(Json::parse(rule)["congestion"], wanted);
  EXPECT_EQ(Json::parse(rule)["rule_id"], 7);

  absl::Status after = congestion_of_new_connection(wanted);
  EXPECT_TRUE(after.ok()) << after;
  std::string counters;
  ASSERT_TRUE(Lookup("tcp_tune_counters", R"({"rule_id":7})", &counters).ok());
  EXPECT_GE(Json::parse(counters)["congestion_set"].get<uint64_t>(), 1u);

  // Deleting the rule restores the default for the next connection.
  ASSERT_TRUE(Delete("tcp_tune_rules", key).ok());
  absl::Status restored = congestion_of_new_connection(default_cc);
  EXPECT_TRUE(restored.ok()) << restored;

  v1::DetachRequest detach;
  detach.set_id(attached.attachment().id());
  v1::DetachResponse detached;
  s = attachments_->Detach(Ctx().get(), detach, &detached);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ApiTest, RootLoadsAttachesDetachesAndUnloads) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-admin"));
  v1::LoadRequest load;
  load.mutable_program_set()->set_name("second");
  load.mutable_program_set()->set_builtin(true);
  v1::LoadResponse loaded;
  grpc::Status s = programs_->Load(Ctx().get(), load, &loaded);
  ASSERT_TRUE(s.ok()) << s.error_message();
  uint32_t stats_prog_id = 0;
  for (const v1::ProgramInfo& p : loaded.program_set().programs()) {
    if (p.name() == "tcp_stats_sockops") stats_prog_id = p.id();
  }
  ASSERT_NE(stats_prog_id, 0u);
  // Loading the same name again is ALREADY_EXISTS.
  v1::LoadResponse again;
  EXPECT_THAT(programs_->Load(Ctx().get(), load, &again),
              StatusIs(grpc::StatusCode::ALREADY_EXISTS));

  v1::AttachResponse attached;
  s = Attach("second", "tcp_stats_sockops", &attached);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(attached.attachment().foreign());
  auto ids = AttachedProgramIds(cgroup_->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, std::vector<uint32_t>{stats_prog_id});

  v1::ListAttachmentsRequest list;
  list.set_cgroup(cgroup_->path());
  list.set_include_foreign(true);
  v1::ListAttachmentsResponse listed;
  ASSERT_TRUE(attachments_->List(Ctx().get(), list, &listed).ok());
  ASSERT_EQ(listed.attachments_size(), 1);
  EXPECT_EQ(listed.attachments(0).id(), attached.attachment().id());
  EXPECT_EQ(listed.attachments(0).program_id(), stats_prog_id);

  v1::DetachRequest detach;
  detach.set_id(attached.attachment().id());
  v1::DetachResponse detached;
  s = attachments_->Detach(Ctx().get(), detach, &detached);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ids = AttachedProgramIds(cgroup_->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(ids.ok());
  EXPECT_TRUE(ids->empty());
  EXPECT_THAT(attachments_->Detach(Ctx().get(), detach, &detached),
              StatusIs(grpc::StatusCode::NOT_FOUND));

  v1::UnloadRequest unload;
  unload.set_name("second");
  v1::UnloadResponse unloaded;
  ASSERT_TRUE(programs_->Unload(Ctx().get(), unload, &unloaded).ok());
  v1::ListProgramSetsResponse sets;
  ASSERT_TRUE(
      programs_->List(Ctx().get(), v1::ListProgramSetsRequest(), &sets).ok());
  ASSERT_EQ(sets.program_sets_size(), 1);
  EXPECT_EQ(sets.program_sets(0).name(), kSet);

  v1::StatusResponse status;
  ASSERT_TRUE(status_->Status(Ctx().get(), v1::StatusRequest(), &status).ok());
  EXPECT_EQ(status.program_sets(), 1u);
  EXPECT_EQ(status.attachments(), 0u);
  EXPECT_GT(status.uptime_seconds(), -1);
  EXPECT_EQ(status.caller().rfind("uid:0(root)", 0), 0u) << status.caller();
  // The test daemon is built in the test's own mode; it is named either way.
  EXPECT_THAT(status.build_mode(), ::testing::AnyOf("opt", "fastbuild", "dbg"));
  bool btf = false;
  for (const auto& f : status.kernel_features()) {
    if (f.name() == "btf_vmlinux") btf = f.present();
  }
  EXPECT_TRUE(btf);
}

// What the configuration declares, only the configuration removes: Unload
// and Detach of config items are FAILED_PRECONDITION naming the config
// directory, the daemon keeps serving, and the set and attachment stay until
// a SIGHUP without them.
TEST_F(ApiTest, ConfigItemsAreRefusedToUnloadAndDetach) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-config-owned"));
  const std::string with_attachment =
      absl::StrCat(ConfigWithPolicy(""), "attachments { program_set: \"", kSet,
                   "\" program: \"tcp_stats_sockops\" cgroup: \"",
                   cgroup_->path(), "\" }\n");
  const std::string reloaded = "reloaded " + daemon_->config_dir();
  absl::Status hup = daemon_->Reload(with_attachment, reloaded);
  ASSERT_TRUE(hup.ok()) << hup;

  v1::ListAttachmentsRequest list;
  list.set_cgroup(cgroup_->path());
  v1::ListAttachmentsResponse listed;
  ASSERT_TRUE(attachments_->List(Ctx().get(), list, &listed).ok());
  ASSERT_EQ(listed.attachments_size(), 1);
  EXPECT_EQ(listed.attachments(0).origin(), v1::ORIGIN_CONFIG);
  const uint32_t prog_id = listed.attachments(0).program_id();

  v1::UnloadRequest unload;
  unload.set_name(kSet);
  v1::UnloadResponse unloaded;
  grpc::Status s = programs_->Unload(Ctx().get(), unload, &unloaded);
  EXPECT_THAT(s, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(
      s.error_message(),
      absl::StrCat("program set ", kSet, " is declared in the configuration (",
                   daemon_->config_dir(),
                   "); remove it there and reload (SIGHUP)"));

  v1::DetachRequest detach;
  detach.set_id(listed.attachments(0).id());
  v1::DetachResponse detached;
  s = attachments_->Detach(Ctx().get(), detach, &detached);
  EXPECT_THAT(s, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_NE(s.error_message().find("declared in the configuration (" +
                                   daemon_->config_dir() + ")"),
            std::string::npos)
      << s.error_message();

  // Still serving, the set still loaded, the program still attached.
  v1::StatusResponse status;
  ASSERT_TRUE(status_->Status(Ctx().get(), v1::StatusRequest(), &status).ok());
  EXPECT_EQ(status.program_sets(), 1u);
  EXPECT_EQ(status.attachments(), 1u);
  v1::GetProgramSetRequest get;
  get.set_name(kSet);
  v1::ProgramSetInfo set;
  ASSERT_TRUE(programs_->Get(Ctx().get(), get, &set).ok());
  EXPECT_EQ(set.origin(), v1::ORIGIN_CONFIG);
  auto ids = AttachedProgramIds(cgroup_->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, std::vector<uint32_t>{prog_id});

  // A SIGHUP without the attachment detaches it.
  hup = daemon_->Reload(ConfigWithPolicy(""), reloaded);
  ASSERT_TRUE(hup.ok()) << hup;
  ids = AttachedProgramIds(cgroup_->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_TRUE(ids->empty());
}

TEST_F(ApiTest, ForeignAttachmentsAreListedAndMarked) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-foreign"));
  // Another tool's legacy attachment: the default object loaded here, its
  // tcp_stats program attached with BPF_PROG_ATTACH (multi).
  auto foreign_pins = ScopedPinDir::Create("api-foreign-tool");
  ASSERT_TRUE(foreign_pins.ok()) << foreign_pins.status();
  auto obj = DefaultObject::Load(*foreign_pins);
  ASSERT_TRUE(obj.ok()) << obj.status();
  auto program = obj->Program("tcp_stats_sockops");
  ASSERT_TRUE(program.ok()) << program.status();
  bpf_program* prog = *program;
  UniqueFd cgroup_fd(open(cgroup_->path().c_str(), O_RDONLY | O_DIRECTORY));
  ASSERT_TRUE(cgroup_fd.valid());
  ASSERT_EQ(bpf_prog_attach(bpf_program__fd(prog), cgroup_fd.get(),
                            BPF_CGROUP_SOCK_OPS, BPF_F_ALLOW_MULTI),
            0)
      << std::strerror(errno);
  auto prog_info = obj->ProgramInfo("tcp_stats_sockops");
  ASSERT_TRUE(prog_info.ok()) << prog_info.status();
  const bpf_prog_info info = *prog_info;

  // Ours next to it.
  v1::AttachResponse attached;
  grpc::Status s = Attach(kSet, "tcp_tune_sockops", &attached);
  EXPECT_TRUE(s.ok()) << s.error_message();

  v1::ListAttachmentsRequest list;
  list.set_cgroup(cgroup_->path());
  list.set_include_foreign(true);
  v1::ListAttachmentsResponse listed;
  s = attachments_->List(Ctx().get(), list, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  int ours = 0, foreign = 0;
  for (const v1::AttachmentInfo& a : listed.attachments()) {
    if (a.foreign()) {
      ++foreign;
      EXPECT_EQ(a.program_id(), info.id);
      EXPECT_TRUE(a.id().empty());
      EXPECT_EQ(a.attach_type(), "cgroup_sock_ops");
    } else {
      ++ours;
      EXPECT_EQ(a.id(), attached.attachment().id());
    }
  }
  EXPECT_EQ(ours, 1);
  EXPECT_EQ(foreign, 1);
  // Without include_foreign, only ours.
  list.set_include_foreign(false);
  ASSERT_TRUE(attachments_->List(Ctx().get(), list, &listed).ok());
  EXPECT_EQ(listed.attachments_size(), 1);

  v1::DetachRequest detach;
  detach.set_id(attached.attachment().id());
  v1::DetachResponse detached;
  EXPECT_TRUE(attachments_->Detach(Ctx().get(), detach, &detached).ok());
  // The daemon never touched the foreign one: it is still there.
  auto ids = AttachedProgramIds(cgroup_->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<uint32_t>{info.id});
  EXPECT_EQ(bpf_prog_detach2(bpf_program__fd(prog), cgroup_fd.get(),
                             BPF_CGROUP_SOCK_OPS),
            0);
}

// A bad request of one kind: how to send it, and the exact answer.
struct BadRequest {
  std::string name;
  std::function<grpc::Status()> send;
  grpc::StatusCode code;
  std::string text;  // part of the message; empty: any
};

TEST_F(ApiTest, BadRequestsGetExactCodes) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-bad"));
  // The key that NOEXIST finds, and a full map's replacement, need it.
  ASSERT_TRUE(Update("tcp_tune_counters", R"({"rule_id":1})", "{}").ok());

  auto lookup = [this](const v1::LookupRequest& req) {
    v1::LookupResponse resp;
    return maps_->Lookup(Ctx().get(), req, &resp);
  };
  auto json_lookup = [this](const std::string& map, const std::string& key) {
    std::string out;
    return Lookup(map, key, &out);
  };
  const std::vector<BadRequest> cases = {
      {"unknown map", [&] { return json_lookup("no_such_map", "{}"); },
       grpc::StatusCode::NOT_FOUND, ""},
      {"raw key of the wrong size",
       [&] {
         v1::LookupRequest raw;
         *raw.mutable_map() = Ref("tcp_tune_counters");
         raw.mutable_key()->set_raw("abc");
         return lookup(raw);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "3 raw bytes"},
      {"malformed JSON",
       [&] { return json_lookup("tcp_tune_counters", R"({"rule_id":)"); },
       grpc::StatusCode::INVALID_ARGUMENT, ""},
      {"key integer overflow",
       [&] {
         return Update("tcp_tune_counters", R"({"rule_id":4294967296})", "{}");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "key.rule_id"},
      {"negative unsigned value",
       [&] {
         return Update("tcp_tune_counters", R"({"rule_id":1})",
                       R"({"matched":-1})");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "value.matched"},
      {"unknown field",
       [&] {
         return Update("tcp_tune_counters", R"({"rule_id":1,"bogus":2})", "{}");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "bogus"},
      {"missing field without zero fill",
       [&] {
         return Update("tcp_tune_counters", R"({"rule_id":1})",
                       R"({"matched":1})", v1::ANY, /*zero_fill=*/false);
       },
       grpc::StatusCode::INVALID_ARGUMENT, ""},
      {"NOEXIST on an existing key",
       [&] {
         return Update("tcp_tune_counters", R"({"rule_id":1})", "{}",
                       v1::NOEXIST);
       },
       grpc::StatusCode::ALREADY_EXISTS, ""},
      {"EXIST on a missing key",
       [&] {
         return Update("tcp_tune_counters", R"({"rule_id":2})", "{}",
                       v1::EXIST);
       },
       grpc::StatusCode::NOT_FOUND, ""},
      {"lookup of a missing key",
       [&] { return json_lookup("tcp_tune_counters", R"({"rule_id":2})"); },
       grpc::StatusCode::NOT_FOUND, ""},
      {"delete of a missing key",
       [&] { return Delete("tcp_tune_counters", R"({"rule_id":2})"); },
       grpc::StatusCode::NOT_FOUND, ""},
      {"no key at all",
       [&] {
         v1::LookupRequest empty;
         *empty.mutable_map() = Ref("tcp_tune_counters");
         return lookup(empty);
       },
       grpc::StatusCode::INVALID_ARGUMENT, ""},
      {"no map named", [&] { return lookup(v1::LookupRequest()); },
       grpc::StatusCode::INVALID_ARGUMENT, ""},
      // The kernel refuses writes to a frozen map (.kconfig): the refusal
      // is the map's, not a lack of privilege.
      {"write to a frozen map",
       [&] {
         v1::UpdateRequest frozen;
         *frozen.mutable_map() = Ref("bpfward.kconfig");
         v1::Entry* entry = frozen.add_entries();
         entry->mutable_key()->set_raw(std::string(4, '\0'));
         entry->mutable_value()->set_raw(std::string(4, '\0'));
         v1::UpdateResponse resp;
         return maps_->Update(Ctx().get(), frozen, &resp);
       },
       grpc::StatusCode::FAILED_PRECONDITION, ""},
      {"token that is not one",
       [&] {
         v1::DumpRequest dump;
         *dump.mutable_map() = Ref("tcp_tune_rules");
         dump.set_resume_token("not a token");
         return FinishDump(dump);
       },
       grpc::StatusCode::INVALID_ARGUMENT, ""},
      {"object path that does not exist",
       [&] {
         v1::LoadRequest load;
         load.mutable_program_set()->set_name("missing");
         load.mutable_program_set()->add_objects("/nonexistent/x.bpf.o");
         v1::LoadResponse loaded;
         return programs_->Load(Ctx().get(), load, &loaded);
       },
       grpc::StatusCode::NOT_FOUND, ""},
  };
  for (const BadRequest& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(c.send(), StatusIs(c.code, c.text));
  }
}

// A full hash map: a batch over the limit is refused first; a batch that
// fills the map lands; one more entry is RESOURCE_EXHAUSTED; replacing an
// existing entry still works.
TEST_F(ApiTest, FullHashMap) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-full"));
  ASSERT_TRUE(Update("tcp_tune_counters", R"({"rule_id":1})", "{}").ok());
  v1::UpdateRequest fill;
  *fill.mutable_map() = Ref("tcp_tune_counters");
  fill.set_zero_fill(true);
  for (int i = 0; i < TCP_TUNE_MAX_COUNTERS + 1; ++i) {
    v1::Entry* e = fill.add_entries();
    e->mutable_key()->set_json(absl::StrCat(R"({"rule_id":)", 100 + i, "}"));
    e->mutable_value()->set_json("{}");
  }
  v1::UpdateResponse filled;
  EXPECT_THAT(maps_->Update(Ctx().get(), fill, &filled),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT));  // 1025 > 1024
  fill.mutable_entries()->RemoveLast();
  fill.mutable_entries()->RemoveLast();  // rule_id 1 is already there
  grpc::Status s = maps_->Update(Ctx().get(), fill, &filled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(filled.updated(), TCP_TUNE_MAX_COUNTERS - 1);
  EXPECT_THAT(Update("tcp_tune_counters", R"({"rule_id":99999})", "{}"),
              StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_TRUE(
      Update("tcp_tune_counters", R"({"rule_id":1})", R"({"matched":5})").ok());
}

// Pages of one entry resumed by token cover each rule once; a token whose
// key was deleted since is FAILED_PRECONDITION.
TEST_F(ApiTest, DumpResumeTokens) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-resume"));
  std::vector<std::string> prefixes = {"10.0.0.0", "10.1.0.0", "192.168.0.0"};
  for (size_t i = 0; i < prefixes.size(); ++i) {
    ASSERT_TRUE(Update("tcp_tune_rules",
                       absl::StrCat(R"({"prefixlen":)", 104 + 8 * (i % 2),
                                    R"(,"addr":")", prefixes[i], R"("})"),
                       absl::StrCat(R"({"rule_id":)", i, "}"))
                    .ok());
  }
  std::map<std::string, int> seen;
  std::string token;
  for (int call = 0; call < 10; ++call) {
    v1::DumpRequest dump;
    *dump.mutable_map() = Ref("tcp_tune_rules");
    dump.set_page_size(1);
    dump.set_max_pages(1);
    dump.set_resume_token(token);
    auto reader =
        maps_->Dump((dump_ctx.push_back(Ctx()), dump_ctx.back().get()), dump);
    v1::DumpResponse page;
    ASSERT_TRUE(reader->Read(&page));
    ASSERT_EQ(page.entries_size(), 1);
    ++seen[Json::parse(page.entries(0).key().json())["addr"]];
    ASSERT_TRUE(reader->Finish().ok());
    token = page.resume_token();
    if (token.empty()) break;
  }
  EXPECT_EQ(seen.size(), 3u);
  for (const auto& [addr, n] : seen) EXPECT_EQ(n, 1) << addr;

  // A stale token: the key it resumes after was deleted.
  v1::DumpRequest dump;
  *dump.mutable_map() = Ref("tcp_tune_rules");
  dump.set_page_size(1);
  dump.set_max_pages(1);
  auto reader =
      maps_->Dump((dump_ctx.push_back(Ctx()), dump_ctx.back().get()), dump);
  v1::DumpResponse page;
  ASSERT_TRUE(reader->Read(&page));
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_FALSE(page.resume_token().empty());
  ASSERT_TRUE(Delete("tcp_tune_rules", page.entries(0).key().json()).ok());
  dump.set_resume_token(page.resume_token());
  EXPECT_THAT(FinishDump(dump),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(ApiTest, SixteenConcurrentClients) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-conc"));
  constexpr int kClients = 16;
  constexpr int kKeysPerClient = 8;
  auto key_of = [](int client, int k) {
    return absl::StrCat(R"({"rule_id":)", client * 100 + k, "}");
  };
  for (int c = 0; c < kClients; ++c) {
    for (int k = 0; k < kKeysPerClient; ++k) {
      ASSERT_TRUE(Update("tcp_tune_counters", key_of(c, k), "{}").ok());
    }
  }
  std::atomic<int> errors{0};
  std::atomic<uint64_t> ops{0};
  std::vector<std::vector<uint64_t>> last(
      kClients, std::vector<uint64_t>(kKeysPerClient));
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      // Its own connection.
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      auto stub = v1::Maps::NewStub(
          grpc::CreateCustomChannel("unix:" + daemon_->socket_path(),
                                    grpc::InsecureChannelCredentials(), args));
      for (uint64_t n = 1; std::chrono::steady_clock::now() < end; ++n) {
        int k = n % kKeysPerClient;
        v1::UpdateRequest up;
        *up.mutable_map() = Ref("tcp_tune_counters");
        up.set_zero_fill(true);
        v1::Entry* e = up.add_entries();
        e->mutable_key()->set_json(key_of(c, k));
        e->mutable_value()->set_json(
            absl::StrCat(R"({"matched":)", n, R"(,"rto_replies":)", c, "}"));
        v1::UpdateResponse up_resp;
        grpc::Status s = stub->Update(Ctx().get(), up, &up_resp);
        if (!s.ok()) {
          ADD_FAILURE() << "update: " << s.error_message();
          ++errors;
          return;
        }
        last[c][k] = n;
        // Read back our own key, and another client's.
        for (const std::string& key :
             {key_of(c, k), key_of((c + 1) % kClients, k)}) {
          v1::LookupRequest get;
          *get.mutable_map() = Ref("tcp_tune_counters");
          get.mutable_key()->set_json(key);
          v1::LookupResponse got;
          s = stub->Lookup(Ctx().get(), get, &got);
          if (!s.ok()) {
            ADD_FAILURE() << "lookup: " << s.error_message();
            ++errors;
            return;
          }
          if (key == key_of(c, k) &&
              Json::parse(got.entry().value().json())["matched"] != n) {
            ADD_FAILURE() << "read back " << got.entry().value().json();
            ++errors;
            return;
          }
        }
        ops += 3;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  std::cerr << "concurrency: " << kClients << " clients, " << ops.load()
            << " calls in 3 s (" << ops.load() / 3 << " calls/s)\n";

  // Afterwards every key holds its client's last write.
  for (int c = 0; c < kClients; ++c) {
    for (int k = 0; k < kKeysPerClient; ++k) {
      std::string value;
      ASSERT_TRUE(Lookup("tcp_tune_counters", key_of(c, k), &value).ok());
      Json v = Json::parse(value);
      // A slow machine (an emulated kernel) may not reach every key of
      // every client in the 3 s: only the keys a client wrote are its.
      if (last[c][k] != 0) {
        EXPECT_EQ(v["rto_replies"], c);
        EXPECT_EQ(v["matched"], last[c][k]);
      }
    }
  }
}

TEST_F(ApiTest, SlowDumpClientsStallNobody) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-slow"));
  ASSERT_TRUE(FillCounters().ok());

  // A dump of one-entry pages on a connection of its own, whose first page
  // was read before the client stopped reading: its writes stall on flow
  // control (holding no server thread).
  struct SlowDump {
    std::unique_ptr<v1::Maps::Stub> stub;
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<v1::DumpResponse>> reader;
  };
  auto start_slow = [&](SlowDump& slow) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // A fixed 64 KiB window: without window growth the dump (about 150 KiB)
    // cannot all be buffered by the client.
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    slow.stub = v1::Maps::NewStub(
        grpc::CreateCustomChannel("unix:" + daemon_->socket_path(),
                                  grpc::InsecureChannelCredentials(), args));
    slow.ctx = Ctx();
    v1::DumpRequest dump;
    *dump.mutable_map() = Ref("tcp_tune_counters");
    dump.set_page_size(1);
    slow.reader = slow.stub->Dump(slow.ctx.get(), dump);
    v1::DumpResponse page;
    return slow.reader->Read(&page);
  };
  // Eight clients start slow dumps.
  constexpr size_t kSlow = 8;
  std::vector<SlowDump> slow(kSlow);
  for (SlowDump& s : slow) ASSERT_TRUE(start_slow(s));
  // A ninth stream of the same caller is refused: one caller cannot hold
  // every serving thread.
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    v1::DumpRequest dump;
    *dump.mutable_map() = Ref("tcp_tune_counters");
    auto ninth = maps_->Dump(&ctx, dump);
    v1::DumpResponse page;
    EXPECT_FALSE(ninth->Read(&page));
    EXPECT_THAT(ninth->Finish(),
                StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED));
  }
  // Everyone else is still served. Were the slow dumps holding the server
  // threads, these would wait until their deadlines; the bounds leave a
  // loaded machine room (a call takes milliseconds).
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    v1::LookupRequest get;
    *get.mutable_map() = Ref("tcp_tune_counters");
    get.mutable_key()->set_json(absl::StrCat(R"({"rule_id":)", i, "}"));
    v1::LookupResponse got;
    grpc::Status s = maps_->Lookup(&ctx, get, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  for (SlowDump& s : slow) s.ctx->TryCancel();
  for (SlowDump& s : slow) {
    EXPECT_THAT(s.reader->Finish(), StatusIs(grpc::StatusCode::CANCELLED));
  }

  // A deadline is honoured while the server waits on a client that does
  // not read. Each attempt has its own deadline, with room for a loaded
  // machine to serve the first page before it.
  std::chrono::system_clock::time_point deadline;
  v1::DumpRequest dump;
  *dump.mutable_map() = Ref("tcp_tune_counters");
  dump.set_page_size(1);
  // (The cancelled streams give their slots back as their handlers return.
  // A ClientContext serves one call only: each attempt has its own.)
  std::unique_ptr<grpc::ClientContext> short_ctx;
  std::unique_ptr<grpc::ClientReader<v1::DumpResponse>> reader;
  v1::DumpResponse page;
  WaitFor(
      [&] {
        short_ctx = std::make_unique<grpc::ClientContext>();
        deadline = std::chrono::system_clock::now() + std::chrono::seconds(3);
        short_ctx->set_deadline(deadline);
        reader = maps_->Dump(short_ctx.get(), dump);
        if (reader->Read(&page)) return true;
        EXPECT_THAT(reader->Finish(),
                    StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED));
        reader.reset();
        return false;
      },
      20);
  ASSERT_NE(reader, nullptr) << "no Dump slot came back in 20 s";
  // Not reading until past the deadline is the behaviour under test.
  std::this_thread::sleep_until(deadline + std::chrono::milliseconds(500));
  while (reader->Read(&page)) {
  }
  EXPECT_THAT(reader->Finish(), StatusIs(grpc::StatusCode::DEADLINE_EXCEEDED));

  // The server gives that stream's slot back promptly too, although its
  // last write was never read: the deadline cancels the call, its reactor
  // finishes (no connection is cut): within seconds, the caller holds its
  // eight slow streams again (20 s: room for a loaded machine).
  std::vector<SlowDump> again;
  WaitFor(
      [&] {
        again.emplace_back();
        if (!start_slow(again.back())) {
          EXPECT_THAT(again.back().reader->Finish(),
                      StatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED));
          again.pop_back();
        }
        return again.size() == kSlow;
      },
      20, 100);
  EXPECT_EQ(again.size(), kSlow);
  for (SlowDump& s : again) s.ctx->TryCancel();
  for (SlowDump& s : again) s.reader->Finish().IgnoreError();
}

}  // namespace
}  // namespace bpfwarden::testing
