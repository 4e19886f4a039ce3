#include "client/status_command.h"

#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/attach_commands.h"
#include "client/entry_count.h"
#include "client/output/key_values.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"

namespace bpfwarden::cli {
namespace {

using output::OutputFormat;

// What the screen shows besides the StatusResponse.
struct Inventory {
  v1::ListProgramSetsResponse sets;
  v1::ListAttachmentsResponse attachments;
  v1::ListMapsResponse maps;
};

absl::StatusOr<Inventory> ReadInventory(ApiClient& client) {
  Inventory inventory;
  grpc::Status status = client.programs().List(
      client.Context().get(), v1::ListProgramSetsRequest(), &inventory.sets);
  if (status.ok()) {
    status = client.attachments().List(client.Context().get(),
                                       v1::ListAttachmentsRequest(),
                                       &inventory.attachments);
  }
  if (status.ok()) {
    status = client.maps().List(client.Context().get(), v1::ListMapsRequest(),
                                &inventory.maps);
  }
  if (!status.ok()) return FromGrpc(status);
  return inventory;
}

std::string Uptime(int64_t seconds) {
  const int64_t days = seconds / 86400, hours = seconds / 3600 % 24,
                minutes = seconds / 60 % 60;
  if (days > 0) return absl::StrCat(days, "d", hours, "h");
  if (hours > 0) return absl::StrCat(hours, "h", minutes, "m");
  if (minutes > 0) return absl::StrCat(minutes, "m", seconds % 60, "s");
  return absl::StrCat(seconds, "s");
}

// "btf_vmlinux bpffs prog:{sock_ops,cgroup_skb} map:{hash,ringbuf};
// missing: ..." (the prog_type_/map_type_ prefixes grouped).
std::string Features(const v1::StatusResponse& s) {
  std::vector<std::string> plain, progs, maps, missing;
  for (const v1::KernelFeature& f : s.kernel_features()) {
    absl::string_view name = f.name();
    if (!f.present()) {
      missing.push_back(f.name());
    } else if (absl::ConsumePrefix(&name, "prog_type_")) {
      progs.emplace_back(name);
    } else if (absl::ConsumePrefix(&name, "map_type_")) {
      maps.emplace_back(name);
    } else {
      plain.push_back(f.name());
    }
  }
  if (!progs.empty()) {
    plain.push_back(absl::StrCat("prog:{", absl::StrJoin(progs, ","), "}"));
  }
  if (!maps.empty()) {
    plain.push_back(absl::StrCat("map:{", absl::StrJoin(maps, ","), "}"));
  }
  std::string line = absl::StrJoin(plain, " ");
  if (!missing.empty()) {
    absl::StrAppend(&line, line.empty() ? "" : "; ",
                    "missing: ", absl::StrJoin(missing, " "));
  }
  return line.empty() ? "-" : line;
}

// "6.1.0-13-amd64, CONFIG_HZ 250 (measured), builtin object no_cmpxchg
// (...)": the release and what the daemon found out at start.
std::string KernelLine(const v1::StatusResponse& s) {
  std::string line = s.kernel_release();
  for (const v1::KernelFeature& f : s.kernel_features()) {
    if (f.name() == "kernel_hz") {
      absl::StrAppend(&line, ", CONFIG_HZ ",
                      f.present() ? f.detail() : "unknown: " + f.detail());
    } else if (f.name() == "builtin_variant") {
      absl::StrAppend(&line, ", builtin object ", f.detail());
    }
  }
  return line;
}

// "/run/bpfwarden/handles.sock (usable; you: 3 granted, 0 refused)", or
// "none": the read-handle socket, whether this kernel lets unprivileged
// readers use a handle, and the caller's own hand-overs.
std::string HandlesLine(const v1::StatusResponse& s) {
  if (s.handle_socket().empty()) return "none";
  std::string line = absl::StrCat(
      s.handle_socket(), " (",
      s.handles_usable() ? "usable" : "not usable: " + s.handles_probe());
  for (const v1::HandleCounts& c : s.handle_counts()) {
    absl::StrAppend(&line, "; ", c.other() ? "other uids" : absl::StrCat("uid ", c.uid()),
                    ": ", c.granted(), " granted, ", c.refused(), " refused");
  }
  return line + ")";
}

std::vector<std::string> Failures(const v1::StatusResponse& s,
                                  const Inventory& inventory) {
  std::vector<std::string> failures;
  for (const v1::ApplyFailure& f : s.apply_failures()) {
    failures.push_back(
        f.item().empty() ? f.error() : absl::StrCat(f.item(), ": ", f.error()));
  }
  if (s.apply_failure_count() >
      static_cast<uint32_t>(s.apply_failures_size())) {
    failures.push_back(absl::StrCat(
        s.apply_failure_count() - s.apply_failures_size(),
        " item(s) failed to apply at start or the last reload (listed for "
        "root only)"));
  }
  for (const v1::AttachmentInfo& a : inventory.attachments.attachments()) {
    if (a.defunct()) {
      failures.push_back(absl::StrCat(a.id(), " ", a.program_set(), "/",
                                      a.program(),
                                      ": defunct (its cgroup was removed)"));
    } else if (a.waiting()) {
      failures.push_back(absl::StrCat(a.id(), " ", a.program_set(), "/",
                                      a.program(), ": waiting for unit ",
                                      a.unit()));
    }
  }
  for (const v1::LogCounts& log : s.logs()) {
    if (log.dropped() > 0) {
      failures.push_back(absl::StrCat(log.program_set(), ": ", log.dropped(),
                                      " BPF log records dropped"));
    }
  }
  return failures;
}

void PrintPrograms(const Inventory& inventory, size_t width) {
  std::multimap<std::string, const v1::AttachmentInfo*> by_program;
  for (const v1::AttachmentInfo& a : inventory.attachments.attachments()) {
    by_program.emplace(absl::StrCat(a.program_set(), "/", a.program()), &a);
  }
  output::TableWriter table({{"SET"},
                             {"PROGRAM"},
                             {"TYPE"},
                             {.name = "ATTACHED TO", .keep_end = true}},
                            std::cout, width);
  for (const v1::ProgramSetInfo& set : inventory.sets.program_sets()) {
    for (const v1::ProgramInfo& p : set.programs()) {
      auto [begin, end] =
          by_program.equal_range(absl::StrCat(set.name(), "/", p.name()));
      std::vector<std::string> points;
      for (auto it = begin; it != end; ++it) {
        points.push_back(AttachPoint(*it->second));
      }
      table.AddRow({set.name(), p.name(), p.type(),
                    points.empty() ? "-" : absl::StrJoin(points, ", ")});
    }
  }
}

void PrintMaps(ApiClient& client, const Inventory& inventory, size_t width) {
  output::TableWriter table({{"SET"}, {"MAP"}, {"TYPE"}, {"ENTRIES/MAX", true}},
                            std::cout, width);
  for (const v1::MapInfo& m : inventory.maps.maps()) {
    absl::StatusOr<uint64_t> count =
        m.internal() || m.type() == "ringbuf"
            ? absl::StatusOr<uint64_t>(absl::UnimplementedError(""))
            : CountEntries(client, m.ref());
    table.AddRow({m.ref().program_set(), m.ref().map(), m.type(),
                  FillText(count, m.max_entries())});
  }
}

int Status(const Args&) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  ApiClient client = Client();
  v1::StatusResponse s;
  grpc::Status status =
      client.daemon().Status(client.Context().get(), v1::StatusRequest(), &s);
  if (!status.ok()) return FailCall(status, "status");
  if (!output::IsHumanFormat(format)) return PrintMessage(s, format);
  absl::StatusOr<Inventory> inventory = ReadInventory(client);
  if (!inventory.ok()) return Fail(inventory.status(), "status");
  const size_t width =
      format == OutputFormat::kWide ? 0 : output::TerminalWidth();
  const std::vector<std::string> failures = Failures(s, *inventory);
  output::PrintKeyValues(
      {{"bpfwardend", absl::StrCat(s.version(), " (", s.build_mode(), ")")},
       {"uptime", Uptime(s.uptime_seconds())},
       {"kernel", width == 0
                      ? KernelLine(s)
                      : output::CutToWidth(KernelLine(s),
                                           width > 12 ? width - 12 : width)},
       {"features",
        width == 0
            ? Features(s)
            : output::CutToWidth(Features(s), width > 12 ? width - 12 : width)},
       {"caller", s.caller()},
       {"handles",
        width == 0 ? HandlesLine(s)
                   : output::CutToWidth(HandlesLine(s),
                                        width > 12 ? width - 12 : width)},
       {"counts", absl::StrCat(s.program_sets(), " sets, ", s.attachments(),
                               " attachments (", s.foreign_attachments(),
                               " foreign), ", s.maps(), " maps")},
       {"failures", failures.empty() ? "none" : absl::StrCat(failures.size())}},
      std::cout);
  for (const std::string& failure : failures) {
    std::cout << "  " << failure << "\n";
  }
  std::cout << "\n";
  PrintPrograms(*inventory, width);
  std::cout << "\n";
  PrintMaps(client, *inventory, width);
  return kExitOk;
}

}  // namespace

const Command kStatusCommand = {
    "status",
    "status",
    "the daemon on one screen: sets, attachments, map fill",
    "-o json: the whole Daemon.Status answer, as the API gives it.",
    "bpfwarden status\nbpfwarden status -o json",
    0,
    0,
    Status};

}  // namespace bpfwarden::cli
