// The daemon core in-process on a real kernel: load, attach, count traffic,
// link objects, kconfig, globals, pinned-map layout checks, bad inputs,
// reconcile and persisted state. Every test has its own pin root and
// cgroup, and checks for residue at the end.
#include "daemon/core/warden.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bpf/include/tcp_stats.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/core_types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/core_testing.h"
#include "tests/core/warden_fixture.h"
#include "tests/testing/default_object.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::AttachedAnyType;
using ::bpfwarden::testing::AttachmentSpec;
using ::bpfwarden::testing::BuiltinSet;
using ::bpfwarden::testing::MapEntries;
using ::bpfwarden::testing::PinsUnder;
using ::bpfwarden::testing::ReadProbe;
using ::bpfwarden::testing::Runfile;
using ::bpfwarden::testing::RunTcpExchangeIn;
using ::bpfwarden::testing::ScopedCgroup;
using ::bpfwarden::testing::ScopedPinDir;
using ::bpfwarden::testing::SetOfObjects;
using ::bpfwarden::testing::StatusIs;
using ::bpfwarden::testing::TcpExchange;
using ::testing::HasSubstr;

constexpr char kProbeMaps[] = "tests/core/probe_maps.bpf.o";
constexpr char kProbeProg[] = "tests/core/probe_prog.bpf.o";

constexpr char kBuiltin[] = "bpfwarden";

class WardenTest : public testing::WardenFixture {
 protected:
  void SetUp() override {
    WardenFixture::SetUp();
    cgroup_ = &cgroup();
  }

  // Drives `connections` loopback TCP connections from inside the cgroup.
  void Traffic(int connections = 3) {
    auto r =
        RunTcpExchangeIn(*cgroup_, TcpExchange{.family = AF_INET,
                                               .connections = connections,
                                               .bytes_per_connection = 1000});
    ASSERT_TRUE(r.ok()) << r.status();
  }

  const ScopedCgroup* cgroup_ = nullptr;
};

// 1. Traffic is counted, through the core's own load, attach and map access.
TEST_F(WardenTest, TrafficIsCounted) {
  auto set = warden_->Load(BuiltinSet(kBuiltin));
  ASSERT_TRUE(set.ok()) << set.status();
  auto att = warden_->Attach(
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup_->path()));
  ASSERT_TRUE(att.ok()) << att.status();
  EXPECT_EQ(att->cgroup, cgroup_->path());
  EXPECT_EQ(att->attach_type, "cgroup_sock_ops");
  EXPECT_THAT(AttachedAnyType(cgroup_->path()),
              ::testing::ElementsAre(absl::StrCat(
                  "cgroup_sock_ops:", att->program_id, ":tcp_stats_sockops")));
  Traffic(3);

  auto map = warden_->OpenMap("bpfwarden", "tcp_stats");
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ((*map)->info.pin_path, SetDir("bpfwarden") + "/tcp_stats");
  EXPECT_EQ((*map)->info.key_size, sizeof(tcp_stats_key));
  EXPECT_NE((*map)->info.btf_value_type_id, 0u);
  uint64_t active = 0, passive = 0;
  for (const auto& [key, value] :
       MapEntries<tcp_stats_key, tcp_stats_value>((*map)->map.fd())) {
    if (key.cgroup_id != cgroup_->id()) continue;
    active += value.active_opens;
    passive += value.passive_opens;
  }
  EXPECT_EQ(active, 3u);
  EXPECT_EQ(passive, 3u);

  auto listed = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].ours);
  EXPECT_EQ((*listed)[0].id, att->id);

  ASSERT_TRUE(warden_->Detach(att->id).ok());
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::IsEmpty());
  EXPECT_THAT(warden_->Detach(att->id), StatusIs(absl::StatusCode::kNotFound));
  // The same attachment again gets the same id.
  auto again = warden_->Attach(
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup_->path()));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, att->id);
  EXPECT_THAT(warden_->Attach(AttachmentSpec("bpfwarden", "tcp_stats_sockops",
                                             cgroup_->path())),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

// 5 and 6. Two objects linked in the daemon load and work; the kconfig
// extern resolves from the kernel's config and from an override; a .rodata
// global is set by name.
TEST_F(WardenTest, MultiObjectLinkingKconfigAndGlobals) {
  auto hz = testing::KernelHz();
  ASSERT_TRUE(hz.ok()) << hz.status();

  v1::ProgramSet spec = SetOfObjects("probe", {kProbeMaps, kProbeProg});
  v1::GlobalValue* magic = spec.add_globals();
  magic->set_name("probe_magic");
  magic->set_uint_value(42);
  auto set = warden_->Load(spec);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->programs.size(), 1u);
  EXPECT_EQ(set->programs[0].name, "probe_sockops");
  EXPECT_EQ(set->programs[0].type, "sock_ops");
  ASSERT_TRUE(
      warden_->Attach(AttachmentSpec("probe", "probe_sockops", cgroup_->path()))
          .ok());
  Traffic(1);
  auto map = warden_->OpenMap("probe", "probe");
  ASSERT_TRUE(map.ok()) << map.status();
  auto value = ReadProbe((*map)->map.fd());
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_GT(value->calls, 0u);
  EXPECT_EQ(value->hz, *hz);  // from /proc/config.gz
  EXPECT_EQ(value->magic, 42u);

  // Again with an override, and the default global.
  ASSERT_TRUE(warden_->Unload("probe", MapPins::kRemove).ok());
  EXPECT_THAT(PinsUnder(SetDir("probe")), ::testing::IsEmpty());
  v1::ProgramSet overridden = SetOfObjects("probe", {kProbeMaps, kProbeProg});
  v1::KconfigOverride* k = overridden.add_kconfig();
  k->set_name("CONFIG_HZ");
  k->set_value(*hz == 100 ? "300" : "100");
  ASSERT_TRUE(warden_->Load(overridden).ok());
  ASSERT_TRUE(
      warden_->Attach(AttachmentSpec("probe", "probe_sockops", cgroup_->path()))
          .ok());
  Traffic(1);
  map = warden_->OpenMap("probe", "probe");
  ASSERT_TRUE(map.ok()) << map.status();
  value = ReadProbe((*map)->map.fd());
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->hz, *hz == 100 ? 300u : 100u);
  EXPECT_EQ(value->magic, 7u);
}

