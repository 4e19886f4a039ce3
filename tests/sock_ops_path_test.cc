// The whole path on a real kernel, with libbpf alone: load the linked
// default object, attach its sock_ops program to a fresh cgroup through a
// bpf_link, drive loopback TCP from inside that cgroup, read the counts,
// detach, and check the kernel reports nothing left attached.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "bpf/include/tcp_stats.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/default_object.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::AttachedProgramIds;
using ::bpfwarden::testing::RunTcpExchangeIn;
using ::bpfwarden::testing::ScopedCgroup;
using ::bpfwarden::testing::ScopedPinDir;
using ::bpfwarden::testing::TcpExchange;

TEST(SockOpsPathTest, LoadAttachCountDetach) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create("sockops-path");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto cgroup = ScopedCgroup::Create("sockops-path");
  ASSERT_TRUE(cgroup.ok()) << cgroup.status();

  // The variant this kernel takes (no_cmpxchg before 5.12) with CONFIG_HZ
  // given, so that libbpf needs no kernel config file.
  auto obj = testing::DefaultObject::Load(*pins);
  ASSERT_TRUE(obj.ok()) << obj.status();

  bpf_program* prog =
      bpf_object__find_program_by_name(obj->get(), "tcp_stats_sockops");
  ASSERT_NE(prog, nullptr);
  bpf_map* map = bpf_object__find_map_by_name(obj->get(), "tcp_stats");
  ASSERT_NE(map, nullptr);
  // LIBBPF_PIN_BY_NAME put the map under our pin root.
  EXPECT_EQ(std::string(bpf_map__pin_path(map)), pins->path() + "/tcp_stats");

  UniqueFd cgroup_fd(
      ::open(cgroup->path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(cgroup_fd.valid());
  BpfLinkPtr link(bpf_program__attach_cgroup(prog, cgroup_fd.get()));
  ASSERT_NE(link, nullptr) << "attach: " << std::strerror(errno);

  auto attached = AttachedProgramIds(cgroup->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(attached.ok()) << attached.status();
  bpf_prog_info info{};
  uint32_t info_len = sizeof(info);
  ASSERT_EQ(bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &info_len), 0);
  EXPECT_EQ(*attached, std::vector<uint32_t>{info.id});

  constexpr int kConnections = 3;
  auto exchange =
      RunTcpExchangeIn(*cgroup, TcpExchange{.family = AF_INET,
                                            .connections = kConnections,
                                            .bytes_per_connection = 1000});
  ASSERT_TRUE(exchange.ok()) << exchange.status();

  // Client side: one entry for the server's address and port, with every
  // connect counted. Server side: one entry for its own port, with every
  // accept counted.
  uint64_t active = 0, passive = 0, established = 0, server_entries = 0;
  // 127.0.0.1, stored IPv4-mapped.
  const uint8_t loopback[16] = {0, 0, 0,    0,    0,   0, 0, 0,
                                0, 0, 0xff, 0xff, 127, 0, 0, 1};
  for (const auto& [key, value] :
       testing::MapEntries<tcp_stats_key, tcp_stats_value>(bpf_map__fd(map))) {
    if (key.cgroup_id != cgroup->id()) continue;
    ASSERT_EQ(key.family, AF_INET);
    ASSERT_EQ(std::memcmp(key.remote_addr, loopback, 16), 0);
    active += value.active_opens;
    passive += value.passive_opens;
    established += value.established;
    if (key.direction == TCP_STATS_INITIATED) {
      EXPECT_EQ(key.remote_port, exchange->server_port);
      EXPECT_EQ(value.active_opens, kConnections);
      EXPECT_EQ(value.passive_opens, 0u);
    } else {
      ++server_entries;
      EXPECT_EQ(key.local_port, exchange->server_port);
      EXPECT_EQ(value.passive_opens, kConnections);
    }
  }
  EXPECT_EQ(server_entries, 1u);
  EXPECT_EQ(active, kConnections);
  EXPECT_EQ(passive, kConnections);
  EXPECT_EQ(established, 2u * kConnections);

  // Closing the link detaches: the kernel reports nothing on the cgroup.
  link.reset();
  attached = AttachedProgramIds(cgroup->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_TRUE(attached->empty());
}

}  // namespace
}  // namespace bpfwarden
