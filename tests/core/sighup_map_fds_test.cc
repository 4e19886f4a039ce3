// bpfwardend as a subprocess: a set that SIGHUP unloads leaves no FD on its
// maps in the daemon, even after the API has served them.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/api/api_daemon.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/map_fds.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {
namespace {

constexpr char kKept[] = "program_sets { name: \"kept\" builtin: true }\n";
constexpr char kGone[] = "program_sets { name: \"gone\" builtin: true }\n";

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(20));
  return ctx;
}

v1::MapRef Ref(const std::string& set) {
  v1::MapRef ref;
  ref.set_program_set(set);
  ref.set_map("tcp_stats");
  return ref;
}

class SighupMapFdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    auto scope = TestScope::Create("fds-" + CurrentTestTag());
    ASSERT_TRUE(scope.ok()) << scope.status();
    scope_.emplace(*std::move(scope));
    auto work = ScopedTempDir::Create("fds");
    ASSERT_TRUE(work.ok()) << work.status();
    work_.emplace(*std::move(work));
  }

  void TearDown() override {
    if (daemon_ != nullptr) {
      auto exit = daemon_->Stop();
      EXPECT_TRUE(exit.ok()) << exit.status();
      if (exit.ok()) {
        EXPECT_EQ(*exit, 0) << daemon_->Log();
      }
      daemon_.reset();
    }
    if (scope_.has_value()) {
      EXPECT_THAT(scope_->Finish(), ::testing::IsEmpty());
    }
  }

  // An entry written and read back through the API, in set `set`'s
  // tcp_stats map.
  void WriteAndRead(v1::Maps::Stub& maps, const std::string& set) {
    const std::string key = R"({"cgroup_id":7})";
    v1::UpdateRequest update;
    *update.mutable_map() = Ref(set);
    update.add_entries()->mutable_key()->set_json(key);
    update.mutable_entries(0)->mutable_value()->set_json(
        R"({"active_opens":1})");
    update.set_zero_fill(true);
    v1::UpdateResponse updated;
    grpc::Status s = maps.Update(Ctx().get(), update, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::LookupRequest lookup;
    *lookup.mutable_map() = Ref(set);
    lookup.mutable_key()->set_json(key);
    lookup.set_zero_fill(true);
    v1::LookupResponse found;
    s = maps.Lookup(Ctx().get(), lookup, &found);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::optional<TestScope> scope_;
  std::optional<ScopedTempDir> work_;
  std::unique_ptr<ApiDaemon> daemon_;
};

TEST_F(SighupMapFdsTest, UnloadedSetLeavesNoMapFdOpen) {
  DaemonOptions options;
  options.pin_root = scope_->pins().path() + "/root";
  options.work_dir = work_->path();
  options.config = absl::StrCat(kKept, kGone);
  auto daemon = ApiDaemon::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  daemon_ = *std::move(daemon);
  auto maps = v1::Maps::NewStub(daemon_->Channel());

  v1::GetMapRequest get;
  *get.mutable_map() = Ref("gone");
  v1::MapInfo info;
  grpc::Status s = maps->Get(Ctx().get(), get, &info);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NE(info.id(), 0u);
  WriteAndRead(*maps, "gone");
  // The daemon holds the map while the set is loaded (and the count works).
  auto held = CountMapFds(daemon_->pid(), info.id());
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_GT(*held, 0);

  absl::Status hup =
      daemon_->Reload(kKept, "reloaded " + daemon_->config_dir());
  ASSERT_TRUE(hup.ok()) << hup;
  auto left = CountMapFds(daemon_->pid(), info.id());
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 0) << "FDs on map " << info.id() << " of the unloaded set";
  EXPECT_THAT(maps->Get(Ctx().get(), get, &info),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  // The set that stayed is served as before.
  WriteAndRead(*maps, "kept");
}

}  // namespace
}  // namespace bpfwarden::testing
