// The ".bw_log_sites" section comes from objects ADMINs upload: any bytes
// must give an error, or sites whose every argument passes CheckLogArg and
// whose records (of the site's size) format.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "daemon/core/log_sites.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<bpfwarden::LogSites> sites = bpfwarden::ReadLogSites(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!sites.ok()) return 0;
  for (const auto& [id, site] : *sites) {
    for (const bpfwarden::LogArg& arg : site.args) {
      if (!bpfwarden::CheckLogArg(arg, site.record_size).ok()) {
        __builtin_trap();
      }
    }
    const std::string record(site.record_size, '\x7f');
    if (!bpfwarden::FormatLogRecord(site, record).ok()) __builtin_trap();
  }
  return 0;
}
