#include "client/attach_commands.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"

ABSL_FLAG(std::string, attach_type, "",
          "attach: the attach type (libbpf's name); default: the program's own");
ABSL_FLAG(bool, pinned, false, "attach: pin the link so it outlives a restart");
ABSL_FLAG(std::string, unit, "",
          "attach: the systemd unit whose cgroup to attach to, instead of a "
          "CGROUP argument; the attachment follows the unit's restarts");
ABSL_FLAG(bool, foreign, false,
          "attachments: include those made by other tools");

namespace bpfwarden::cli {
namespace {

using output::OutputFormat;

std::string Notes(const v1::AttachmentInfo& a) {
  std::vector<std::string> notes;
  if (a.foreign()) notes.push_back("foreign");
  if (a.pinned()) notes.push_back("pinned");
  if (a.waiting()) notes.push_back("waiting");
  if (a.defunct()) notes.push_back("defunct");
  return absl::StrJoin(notes, ",");
}

void PrintTable(const std::vector<const v1::AttachmentInfo*>& list,
                OutputFormat format) {
  output::TableWriter table(
      {{"ID"},
       {"SET"},
       {"PROGRAM"},
       {.name = "ATTACHED TO", .keep_end = true},
       {"NOTES"},
       {"TYPE"},
       {"PROG ID", true},
       {"LINK ID", true}},
      std::cout,
      format == OutputFormat::kWide ? 0 : output::TerminalWidth());
  for (const v1::AttachmentInfo* a : list) {
    table.AddRow({a->id().empty() ? "-" : a->id(),
                  a->program_set().empty() ? "-" : a->program_set(),
                  a->program(), AttachPoint(*a), Notes(*a), a->attach_type(),
                  absl::StrCat(a->program_id()),
                  a->link_id() == 0 ? "-" : absl::StrCat(a->link_id())});
  }
}

int Attach(const Args& args) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  v1::AttachRequest request;
  v1::Attachment* attachment = request.mutable_attachment();
  attachment->set_program_set(args[0]);
  attachment->set_program(args[1]);
  const std::string unit = absl::GetFlag(FLAGS_unit);
  if (unit.empty() == (args.size() == 2)) {
    return UsageError("attach", "give either a CGROUP argument or --unit=UNIT");
  }
  if (unit.empty()) {
    attachment->set_cgroup(args[2]);
  } else {
    attachment->set_unit(unit);
  }
  attachment->set_attach_type(absl::GetFlag(FLAGS_attach_type));
  attachment->set_pinned(absl::GetFlag(FLAGS_pinned));
  ApiClient client = Client();
  v1::AttachResponse response;
  grpc::Status status =
      client.attachments().Attach(client.Context().get(), request, &response);
  if (!status.ok()) {
    return FailCall(status,
                    absl::StrCat("attach ", args[0], "/", args[1], " to ",
                                 unit.empty() ? args[2] : unit));
  }
  if (!output::IsHumanFormat(format)) return PrintMessage(response, format);
  const v1::AttachmentInfo& a = response.attachment();
  std::cout << "attached " << a.program_set() << "/" << a.program() << " to "
            << AttachPoint(a) << " as " << a.attach_type() << " (" << a.id()
            << (a.link_id() != 0 ? absl::StrCat(", link ", a.link_id()) : "")
            << (a.pinned() ? ", pinned" : "") << ")\n";
  return kExitOk;
}

int Detach(const Args& args) {
  v1::DetachRequest request;
  request.set_id(args[0]);
  ApiClient client = Client();
  v1::DetachResponse response;
  grpc::Status status =
      client.attachments().Detach(client.Context().get(), request, &response);
  if (!status.ok()) return FailCall(status, absl::StrCat("detach ", args[0]));
  std::cout << "detached " << args[0] << "\n";
  return kExitOk;
}

int Attachments(const Args& args) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  v1::ListAttachmentsRequest request;
  if (!args.empty()) request.set_cgroup(args[0]);
  request.set_include_foreign(absl::GetFlag(FLAGS_foreign));
  ApiClient client = Client();
  v1::ListAttachmentsResponse response;
  grpc::Status status =
      client.attachments().List(client.Context().get(), request, &response);
  if (!status.ok()) return FailCall(status, "list attachments");
  if (!output::IsHumanFormat(format)) {
    return PrintList(response, response.attachments(), format);
  }
  std::vector<const v1::AttachmentInfo*> list;
  for (const auto& a : response.attachments()) list.push_back(&a);
  PrintTable(list, format);
  return kExitOk;
}

}  // namespace

std::string AttachPoint(const v1::AttachmentInfo& a) {
  if (a.unit().empty()) return a.cgroup();
  return absl::StrCat(a.unit(), " (",
                      a.cgroup().empty() ? "waiting" : a.cgroup(), ")");
}

const Command kAttachCommand = {
    "attach", "attach SET PROGRAM CGROUP",
    "attach a program to a cgroup (or --unit) by bpf_link",
    "--unit=UNIT        attach to a systemd unit's cgroup, following its "
    "restarts\n"
    "--attach_type=T    the attach type (default: the program's own)\n"
    "--pinned           pin the link so it outlives a daemon restart",
    "bpfwarden attach bpfwarden tcp_stats_sockops /sys/fs/cgroup/unified\n"
    "bpfwarden attach bpfwarden tcp_stats_sockops --unit=nginx.service",
    2, 3, Attach};

const Command kDetachCommand = {
    "detach", "detach ID", "detach one of the daemon's attachments", "",
    "bpfwarden detach att-3f2a9c0d1e4b5a67", 1, 1, Detach};

const Command kAttachmentsCommand = {
    "attachments", "attachments [CGROUP]", "the daemon's attachments",
    "--foreign  also those made by other tools (bpftool, ...)",
    "bpfwarden attachments --foreign", 0, 1, Attachments};

}  // namespace bpfwarden::cli