TEST_F(WardenTest, VerifierLogOnRequest) {
  LoadOptions options;
  options.want_verifier_log = true;
  auto set =
      warden_->Load(SetOfObjects("probe", {kProbeMaps, kProbeProg}), options);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->verifier_log, HasSubstr("processed"));
  EXPECT_THAT(set->verifier_log, HasSubstr("probe_sockops"));
}

// 7. A pinned map whose layout changed is refused, naming the map and the
// difference, and its data survives; replace_maps gives a fresh map.
TEST_F(WardenTest, PinnedMapWithChangedLayout) {
  ASSERT_TRUE(
      warden_->Load(SetOfObjects("layout", {"tests/core/layout_v1.bpf.o"}))
          .ok());
  {
    auto map = warden_->OpenMap("layout", "layout");
    ASSERT_TRUE(map.ok()) << map.status();
    uint32_t key = 5;
    layout_value_v1 value{11, 22};
    ASSERT_EQ(bpf_map_update_elem((*map)->map.fd(), &key, &value, BPF_ANY), 0);
  }
  ASSERT_TRUE(warden_->Unload("layout", MapPins::kKeep).ok());
  const std::string pin = SetDir("layout") + "/layout";
  ASSERT_TRUE(std::filesystem::exists(pin));

  // Same sizes, different members: libbpf alone would reuse the map.
  auto refused =
      warden_->Load(SetOfObjects("layout", {"tests/core/layout_v2.bpf.o"}));
  ASSERT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition))
      << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("pinned map layout"));
  EXPECT_THAT(refused.status().message(), HasSubstr("value layout"));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("member 0 (packets): named packets in the pinned map, "
                        "bytes in the object"))
      << refused.status();
  EXPECT_THAT(warden_->GetSet("layout"), StatusIs(absl::StatusCode::kNotFound));

  // The old data is still there, in the same pinned map.
  auto check_data = [&](uint64_t packets, uint64_t bytes) {
    UniqueFd fd(bpf_obj_get(pin.c_str()));
    ASSERT_TRUE(fd.valid());
    uint32_t key = 5;
    layout_value_v1 value{};
    ASSERT_EQ(bpf_map_lookup_elem(fd.get(), &key, &value), 0);
    EXPECT_EQ(value.packets, packets);
    EXPECT_EQ(value.bytes, bytes);
  };
  check_data(11, 22);

  // The unchanged object reuses it.
  auto reused =
      warden_->Load(SetOfObjects("layout", {"tests/core/layout_v1.bpf.o"}));
  ASSERT_TRUE(reused.ok()) << reused.status();
  bool layout_reused = false;
  for (const MapInfo& m : reused->maps)
    layout_reused |= m.name == "layout" && m.reused;
  EXPECT_TRUE(layout_reused);
  check_data(11, 22);
  ASSERT_TRUE(warden_->Unload("layout").ok());

  // replace_maps: a fresh, empty map with the new layout.
  LoadOptions replace;
  replace.replace_maps = true;
  auto fresh = warden_->Load(
      SetOfObjects("layout", {"tests/core/layout_v2.bpf.o"}), replace);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  auto map = warden_->OpenMap("layout", "layout");
  ASSERT_TRUE(map.ok());
  uint32_t key = 5;
  layout_value_v2 value{};
  EXPECT_NE(bpf_map_lookup_elem((*map)->map.fd(), &key, &value), 0);
  EXPECT_THAT(PinsUnder(SetDir("layout")), ::testing::ElementsAre(pin));
}

