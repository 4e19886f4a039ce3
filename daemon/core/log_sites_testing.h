// Log sites made by hand, for tests and fuzz seeds: the bytes of one
// struct bw_log_site with its file and format, and a minimal ELF object
// whose ".bw_log_sites" section holds given bytes.
#ifndef BPFWARDEN_DAEMON_CORE_LOG_SITES_TESTING_H_
#define BPFWARDEN_DAEMON_CORE_LOG_SITES_TESTING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "daemon/core/log_sites.h"

namespace bpfwarden::testing {

// A site of file "t.bpf.c", line 12, level WARN, padded to 4 bytes as the
// linker pads; the fields are written as given, unchecked.
std::string LogSiteBytes(uint32_t id, absl::string_view format,
                         const std::vector<LogArg>& args, uint16_t record_size);

// A 64-bit ELF object of three sections: none, ".bw_log_sites" holding
// `sites`, and the section names.
std::string ElfWithLogSites(absl::string_view sites);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_DAEMON_CORE_LOG_SITES_TESTING_H_
