// A map's key or value layout as a C-like tree with offsets and sizes, the
// way pahole shows a struct:
//
//   struct tcp_stats_key {
//           __u8                     family;           /*     0     1 */
//           enum tcp_stats_direction direction;        /*     1     1 */
//           ...
//   };                                                 /* size: 32 */
#ifndef BPFWARDEN_CLIENT_OUTPUT_LAYOUT_VIEW_H_
#define BPFWARDEN_CLIENT_OUTPUT_LAYOUT_VIEW_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bpfwarden::cli::output {

// `layout_json` is MapInfo.key_layout or value_layout (the codec's layout
// JSON). Offsets are from the start of the key or value; enums list their
// enumerators; address fields are marked.
absl::StatusOr<std::string> LayoutTree(absl::string_view layout_json);

// BPF_F_* map flags by name, "0" for none, unknown bits in hex.
std::string MapFlagNames(uint32_t flags);

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_LAYOUT_VIEW_H_