std::string V1CgroupDir() {
  std::ifstream mounts("/proc/mounts");
  std::string dev, dir, type, rest;
  while (mounts >> dev >> dir >> type && std::getline(mounts, rest)) {
    if (type == "cgroup") return dir;
  }
  return "";
}

// 8. Bad inputs: each a clear error, nothing left behind, and the core
// still serves afterwards. One case a test, so a failure names its case.

struct BadLoadCase {
  std::string name;
  // The spec; `scratch` is a directory for the files it needs.
  std::function<v1::ProgramSet(const std::string& scratch)> spec;
  absl::StatusCode code;
  std::string text;
};

// A set of one object file at <scratch>/<file> holding `bytes`.
v1::ProgramSet OneFileSet(const std::string& name, const std::string& scratch,
                          const std::string& file, const std::string& bytes) {
  const std::string path = scratch + "/" + file;
  EXPECT_TRUE(testing::WriteFile(path, bytes).ok()) << path;
  v1::ProgramSet set;
  set.set_name(name);
  set.add_objects(path);
  return set;
}

v1::ProgramSet ProbeWithGlobal(const std::string& global,
                               std::optional<int64_t> value,
                               const std::string& raw = "") {
  v1::ProgramSet set = SetOfObjects("globals", {kProbeMaps, kProbeProg});
  v1::GlobalValue* g = set.add_globals();
  g->set_name(global);
  if (value.has_value()) g->set_int_value(*value);
  if (!raw.empty()) g->set_raw(raw);
  return set;
}

const BadLoadCase kBadLoads[] = {
    {"NotElf",
     [](const std::string& scratch) {
       return OneFileSet("notelf", scratch, "text.o",
                         "this is not an ELF object\n");
     },
     absl::StatusCode::kInvalidArgument, "not an ELF file"},
    {"Truncated",
     [](const std::string& scratch) {
       const std::string whole =
           testing::ReadFile(Runfile("bpf/bpfwarden.bpf.o"));
       EXPECT_GT(whole.size(), 1000u);
       return OneFileSet("truncated", scratch, "half.o",
                         whole.substr(0, whole.size() / 2));
     },
     absl::StatusCode::kInvalidArgument, "truncated"},
    {"NoPrograms",
     [](const std::string&) { return SetOfObjects("noprogs", {kProbeMaps}); },
     absl::StatusCode::kInvalidArgument, "has no programs"},
    {"MissingFile",
     [](const std::string& scratch) {
       v1::ProgramSet set;
       set.set_name("missing");
       set.add_objects(scratch + "/does-not-exist.o");
       return set;
     },
     absl::StatusCode::kNotFound, "does-not-exist.o"},
    // libbpf's own reason reaches the caller (it cannot read our log).
    {"ConflictingSymbols",
     [](const std::string&) {
       return SetOfObjects("twice", {kProbeMaps, kProbeProg, kProbeProg});
     },
     absl::StatusCode::kInvalidArgument, "libbpf said: "},
    {"NameDotDot", [](const std::string&) { return BuiltinSet(".."); },
     absl::StatusCode::kInvalidArgument, "set name"},
    {"NameEscapes", [](const std::string&) { return BuiltinSet("../escape"); },
     absl::StatusCode::kInvalidArgument, "set name"},
    {"NameWithSlash", [](const std::string&) { return BuiltinSet("a/b"); },
     absl::StatusCode::kInvalidArgument, "set name"},
    {"NameEmpty", [](const std::string&) { return BuiltinSet(""); },
     absl::StatusCode::kInvalidArgument, "set name"},
    {"NameWithDot", [](const std::string&) { return BuiltinSet("dot.ted"); },
     absl::StatusCode::kInvalidArgument, "set name"},
    {"UnknownGlobal",
     [](const std::string&) { return ProbeWithGlobal("no_such_global", 1); },
     absl::StatusCode::kInvalidArgument,
     "no global variable named \"no_such_global\""},
    {"GlobalOfTheWrongSize",
     [](const std::string&) {
       return ProbeWithGlobal("probe_magic", std::nullopt, "abc");
     },
     absl::StatusCode::kInvalidArgument,
     "global probe_magic is 8 bytes, got 3"},
};

