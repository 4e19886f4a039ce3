#include "client/open_source.h"

#include <unistd.h>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/daemon_source.h"
#include "client/direct/direct_source.h"

ABSL_DECLARE_FLAG(std::string, socket);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(std::string, pin_root);
ABSL_DECLARE_FLAG(uint32_t, page_size);
ABSL_FLAG(bool, direct, false,
          "read pinned maps straight from bpffs, without the daemon (root "
          "only; read-only unless --allow-write)");
ABSL_FLAG(bool, allow_write, false,
          "--direct: allow writes (globals --set) to pinned maps");

namespace bpfwarden::cli {

bool DirectMode() { return absl::GetFlag(FLAGS_direct); }

absl::StatusOr<std::unique_ptr<MapSource>> OpenSource() {
  if (!DirectMode()) {
    return std::unique_ptr<MapSource>(
        new DaemonSource(absl::GetFlag(FLAGS_socket),
                         absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout)),
                         absl::GetFlag(FLAGS_pin_root),
                         absl::GetFlag(FLAGS_page_size)));
  }
  if (geteuid() != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "--direct reads pinned maps with bpf(2), which needs root (uid ",
        geteuid(), " is not): run it with sudo, or leave out --direct to ask "
        "the daemon"));
  }
  return std::unique_ptr<MapSource>(new DirectSource(
      absl::GetFlag(FLAGS_pin_root), absl::GetFlag(FLAGS_allow_write)));
}

absl::StatusOr<MapTarget> TargetOf(const std::vector<std::string>& args) {
  return TargetFromArgs(args, absl::GetFlag(FLAGS_pin_root));
}

absl::StatusOr<OpenedMap> OpenMap(const std::vector<std::string>& args) {
  OpenedMap out;
  absl::StatusOr<MapTarget> target = TargetOf(args);
  if (!target.ok()) return target.status();
  out.target = *std::move(target);
  absl::StatusOr<std::unique_ptr<MapSource>> source = OpenSource();
  if (!source.ok()) return source.status();
  out.source = *std::move(source);
  absl::StatusOr<v1::MapInfo> info = out.source->Get(out.target);
  if (!info.ok()) return info.status();
  out.info = *std::move(info);
  return out;
}

absl::Status UpdateEntry(const std::vector<std::string>& args,
                         const v1::Entry& entry, v1::UpdateFlag flag,
                         bool zero_fill) {
  absl::StatusOr<MapTarget> target = TargetOf(args);
  if (!target.ok()) return target.status();
  absl::StatusOr<std::unique_ptr<MapSource>> source = OpenSource();
  if (!source.ok()) return source.status();
  return (*source)->Update(*target, entry, flag, zero_fill);
}

}  // namespace bpfwarden::cli
