// BashCompletion(): generated from the Command table's synopses (SET and MAP
// arguments complete from the daemon, OBJECT from files, CGROUP from
// directories) and the flags.
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/commands.h"
#include "client/flag_list.h"
#include "client/help_text.h"

namespace bpfwarden::cli {
namespace {

// "dump SET MAP" -> "dump) kinds=(set map) ;;"
std::string CaseOf(const Command& c) {
  std::vector<std::string> kinds;
  std::vector<std::string> words = absl::StrSplit(c.synopsis, ' ');
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string w(absl::StripPrefix(words[i], "["));
    if (w.rfind("SET", 0) == 0) {
      kinds.push_back("set");
    } else if (w.rfind("MAP", 0) == 0) {
      kinds.push_back("map");
    } else if (w.rfind("OBJECT", 0) == 0) {
      kinds.push_back("file");
    } else if (w.find("CGROUP") != std::string::npos) {
      kinds.push_back("dir");
    } else if (w.rfind("COMMAND", 0) == 0) {
      kinds.push_back("command");
    } else {
      kinds.push_back("none");
    }
  }
  return absl::StrCat("    ", c.name, ") kinds=(", absl::StrJoin(kinds, " "),
                      ") ;;\n");
}

}  // namespace

std::string BashCompletion() {
  std::vector<std::string> names, flags;
  for (const Command* c : AllCommands()) names.push_back(c->name);
  for (const FlagDoc& f : ClientFlags()) {
    flags.push_back(absl::StrCat(f.name.size() == 1 ? "-" : "--",
                                 absl::StrReplaceAll(f.name, {{"_", "-"}})));
  }
  flags.push_back("--filter");  // taken before Abseil parses (arg_prepass)
  flags.push_back("--help");
  std::string cases;
  for (const Command* c : AllCommands()) cases += CaseOf(*c);
  return absl::StrCat(
      "# bash completion for bpfwarden: made by `bpfwarden completion bash`\n"
      "_bpfwarden() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      "  local commands='", absl::StrJoin(names, " "), "'\n"
      "  local flags='", absl::StrJoin(flags, " "), "'\n"
      "  if [[ $prev == -o ]]; then\n"
      "    COMPREPLY=($(compgen -W 'table wide json jsonl raw' -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  if [[ $cur == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\")); return\n"
      "  fi\n"
      "  local i cmd= set= n=0 w\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=${COMP_WORDS[i]}\n"
      "    [[ $w == -* || ${COMP_WORDS[i-1]} == -o ]] && continue\n"
      "    if [[ -z $cmd ]]; then cmd=$w; else [[ $n == 0 ]] && set=$w; "
      "((n++)); fi\n"
      "  done\n"
      "  if [[ -z $cmd ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")); return\n"
      "  fi\n"
      "  local kinds=()\n"
      "  case $cmd in\n",
      cases,
      "  esac\n"
      "  case ${kinds[n]:-${kinds[-1]:-none}} in\n"
      "    set) COMPREPLY=($(compgen -W \"$(bpfwarden sets -o wide "
      "2>/dev/null | awk 'NR>1{print $1}')\" -- \"$cur\")) ;;\n"
      "    map) COMPREPLY=($(compgen -W \"$(bpfwarden maps \"$set\" -o wide "
      "2>/dev/null | awk 'NR>1{print $2}')\" -- \"$cur\")) ;;\n"
      "    file) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
      "    dir) COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
      "    command) COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")) ;;\n"
      "  esac\n"
      "}\n"
      "complete -F _bpfwarden bpfwarden\n");
}

}  // namespace bpfwarden::cli