class BadLoadTest : public WardenTest,
                    public ::testing::WithParamInterface<BadLoadCase> {};

int OpenFds() {
  return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                       std::filesystem::directory_iterator{});
}

// A refused load leaves no set, no FD, no pin and no set directory.
TEST_P(BadLoadTest, IsRefusedLeavingNothing) {
  const BadLoadCase& c = GetParam();
  auto scratch = testing::ScopedTempDir::Create("bad");
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  const v1::ProgramSet spec = c.spec(scratch->path());
  const int fds_before = OpenFds();
  EXPECT_THAT(warden_->Load(spec), StatusIs(c.code, c.text));
  EXPECT_TRUE(warden_->ListSets().empty());
  EXPECT_EQ(OpenFds(), fds_before);
  EXPECT_THAT(PinsUnder(options_.pin_root), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Cases, BadLoadTest, ::testing::ValuesIn(kBadLoads),
                         [](const auto& info) { return info.param.name; });

TEST_F(WardenTest, VerifierRejectionCarriesTheLog) {
  absl::Status rejected =
      warden_->Load(SetOfObjects("reject", {"tests/core/reject.bpf.o"}))
          .status();
  EXPECT_THAT(rejected,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the verifier rejected program reject_sockops"));
  EXPECT_THAT(rejected.message(), HasSubstr("log tail"));
  std::optional<std::string> full_log = VerifierLogOf(rejected);
  ASSERT_TRUE(full_log.has_value());
  EXPECT_GT(full_log->size(), 50u);
  EXPECT_THAT(*full_log, HasSubstr("invalid mem access"));
  EXPECT_THAT(rejected.message(), HasSubstr("invalid mem access"));
  EXPECT_FALSE(std::filesystem::exists(SetDir("reject")));
  EXPECT_TRUE(warden_->ListSets().empty());
}

struct BadAttachCase {
  std::string name;
  // The spec, given the test's cgroup; nullopt: the case cannot be made on
  // this host (the reason is logged by the function).
  std::function<std::optional<v1::Attachment>(const std::string& cgroup)> spec;
  absl::StatusCode code;
  std::string text;
};

v1::Attachment StatsAs(const std::string& cgroup, const std::string& type) {
  v1::Attachment spec =
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup);
  spec.set_attach_type(type);
  return spec;
}

const BadAttachCase kBadAttachments[] = {
    {"UnknownProgram",
     [](const std::string& cgroup) {
       return AttachmentSpec("bpfwarden", "no_such_program", cgroup);
     },
     absl::StatusCode::kNotFound, "has no program named no_such_program"},
    {"UnknownSet",
     [](const std::string& cgroup) {
       return AttachmentSpec("nope", "tcp_stats_sockops", cgroup);
     },
     absl::StatusCode::kNotFound, "no program set named nope"},
    {"MissingCgroup",
     [](const std::string& cgroup) {
       return AttachmentSpec("bpfwarden", "tcp_stats_sockops",
                             cgroup + "-missing");
     },
     absl::StatusCode::kNotFound, "-missing"},
    {"OutsideCgroup2",
     [](const std::string&) {
       return AttachmentSpec("bpfwarden", "tcp_stats_sockops", "/tmp");
     },
     absl::StatusCode::kInvalidArgument, "outside the cgroup v2"},
    {"CgroupV1",
     [](const std::string&) -> std::optional<v1::Attachment> {
       const std::string v1_dir = V1CgroupDir();
       if (v1_dir.empty()) return std::nullopt;
       return AttachmentSpec("bpfwarden", "tcp_stats_sockops", v1_dir);
     },
     absl::StatusCode::kInvalidArgument, "is a cgroup v1 directory"},
    {"TypeThatDoesNotFit",
     [](const std::string& cgroup) {
       return StatsAs(cgroup, "cgroup_inet_ingress");
     },
     absl::StatusCode::kInvalidArgument,
     "a sock_ops program cannot be attached as cgroup_inet_ingress"},
    {"UnknownType",
     [](const std::string& cgroup) { return StatsAs(cgroup, "xdp"); },
     absl::StatusCode::kInvalidArgument, "unknown cgroup attach type"},
};

class BadAttachTest : public WardenTest,
                      public ::testing::WithParamInterface<BadAttachCase> {};

// A refused attachment attaches nothing.
TEST_P(BadAttachTest, IsRefusedAttachingNothing) {
  const BadAttachCase& c = GetParam();
  ASSERT_TRUE(warden_->Load(BuiltinSet(kBuiltin)).ok());
  std::optional<v1::Attachment> spec = c.spec(cgroup_->path());
  if (!spec.has_value()) {
    GTEST_SKIP() << "no cgroup v1 hierarchy is mounted on this host";
  }
  EXPECT_THAT(warden_->Attach(*spec), StatusIs(c.code, c.text));
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Cases, BadAttachTest,
                         ::testing::ValuesIn(kBadAttachments),
                         [](const auto& info) { return info.param.name; });

// Unknown names are NotFound, and after refusals a good attachment still
// counts traffic.
TEST_F(WardenTest, StillServesAfterRefusals) {
  ASSERT_TRUE(warden_->Load(BuiltinSet(kBuiltin)).ok());
  EXPECT_THAT(warden_->Attach(AttachmentSpec("bpfwarden", "no_such_program",
                                             cgroup_->path())),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(warden_->OpenMap("bpfwarden", "nope"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(warden_->Unload("nope"), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_TRUE(warden_
                  ->Attach(AttachmentSpec("bpfwarden", "tcp_stats_sockops",
                                          cgroup_->path()))
                  .ok());
  Traffic(2);
  auto map = warden_->OpenMap("bpfwarden", "tcp_stats");
  ASSERT_TRUE(map.ok());
  uint64_t active = 0;
  for (const auto& [key, value] :
       MapEntries<tcp_stats_key, tcp_stats_value>((*map)->map.fd())) {
    if (key.cgroup_id == cgroup_->id()) active += value.active_opens;
  }
  EXPECT_EQ(active, 2u);
}

// Attach types beyond sock_ops go through the same bpf_link path: a
// cgroup_skb program as ingress and as egress, a connect4 program as
// itself (and refused as connect6).
TEST_F(WardenTest, OtherCgroupAttachTypes) {
  ASSERT_TRUE(
      warden_->Load(SetOfObjects("hooks", {"tests/core/cgroup_hooks.bpf.o"}))
          .ok());
  v1::Attachment ingress =
      AttachmentSpec("hooks", "count_skb", cgroup_->path());
  v1::Attachment egress = ingress;
  egress.set_attach_type("cgroup_inet_egress");
  v1::Attachment connect4 =
      AttachmentSpec("hooks", "count_connect4", cgroup_->path());
  v1::Attachment connect6 = connect4;
  connect6.set_attach_type("cgroup_inet6_connect");
  auto in = warden_->Attach(ingress);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->attach_type, "cgroup_inet_ingress");
  auto out = warden_->Attach(egress);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_NE(in->id, out->id);
  auto c4 = warden_->Attach(connect4);
  ASSERT_TRUE(c4.ok()) << c4.status();
  EXPECT_EQ(c4->attach_type, "cgroup_inet4_connect");
  auto c6 = warden_->Attach(connect6);
  EXPECT_THAT(c6, StatusIs(absl::StatusCode::kInvalidArgument)) << c6.status();
  EXPECT_THAT(c6.status().message(),
              HasSubstr("loaded for cgroup_inet4_connect"));
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::SizeIs(3));

  Traffic(2);
  auto map = warden_->OpenMap("hooks", "hook_counts");
  ASSERT_TRUE(map.ok()) << map.status();
  uint64_t counts[3] = {};
  for (uint32_t slot = 0; slot < 3; ++slot) {
    ASSERT_EQ(bpf_map_lookup_elem((*map)->map.fd(), &slot, &counts[slot]), 0);
  }
  EXPECT_GT(counts[0], 0u) << "ingress packets";
  EXPECT_GT(counts[1], 0u) << "egress packets";
  EXPECT_EQ(counts[2], 2u) << "connect4 calls";

  ASSERT_TRUE(warden_->Detach(out->id).ok());
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::SizeIs(2));
}

// A legacy, non-multi attachment by another tool blocks ours: the error
// names it; the listing shows it as foreign.
TEST_F(WardenTest, ForeignLegacyAttachment) {
  // The other tool: a plain libbpf load of the builtin object.
  auto other = testing::DefaultObject::Load(pins());
  ASSERT_TRUE(other.ok()) << other.status();
  auto prog = other->Program("tcp_tune_sockops");
  ASSERT_TRUE(prog.ok());
  UniqueFd cg(::open(cgroup_->path().c_str(), O_RDONLY | O_DIRECTORY));
  ASSERT_EQ(
      bpf_prog_attach(bpf_program__fd(*prog), cg.get(), BPF_CGROUP_SOCK_OPS, 0),
      0);
  auto info = other->ProgramInfo("tcp_tune_sockops");
  ASSERT_TRUE(info.ok());

  ASSERT_TRUE(warden_->Load(BuiltinSet(kBuiltin)).ok());
  auto refused = warden_->Attach(
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup_->path()));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(
      refused.status().message(),
      HasSubstr(absl::StrCat("program id ", info->id, " (tcp_tune_sockops)")));
  auto listed = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_FALSE((*listed)[0].ours);
  EXPECT_EQ((*listed)[0].program_id, info->id);
  EXPECT_EQ((*listed)[0].program, "tcp_tune_sockops");

  // Once the other tool lets go, we attach.
  ASSERT_EQ(
      bpf_prog_detach2(bpf_program__fd(*prog), cg.get(), BPF_CGROUP_SOCK_OPS),
      0);
  EXPECT_TRUE(warden_
                  ->Attach(AttachmentSpec("bpfwarden", "tcp_stats_sockops",
                                          cgroup_->path()))
                  .ok());
}

// Callers on several threads: each attach/detach succeeds, readers always
// see a consistent listing, and nothing is left attached.
TEST_F(WardenTest, ConcurrentCallers) {
  ASSERT_TRUE(warden_->Load(BuiltinSet(kBuiltin)).ok());
  constexpr int kRounds = 40;
  auto cycle = [&](const std::string& program, int* failures) {
    for (int i = 0; i < kRounds; ++i) {
      auto att = warden_->Attach(
          AttachmentSpec("bpfwarden", program, cgroup_->path()));
      if (!att.ok() || !warden_->Detach(att->id).ok()) ++*failures;
    }
  };
  int stats_failures = 0, tune_failures = 0, reader_failures = 0;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      auto listed = warden_->ListAttachments(cgroup_->path());
      auto map = warden_->OpenMap("bpfwarden", "tcp_stats");
      if (!listed.ok() || listed->size() > 2 || !map.ok() ||
          warden_->ListMaps().empty()) {
        ++reader_failures;
      }
    }
  });
  std::thread stats([&] { cycle("tcp_stats_sockops", &stats_failures); });
  std::thread tune([&] { cycle("tcp_tune_sockops", &tune_failures); });
  stats.join();
  tune.join();
  done = true;
  reader.join();
  EXPECT_EQ(stats_failures, 0);
  EXPECT_EQ(tune_failures, 0);
  EXPECT_EQ(reader_failures, 0);
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::IsEmpty());
}

