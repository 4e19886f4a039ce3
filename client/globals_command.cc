#include "client/globals_command.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli_status.h"
#include "client/open_source.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"
#include "client/output_flags.h"
#include "client/query/values.h"
#include "daemon/btf/json.h"

ABSL_FLAG(std::string, set, "",
          "globals: NAME=VALUE writes one .bss or .data variable (VALUE is "
          "JSON, or text for a char array)");

namespace bpfwarden::cli {
namespace {

// One section map of the set, its value read.
struct Section {
  std::string name;  // ".bss"
  MapTarget target;
  Json layout;  // the DATASEC's layout: fields are the variables
  Json value;   // object by variable name
};

std::string SectionOf(const std::string& map) {
  for (const char* s : {".bss", ".data", ".rodata", ".kconfig"}) {
    if (absl::EndsWith(map, s)) return s;
  }
  return "";
}

bool Writable(const std::string& section) {
  return section == ".bss" || section == ".data";
}

absl::StatusOr<std::vector<Section>> ReadSections(MapSource& source,
                                                  const std::string& set) {
  absl::StatusOr<std::vector<v1::MapInfo>> maps = source.List(set);
  if (!maps.ok()) return maps.status();
  std::vector<Section> out;
  for (const v1::MapInfo& info : *maps) {
    Section s{.name = SectionOf(info.ref().map()),
              .target = {.set = set, .map = info.ref().map(), .pin_path = {}}};
    if (s.name.empty()) continue;
    absl::StatusOr<v1::MapInfo> described = source.Get(s.target);  // layouts
    if (!described.ok()) return described.status();
    if (described->value_layout().empty()) continue;
    absl::StatusOr<Json> layout =
        ParseJson(described->value_layout(), "layout");
    if (!layout.ok()) return layout.status();
    absl::StatusOr<v1::Entry> entry = source.Lookup(s.target, v1::Data());
    if (!entry.ok()) return entry.status();
    absl::StatusOr<Json> value = ParseJson(entry->value().json(), "value");
    if (!value.ok()) return value.status();
    s.layout = *std::move(layout);
    s.value = *std::move(value);
    out.push_back(std::move(s));
  }
  if (out.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "set ", set, " has no global variables",
        DirectMode() ? " that --direct can see: .bss, .data and .rodata maps "
                       "are never pinned; ask the daemon (leave out --direct)"
                     : " (no .bss, .data, .rodata or .kconfig map)"));
  }
  return out;
}

int Print(const std::vector<Section>& sections) {
  absl::StatusOr<output::PrintOptions> options = PrintOptionsFromFlags();
  if (!options.ok()) return FailWith(options.status());
  if (output::IsHumanFormat(options->format)) {
    const size_t width = options->format == output::OutputFormat::kWide
                             ? 0
                             : output::TerminalWidth();
    output::TableWriter table({{.name = "SECTION"},
                               {.name = "VARIABLE"},
                               {.name = "TYPE"},
                               {.name = "VALUE"}},
                              std::cout, width);
    for (const Section& s : sections) {
      for (const Json& var : s.layout.value("fields", Json::array())) {
        const std::string name = var.value("name", "");
        table.AddRow({s.name, name, var.value("type", ""),
                      PlainText(s.value.value(name, Json()))});
      }
    }
    table.Finish();
    return 0;
  }
  Json all = Json::array();
  for (const Section& s : sections) {
    for (const Json& var : s.layout.value("fields", Json::array())) {
      const std::string name = var.value("name", "");
      Json row = {{"section", s.name}, {"map", s.target.map}, {"name", name},
                  {"type", var.value("type", "")},
                  {"value", s.value.value(name, Json())}};
      if (options->format == output::OutputFormat::kJson) {
        all.push_back(std::move(row));
      } else {
        std::cout << DumpJson(row) << "\n";
      }
    }
  }
  if (options->format == output::OutputFormat::kJson) {
    std::cout << all.dump(1) << "\n";
  }
  return 0;
}

absl::Status SetVariable(MapSource& source, std::vector<Section>& sections,
                         const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--set '", assignment, "': want NAME=VALUE"));
  }
  const std::string name = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  std::vector<std::string> names;
  for (Section& s : sections) {
    if (!s.value.contains(name)) {
      for (const auto& [n, v] : s.value.items()) names.push_back(n);
      continue;
    }
    if (!Writable(s.name)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--set ", name, ": it is in ", s.name, ", which is read-only: the "
          "kernel froze the map at load, and the verifier may have used its "
          "value as a constant. Set it when the set is loaded (globals { "
          "name: \"", name, "\" ... } in the set's configuration)"));
    }
    absl::StatusOr<Json> value = ParseJson(text, name);
    // Not JSON: the text itself, for char arrays and enums.
    s.value[name] = value.ok() ? *std::move(value) : Json(text);
    v1::Entry entry;
    entry.mutable_value()->set_json(DumpJson(s.value));
    return source.Update(s.target, entry, v1::ANY, /*zero_fill=*/false);
  }
  return absl::NotFoundError(absl::StrCat("--set: no variable '", name,
                                          "'; the set has ",
                                          absl::StrJoin(names, ", ")));
}

}  // namespace

int GlobalsCommand(const std::vector<std::string>& args) {
  absl::StatusOr<std::unique_ptr<MapSource>> source = OpenSource();
  if (!source.ok()) return FailWith(source.status());
  absl::StatusOr<std::vector<Section>> sections =
      ReadSections(**source, args[0]);
  if (!sections.ok()) return FailWith(sections.status());
  const std::string assignment = absl::GetFlag(FLAGS_set);
  if (!assignment.empty()) {
    absl::Status s = SetVariable(**source, *sections, assignment);
    if (!s.ok()) return FailWith(s);
    sections = ReadSections(**source, args[0]);  // what the map holds now
    if (!sections.ok()) return FailWith(sections.status());
  }
  return Print(*sections);
}

}  // namespace bpfwarden::cli
