// Writes to maps whose values carry a file descriptor (issue 20, finding
// 11): device maps (DEVMAP, DEVMAP_HASH: a program fd beside the ifindex),
// CPU maps (a program fd beside the queue size) and program arrays are
// refused with FAILED_PRECONDITION naming file descriptors, and nothing is
// written. (STRUCT_OPS maps, whose values hold program fds too, need a
// kernel struct_ops type to load and are not covered here.)
#include <cstring>
#include <string>

#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

class FdValueMapsTest : public ApiFixture {};

// `n` bytes: the little-endian u32 `first`, then zeros.
std::string U32Then(uint32_t first, size_t n) {
  std::string out(n, '\0');
  std::memcpy(out.data(), &first, sizeof(first));
  return out;
}

TEST_F(FdValueMapsTest, WritesOfFdCarryingValuesAreRefused) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-fd-values"));
  v1::LoadRequest load;
  load.mutable_program_set()->set_name("fdv");
  load.mutable_program_set()->add_objects(
      Runfile("tests/api/api_fd_values.bpf.o"));
  v1::LoadResponse loaded;
  grpc::Status s = programs_->Load(Ctx().get(), load, &loaded);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // The value's second u32 is a program fd: 0 means none, so each write
  // below would be taken by the kernel (ifindex 1 is lo; a queue of 192 on
  // CPU 0), and a client could as well name one of the daemon's fds.
  struct Case {
    const char* map;
    std::string value;
  };
  for (const Case& c :
       {Case{"devices", U32Then(1, 8)}, Case{"devices_by_index", U32Then(1, 8)},
        Case{"cpus", U32Then(192, 8)}, Case{"programs", U32Then(3, 4)}}) {
    v1::UpdateRequest update;
    update.mutable_map()->set_program_set("fdv");
    update.mutable_map()->set_map(c.map);
    v1::Entry* e = update.add_entries();
    e->mutable_key()->set_raw(U32Then(0, 4));
    e->mutable_value()->set_raw(c.value);
    v1::UpdateResponse updated;
    EXPECT_THAT(
        maps_->Update(Ctx().get(), update, &updated),
        StatusIs(absl::StatusCode::kFailedPrecondition, "file descriptors"))
        << c.map;
    EXPECT_EQ(updated.updated(), 0u) << c.map;
  }
  // The daemon keeps serving.
  v1::StatusResponse status;
  EXPECT_TRUE(status_->Status(Ctx().get(), v1::StatusRequest(), &status).ok());
}

}  // namespace
}  // namespace bpfwarden::testing