// SIGHUP's reconcile: adds what is new, removes what is gone, leaves the
// unchanged attachment alone.
TEST_F(WardenTest, ReconcileTouchesOnlyChanges) {
  v1::Config config;
  *config.add_program_sets() = BuiltinSet(kBuiltin);
  *config.add_attachments() =
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup_->path());
  ASSERT_TRUE(warden_->Start(config).ok());
  auto first = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  const uint32_t stats_link = (*first)[0].link_id;

  *config.add_attachments() =
      AttachmentSpec("bpfwarden", "tcp_tune_sockops", cgroup_->path());
  ASSERT_TRUE(warden_->Reconcile(config).ok());
  auto second = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 2u);
  for (const AttachmentInfo& a : *second) {
    EXPECT_TRUE(a.ours);
    EXPECT_EQ(a.origin, Origin::kConfig);
    if (a.program == "tcp_stats_sockops") {
      EXPECT_EQ(a.link_id, stats_link);
    }
  }

  // A changed set is reloaded in place: its attachments keep their links
  // and now run the new programs.
  const std::vector<std::string> programs_before =
      AttachedAnyType(cgroup_->path());
  config.mutable_program_sets(0)->set_pin_all_maps(true);
  ASSERT_TRUE(warden_->Reconcile(config).ok());
  auto reloaded = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(reloaded.ok());
  ASSERT_EQ(reloaded->size(), 2u);
  for (const AttachmentInfo& a : *reloaded) {
    if (a.program == "tcp_stats_sockops") {
      EXPECT_EQ(a.link_id, stats_link);
    }
  }
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::SizeIs(2));
  EXPECT_NE(AttachedAnyType(cgroup_->path()), programs_before);

  // A reload that fails leaves the old version loaded and attached.
  config.mutable_program_sets(0)->add_globals()->set_name("no_such_global");
  config.mutable_program_sets(0)->mutable_globals(0)->set_int_value(1);
  const std::vector<std::string> programs_loaded =
      AttachedAnyType(cgroup_->path());
  absl::Status failed = warden_->Reconcile(config);
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kInvalidArgument)) << failed;
  EXPECT_EQ(AttachedAnyType(cgroup_->path()), programs_loaded);
  config.mutable_program_sets(0)->clear_globals();

  config.mutable_attachments()->DeleteSubrange(0, 1);
  ASSERT_TRUE(warden_->Reconcile(config).ok());
  auto third = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->size(), 1u);
  EXPECT_EQ((*third)[0].program, "tcp_tune_sockops");

  ASSERT_TRUE(warden_->Reconcile(v1::Config()).ok());
  EXPECT_TRUE(warden_->ListSets().empty());
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::IsEmpty());
}

