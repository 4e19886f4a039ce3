#include "tests/bpf/tune_rules.h"

#include <arpa/inet.h>

#include <cstring>
#include <fstream>

#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace bpfwarden::testing {

tcp_tune_key Ipv4Prefix(const char* addr, uint32_t len) {
  tcp_tune_key key{.prefixlen = 96 + len};
  key.addr[10] = key.addr[11] = 0xff;
  EXPECT_EQ(inet_pton(AF_INET, addr, &key.addr[12]), 1) << addr;
  return key;
}

tcp_tune_key Ipv6Prefix(const char* addr, uint32_t len) {
  tcp_tune_key key{.prefixlen = len};
  EXPECT_EQ(inet_pton(AF_INET6, addr, key.addr), 1) << addr;
  return key;
}

tcp_tune_rule Rule(uint32_t id, const std::string& congestion, uint32_t rto_ms,
                   uint32_t rwnd_segments) {
  tcp_tune_rule rule{.rule_id = id,
                     .initial_rto_ms = rto_ms,
                     .initial_rwnd_segments = rwnd_segments};
  std::strncpy(rule.congestion, congestion.c_str(),
               sizeof(rule.congestion) - 1);
  return rule;
}

std::string DefaultCongestion() {
  std::ifstream in("/proc/sys/net/ipv4/tcp_congestion_control");
  std::string text;
  std::getline(in, text);
  return std::string(absl::StripAsciiWhitespace(text));
}

std::string NonDefaultCongestion() {
  return DefaultCongestion() == "reno" ? "cubic" : "reno";
}

}  // namespace bpfwarden::testing
