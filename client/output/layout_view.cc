#include "client/output/layout_view.h"

#include <linux/bpf.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli::output {
namespace {

constexpr size_t kDeclWidth = 48;  // declarations are padded to this column

// "__u8[16]" + "remote_addr" -> "__u8", "remote_addr[16]": C puts array
// bounds after the name.
std::pair<std::string, std::string> SplitArray(const std::string& type,
                                               const std::string& name) {
  const size_t bracket = type.find('[');
  if (bracket == std::string::npos) return {type, name};
  return {type.substr(0, bracket), name + type.substr(bracket)};
}

std::string Comment(const Json& field, uint32_t offset) {
  const uint32_t size = field.value("size", 0u);
  if (field.contains("bit_size")) {
    const uint32_t bit_offset = field.value("bit_offset", 0u);
    return absl::StrFormat("/* %5u:%-2u %5u */", offset, bit_offset % 8,
                           size);
  }
  return absl::StrFormat("/* %5u %5u */", offset, size);
}

std::string Note(const Json& field) {
  const std::string kind = field.value("kind", "");
  if (kind == "ip_addr") return " address";
  if (kind == "enum" && field.contains("enumerators")) {
    std::vector<std::string> names;
    for (const auto& [name, value] : field["enumerators"].items()) {
      names.push_back(absl::StrCat(name, "=", DumpJson(value)));
    }
    return absl::StrCat(" ", absl::StrJoin(names, ", "));
  }
  return "";
}

void Line(std::string decl, const std::string& comment,
          std::vector<std::string>& out) {
  if (decl.size() < kDeclWidth) decl.append(kDeclWidth - decl.size(), ' ');
  out.push_back(absl::StrCat(decl, " ", comment));
}

bool IsAggregate(const Json& layout) {
  const std::string kind = layout.value("kind", "");
  return (kind == "struct" || kind == "union") && layout.contains("fields");
}

void Members(const Json& layout, uint32_t base, int depth,
             std::vector<std::string>& out) {
  const std::string indent(8 * depth, ' ');
  for (const Json& field : layout["fields"]) {
    const std::string name = field.value("name", "");
    const uint32_t offset = base + field.value("offset", 0u);
    auto [type, declarator] = SplitArray(field.value("type", ""), name);
    if (field.contains("bit_size")) {
      absl::StrAppend(&declarator, ":", field.value("bit_size", 0u));
    }
    if (IsAggregate(field)) {
      out.push_back(absl::StrCat(indent, type, " {"));
      Members(field, offset, depth + 1, out);
      Line(absl::StrCat(indent, "} ", declarator, ";"),
           Comment(field, offset), out);
      continue;
    }
    Line(absl::StrCat(indent, absl::StrFormat("%-24s ", type), declarator,
                      ";"),
         absl::StrCat(Comment(field, offset), Note(field)), out);
  }
}

}  // namespace

absl::StatusOr<std::string> LayoutTree(absl::string_view layout_json) {
  absl::StatusOr<Json> layout = ParseJson(layout_json, "layout");
  if (!layout.ok()) return layout.status();
  const std::string type = layout->value("type", "");
  const uint32_t size = layout->value("size", 0u);
  std::vector<std::string> lines;
  if (!IsAggregate(*layout)) {
    auto [base, declarator] = SplitArray(type, layout->value("name", ""));
    Line(absl::StrCat(base, " ", declarator, ";"),
         absl::StrCat(Comment(*layout, 0), Note(*layout)), lines);
    return absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
  }
  lines.push_back(absl::StrCat(type, " {"));
  Members(*layout, 0, 1, lines);
  Line("};", absl::StrFormat("/* size: %u */", size), lines);
  return absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
}

std::string MapFlagNames(uint32_t flags) {
  static const std::pair<uint32_t, const char*> kFlags[] = {
      {BPF_F_NO_PREALLOC, "no_prealloc"},
      {BPF_F_NO_COMMON_LRU, "no_common_lru"},
      {BPF_F_NUMA_NODE, "numa_node"},
      {BPF_F_RDONLY, "rdonly"},
      {BPF_F_WRONLY, "wronly"},
      {BPF_F_STACK_BUILD_ID, "stack_build_id"},
      {BPF_F_ZERO_SEED, "zero_seed"},
      {BPF_F_RDONLY_PROG, "rdonly_prog"},
      {BPF_F_WRONLY_PROG, "wronly_prog"},
      {BPF_F_CLONE, "clone"},
      {BPF_F_MMAPABLE, "mmapable"},
      {BPF_F_PRESERVE_ELEMS, "preserve_elems"},
      {BPF_F_INNER_MAP, "inner_map"},
  };
  if (flags == 0) return "0";
  std::vector<std::string> names;
  for (const auto& [bit, name] : kFlags) {
    if (flags & bit) {
      names.push_back(name);
      flags &= ~bit;
    }
  }
  if (flags != 0) names.push_back(absl::StrFormat("0x%x", flags));
  return absl::StrJoin(names, "|");
}

}  // namespace bpfwarden::cli::output
