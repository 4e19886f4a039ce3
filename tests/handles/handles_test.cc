// Read handles seen from nobody (uid 65534): with READ_HANDLE it reads
// through the handed-over descriptor exactly what root reads, and the
// kernel refuses it writes; without the grant it gets PERMISSION_DENIED,
// audited, and no descriptor; a reload that takes the grant away refuses
// the next request at once.
#include <bpf/bpf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/base/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/handles/handles_fixture.h"
#include "tests/handles/map_text.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

// The text between "NAME:\n" and the next section of handle_reader's output.
std::string Section(const std::string& out, const std::string& name) {
  const size_t start = out.find(name + ":\n");
  if (start == std::string::npos) return "(no " + name + ")";
  const size_t from = start + name.size() + 2;
  size_t end = out.size();
  for (const char* next : {"keys:\n", "batch:\n", "update="}) {
    const size_t at = out.find(next, from);
    if (at != std::string::npos) end = std::min(end, at);
  }
  return out.substr(from, end - from);
}

class HandlesTest : public HandlesFixture {};

TEST_F(HandlesTest, NobodyWithTheGrantReadsWhatRootReadsAndCannotWrite) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-grant", kHandleCounters));
  for (int i = 1; i <= 100; ++i) {
    ASSERT_TRUE(Update("tcp_tune_counters", absl::StrCat(R"({"rule_id":)", i,
                                                          "}"),
                       absl::StrCat(R"({"matched":)", i * 7, "}"))
                    .ok());
  }
  // Root's own reading, through its own descriptor of the pin.
  const std::string pin = PinOf("tcp_tune_counters");
  UniqueFd root_fd(bpf_obj_get(pin.c_str()));
  ASSERT_TRUE(root_fd.valid()) << pin;
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  ASSERT_EQ(bpf_obj_get_info_by_fd(root_fd.get(), &info, &len), 0);
  auto root = EntriesByKeys(root_fd.get(), info.key_size, info.value_size);
  ASSERT_TRUE(root.ok()) << root.status();
  ASSERT_EQ(std::count(root->begin(), root->end(), '\n'), 100);

  RunResult read = Reader({"open", kSet, "tcp_tune_counters"});
  ASSERT_EQ(read.exit_code, 0) << read.err << read.out;
  EXPECT_THAT(read.out, HasSubstr("type=hash key_size=4"));
  EXPECT_EQ(Section(read.out, "keys"), *root);
  EXPECT_EQ(Section(read.out, "batch"), *root);
  // The kernel, not the daemon, refuses writes through the descriptor.
  EXPECT_THAT(read.out, HasSubstr("update=EPERM\n"));
  EXPECT_THAT(read.out, HasSubstr("delete=EPERM\n"));
  // The pin itself stays closed to nobody.
  RunResult pinned = Reader({"pin", pin});
  EXPECT_THAT(pinned.out, HasSubstr("obj_get=EACCES")) << pinned.out;
  // Root's data untouched.
  auto after = EntriesByKeys(root_fd.get(), info.key_size, info.value_size);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *root);

  // Audited, counted, and Status says where and whether.
  EXPECT_EQ(AuditLines("map=\"bpfwarden/tcp_tune_counters\" result=OK"), 1)
      << daemon_->Log();
  absl::StatusOr<v1::StatusResponse> status = Status();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->handle_socket(), HandleSocket());
  EXPECT_TRUE(status->handles_usable()) << status->handles_probe();
  EXPECT_THAT(status->handles_probe(),
              HasSubstr("read a handed-over read-only map descriptor"));
  ASSERT_EQ(status->handle_counts_size(), 1);
  EXPECT_EQ(status->handle_counts(0).uid(), 65534u);
  EXPECT_EQ(status->handle_counts(0).granted(), 1u);
}

// A pin forgets how its descriptor was opened: whoever can pin a read
// handle in a bpffs it may write can open that pin read-write. Nobody's
// only way to such a bpffs is its own mount in a user namespace, which
// this kernel refuses; should one allow it, this test says so.
TEST_F(HandlesTest, AHandleCannotBeRepinnedAndReopenedWritable) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-repin", kHandleCounters));
  const std::string dir = work_->path() + "/mnt";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(chown(dir.c_str(), 65534, 65534), 0);
  RunResult repin = Reader({"repin", kSet, "tcp_tune_counters", dir});
  ASSERT_EQ(repin.exit_code, 0) << repin.err;
  EXPECT_THAT(repin.out, HasSubstr("mount=EPERM\n")) << repin.out;
  EXPECT_THAT(repin.out, ::testing::Not(HasSubstr("pin=OK"))) << repin.out;
  EXPECT_THAT(repin.out, ::testing::Not(HasSubstr("update=OK")))
      << repin.out;
}

TEST_F(HandlesTest, WithoutTheGrantPermissionDeniedAuditedAndNoDescriptor) {
  BPFWARDEN_REQUIRE_KERNEL();
  // READ is not READ_HANDLE.
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-deny", R"pb(
    policy {
      program_set: "bpfwarden"
      map: "tcp_tune_*"
      principals: "uid:65534"
      allow: READ
    }
  )pb"));
  RunResult denied = Reader({"open", kSet, "tcp_tune_counters"});
  EXPECT_EQ(denied.exit_code, 7) << denied.err;  // PERMISSION_DENIED
  EXPECT_EQ(denied.err,
            "Handles.Open on map bpfwarden/tcp_tune_counters: permission "
            "denied (read handle access required)\n");
  EXPECT_EQ(denied.out, "");  // nothing read: no descriptor came
  // A map that does not exist is refused alike: nothing is revealed.
  RunResult missing = Reader({"open", kSet, "no_such_map"});
  EXPECT_EQ(missing.exit_code, 7) << missing.err;
  EXPECT_EQ(AuditLines("result=PERMISSION_DENIED"), 2) << daemon_->Log();
  absl::StatusOr<v1::StatusResponse> status = Status();
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->handle_counts_size(), 1);
  EXPECT_EQ(status->handle_counts(0).granted(), 0u);
  EXPECT_EQ(status->handle_counts(0).refused(), 2u);
}

TEST_F(HandlesTest, GrantedButMissingOrDescriptorValuedMapsAreRefused) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-kinds", kHandleCounters));
  RunResult missing = Reader({"open", kSet, "tcp_tune_nothing"});
  EXPECT_EQ(missing.exit_code, 5) << missing.err;  // NOT_FOUND
  EXPECT_EQ(missing.err,
            "program set bpfwarden has no map tcp_tune_nothing (or no such "
            "set is loaded)\n");
  // Socket storage: keyed by socket descriptors.
  RunResult storage = Reader({"open", kSet, "tcp_tune_conn"});
  EXPECT_EQ(storage.exit_code, 9) << storage.err;  // FAILED_PRECONDITION
  EXPECT_THAT(storage.err, HasSubstr("it is a sk_storage map"));
  EXPECT_EQ(storage.out, "");
}

TEST_F(HandlesTest, AReloadThatTakesTheGrantAwayRefusesTheNextRequest) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-reload", kHandleCounters));
  RunResult before = Reader({"open", kSet, "tcp_tune_counters"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy("")).ok());
  RunResult after = Reader({"open", kSet, "tcp_tune_counters"});
  EXPECT_EQ(after.exit_code, 7) << after.err;
  // Granted again: served again.
  ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy(kHandleCounters)).ok());
  RunResult again = Reader({"open", kSet, "tcp_tune_counters"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

}  // namespace
}  // namespace bpfwarden::testing
