// Building tcp_tune rules in tests, and the host's congestion control
// settings they are checked against.
#ifndef BPFWARDEN_TESTS_BPF_TUNE_RULES_H_
#define BPFWARDEN_TESTS_BPF_TUNE_RULES_H_

#include <cstdint>
#include <string>

#include "bpf/include/tcp_tune.h"

namespace bpfwarden::testing {

// a.b.c.d/len as the trie stores it: ::ffff:a.b.c.d/(96 + len).
tcp_tune_key Ipv4Prefix(const char* addr, uint32_t len);
tcp_tune_key Ipv6Prefix(const char* addr, uint32_t len);

tcp_tune_rule Rule(uint32_t id, const std::string& congestion,
                   uint32_t rto_ms = 0, uint32_t rwnd_segments = 0);

// net.ipv4.tcp_congestion_control.
std::string DefaultCongestion();
// A congestion control other than the default, so that applying it is
// observable: reno, unless reno is the default (then cubic).
std::string NonDefaultCongestion();

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_BPF_TUNE_RULES_H_