// The configuration owns what it declares: Unload and Detach refuse its
// items with a message saying what to do, and leave them loaded and
// attached; run-time items beside them still go; Reconcile removes them.
TEST_F(WardenTest, ConfigItemsAreOwnedByTheConfig) {
  v1::Config config;
  *config.add_program_sets() = BuiltinSet(kBuiltin);
  *config.add_attachments() =
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup_->path());
  ASSERT_TRUE(warden_->Start(config).ok());
  auto listed = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  const std::string config_att = (*listed)[0].id;
  const std::vector<std::string> attached = AttachedAnyType(cgroup_->path());
  ASSERT_THAT(attached, ::testing::SizeIs(1));

  // Without a known config directory the message names it generically.
  absl::Status unload = warden_->Unload("bpfwarden");
  EXPECT_THAT(unload, StatusIs(absl::StatusCode::kFailedPrecondition))
      << unload;
  EXPECT_EQ(unload.message(),
            "program set bpfwarden is declared in the configuration "
            "directory; remove it there and reload (SIGHUP)");
  absl::Status detach = warden_->Detach(config_att);
  EXPECT_THAT(detach, StatusIs(absl::StatusCode::kFailedPrecondition))
      << detach;
  EXPECT_THAT(detach.message(),
              HasSubstr(absl::StrCat("attachment ", config_att)));
  EXPECT_THAT(detach.message(),
              HasSubstr("remove it there and reload (SIGHUP)"));
  EXPECT_TRUE(warden_->GetSet("bpfwarden").ok());
  EXPECT_EQ(AttachedAnyType(cgroup_->path()), attached);

  // With one, the message names it.
  ASSERT_TRUE(warden_->Shutdown().ok());
  options_.config_dir = "/etc/bpfwarden-test";
  auto restarted = Warden::Create(options_);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  warden_ = *std::move(restarted);
  ASSERT_TRUE(warden_->Start(config).ok());
  unload = warden_->Unload("bpfwarden", MapPins::kRemove);
  EXPECT_THAT(unload, StatusIs(absl::StatusCode::kFailedPrecondition))
      << unload;
  EXPECT_EQ(unload.message(),
            "program set bpfwarden is declared in the configuration "
            "(/etc/bpfwarden-test); remove it there and reload (SIGHUP)");
  detach = warden_->Detach(config_att);
  EXPECT_THAT(detach, StatusIs(absl::StatusCode::kFailedPrecondition))
      << detach;
  EXPECT_THAT(detach.message(), HasSubstr("(/etc/bpfwarden-test)"));
  EXPECT_TRUE(std::filesystem::exists(SetDir("bpfwarden") + "/tcp_stats"));
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::SizeIs(1));

  // Run-time items, also on the config's set, still come and go.
  auto runtime_att = warden_->Attach(
      AttachmentSpec("bpfwarden", "tcp_tune_sockops", cgroup_->path()));
  ASSERT_TRUE(runtime_att.ok()) << runtime_att.status();
  EXPECT_EQ(runtime_att->origin, Origin::kRuntime);
  EXPECT_TRUE(warden_->Detach(runtime_att->id).ok());
  ASSERT_TRUE(warden_->Load(BuiltinSet("second")).ok());
  EXPECT_TRUE(warden_->Unload("second", MapPins::kRemove).ok());
  EXPECT_THAT(warden_->GetSet("second"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::SizeIs(1));

  // Removing them from the configuration removes them.
  config.clear_attachments();
  ASSERT_TRUE(warden_->Reconcile(config).ok());
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::IsEmpty());
  ASSERT_TRUE(warden_->Reconcile(v1::Config()).ok());
  EXPECT_TRUE(warden_->ListSets().empty());
}

