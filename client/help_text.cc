#include "client/help_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "client/commands.h"
#include "client/flag_list.h"

namespace bpfwarden::cli {
namespace {

constexpr char kIntro[] =
    "bpfwarden: inspect pinned BPF maps and drive bpfwardend.\n";

constexpr char kOutputHelp[] =
    "Output (every command that prints data):\n"
    "  -o table  the default: columns fitted to the terminal, cut with ...,\n"
    "            counters grouped (1,234,567), per-CPU values summed\n"
    "  -o wide   the same columns, never cut, numbers bare\n"
    "  -o json   one JSON document, the API's JSON forms\n"
    "  -o jsonl  one JSON object a line, the API's JSON forms\n"
    "  -o raw    keys and values as hex bytes\n"
    "  --per-cpu one row per CPU for per-CPU maps\n";

constexpr char kConnectionHelp[] =
    "Talks to bpfwardend on --socket (default /run/bpfwarden/api.sock),\n"
    "each call within --timeout (default 30s).\n";

std::string Indent(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (std::string& line : lines) {
    if (!line.empty()) line = prefix + line;
  }
  return absl::StrJoin(lines, "\n");
}

std::string Roff(const std::string& text) {
  std::string out = absl::StrReplaceAll(text, {{"\\", "\\e"}, {"-", "\\-"}});
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  for (std::string& line : lines) {
    if (!line.empty() && (line[0] == '.' || line[0] == '\'')) {
      line = "\\&" + line;
    }
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace

std::string GeneralHelp() {
  size_t width = 0;
  for (const Command* c : AllCommands()) {
    width = std::max(width, std::string(c->synopsis).size());
  }
  std::string text = absl::StrCat(
      kIntro, "\nUsage: bpfwarden [FLAGS] COMMAND [ARGS]\n"
              "       bpfwarden COMMAND --help   (or: bpfwarden help COMMAND)\n"
              "\nCommands:\n");
  for (const Command* c : AllCommands()) {
    const std::string synopsis = c->synopsis;
    absl::StrAppend(&text, "  ", synopsis,
                    std::string(width - synopsis.size() + 2, ' '), c->summary,
                    "\n");
  }
  absl::StrAppend(&text, "\n", kOutputHelp, "\n", kConnectionHelp, "\n",
                  kExitCodesHelp,
                  "\nExamples:\n"
                  "  bpfwarden status\n"
                  "  bpfwarden dump bpfwarden tcp_stats\n"
                  "  bpfwarden map bpfwarden tcp_stats\n");
  return text;
}

std::string CommandHelp(const Command& c) {
  std::string text =
      absl::StrCat("Usage: bpfwarden ", c.synopsis, "\n\n", c.summary, "\n");
  if (*c.help != '\0') absl::StrAppend(&text, "\n", Indent(c.help, "  "), "\n");
  absl::StrAppend(&text, "\nExample:\n", Indent(c.example, "  "), "\n\n",
                  kOutputHelp, "\n", kExitCodesHelp);
  return text;
}

std::string ManPage() {
  std::string page =
      ".TH BPFWARDEN 1 \"\" \"bpfwarden\" \"User Commands\"\n"
      ".SH NAME\nbpfwarden \\- inspect pinned BPF maps and drive bpfwardend\n"
      ".SH SYNOPSIS\n.B bpfwarden\n[\\fIFLAGS\\fR] \\fICOMMAND\\fR "
      "[\\fIARGS\\fR]\n"
      ".SH DESCRIPTION\n";
  absl::StrAppend(&page, Roff(kConnectionHelp), ".SH COMMANDS\n");
  for (const Command* c : AllCommands()) {
    absl::StrAppend(&page, ".TP\n.B ", Roff(c->synopsis), "\n",
                    Roff(c->summary), "\n");
    if (*c->help != '\0') {
      absl::StrAppend(&page, ".RS\n.nf\n", Roff(c->help), "\n.fi\n.RE\n");
    }
    absl::StrAppend(&page, ".RS\nExample:\n.nf\n", Roff(c->example),
                    "\n.fi\n.RE\n");
  }
  absl::StrAppend(&page, ".SH OUTPUT\n.nf\n", Roff(kOutputHelp), ".fi\n",
                  ".SH OPTIONS\n");
  for (const FlagDoc& flag : ClientFlags()) {
    const std::string dashes = flag.name.size() == 1 ? "\\-" : "\\-\\-";
    absl::StrAppend(&page, ".TP\n.B ", dashes,
                    Roff(absl::StrReplaceAll(flag.name, {{"_", "-"}})), "\n",
                    Roff(flag.help),
                    flag.default_value.empty()
                        ? ""
                        : absl::StrCat(" (default: ", Roff(flag.default_value),
                                       ")"),
                    "\n");
  }
  absl::StrAppend(&page, ".SH EXIT STATUS\n.nf\n", Roff(kExitCodesHelp),
                  ".fi\n.SH SEE ALSO\nbpftool(8), bpfwardend(8)\n");
  return page;
}

}  // namespace bpfwarden::cli