// Run-time changes persist and come back at the next start, objects given
// in memory included.
TEST_F(WardenTest, RuntimeChangesPersist) {
  LoadOptions options;
  options.object_blobs = {testing::ReadFile(Runfile(kProbeMaps)),
                          testing::ReadFile(Runfile(kProbeProg))};
  v1::ProgramSet spec;
  spec.set_name("probe");
  ASSERT_TRUE(warden_->Load(spec, options).ok());
  auto att = warden_->Attach(
      AttachmentSpec("probe", "probe_sockops", cgroup_->path()));
  ASSERT_TRUE(att.ok()) << att.status();
  ASSERT_TRUE(warden_->Shutdown().ok());
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::IsEmpty());

  auto restarted = Warden::Create(options_);
  ASSERT_TRUE(restarted.ok());
  warden_ = *std::move(restarted);
  ASSERT_TRUE(warden_->Start(v1::Config()).ok());
  auto set = warden_->GetSet("probe");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->origin, Origin::kRuntime);
  auto listed = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, att->id);
  Traffic(1);
  auto map = warden_->OpenMap("probe", "probe");
  ASSERT_TRUE(map.ok());
  auto value = ReadProbe((*map)->map.fd());
  ASSERT_TRUE(value.ok());
  EXPECT_GT(value->calls, 0u);
}

// A corrupt state file: a clear error, set aside, and the config still applies.
TEST_F(WardenTest, CorruptStateStartsFromConfig) {
  const std::string state = options_.state_dir + "/state.textproto";
  ASSERT_TRUE(
      testing::WriteFile(
          state, "# bpfwarden state v1 length=99 crc32=0\nprogram_sets {")
          .ok());
  v1::Config config;
  *config.add_program_sets() = BuiltinSet(kBuiltin);
  *config.add_attachments() =
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup_->path());
  absl::Status started = warden_->Start(config);
  EXPECT_THAT(started, StatusIs(absl::StatusCode::kDataLoss)) << started;
  EXPECT_THAT(started.message(), HasSubstr("state.textproto"));
  EXPECT_TRUE(std::filesystem::exists(state + ".corrupt"));
  auto listed = warden_->ListAttachments(cgroup_->path());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  // A fresh, valid state file was written.
  EXPECT_THAT(testing::ReadFile(state),
              HasSubstr("# bpfwarden state v1 length="));
}

}  // namespace
}  // namespace bpfwarden
