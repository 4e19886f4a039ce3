#include "client/data_command_specs.h"

#include "client/dump_command.h"
#include "client/globals_command.h"
#include "client/top_command.h"
#include "client/watch_command.h"

namespace bpfwarden::cli {

const Command kDumpCommand = {
    "dump", "dump SET MAP | PIN", "every entry of a map, streamed",
    "A table by default: one column a BTF field, nested structs as dotted\n"
    "names, per-CPU values summed (--per-cpu: a row per CPU). -o wide never\n"
    "cuts; -o json is one document, -o jsonl one {\"key\":K,\"value\":V} a\n"
    "line; -o raw hex bytes.\n"
    "Streamed: memory stays bounded whatever the map's size; on a terminal\n"
    "a dump over a second shows its progress on stderr.\n"
    "--filter FIELD=VALUE  repeatable, all must hold; also != < <= > >=;\n"
    "                      addresses and enums as text, a prefix for\n"
    "                      addresses (remote_addr=10.0.0.0/8)\n"
    "--sort FIELD[:asc|:desc]  numbers largest first, the rest smallest\n"
    "--top N               the first N by --sort (only N held)\n"
    "--limit N             at most N entries\n"
    "--direct              (root) read the pin in bpffs, no daemon: PIN is\n"
    "                      its path, or SET MAP under --pin_root\n"
    "--page_size=N         entries a page (default: the daemon's largest)",
    "bpfwarden dump bpfwarden tcp_stats\n"
    "bpfwarden dump bpfwarden tcp_stats --filter direction=TCP_STATS_ACCEPTED "
    "--sort bytes_acked --top 10\n"
    "bpfwarden --direct dump /sys/fs/bpf/bpfwarden/bpfwarden/tcp_stats",
    1, 2, DumpCommand};

const Command kTopCommand = {
    "top", "top SET MAP --sort FIELD",
    "a refreshing top-N view of a map, like top(1); q quits",
    "Every -n SECONDS (default 2) the --top N entries with the largest\n"
    "FIELD, or with --rate the largest change of it per second.\n"
    "--filter FIELD=VALUE as dump; --direct (root) reads the pin.\n"
    "--iterations N  stop after N screens (0: until q or Ctrl-C)",
    "bpfwarden top bpfwarden tcp_stats --sort bytes_acked --rate", 1, 2,
    TopCommand};

const Command kWatchCommand = {
    "watch", "watch SET MAP",
    "entries added, changed (old -> new) or removed, each interval",
    "-n SECONDS  between looks (default 2; the daemon's Maps.Watch takes\n"
    "            0.1 to 600)\n"
    "-o jsonl    one change a line, for scripts\n"
    "--direct    (root) read the pin, no daemon",
    "bpfwarden watch bpfwarden tcp_tune_rules", 1, 2, WatchCommand};

const Command kGlobalsCommand = {
    "globals", "globals SET",
    "a set's global variables by name, typed, with their section",
    "--set NAME=VALUE  write a .bss or .data variable (.rodata is refused:\n"
    "                  the verifier took it as a constant at load)",
    "bpfwarden globals bpfwarden\n"
    "bpfwarden globals mine --set debug_level=2",
    1, 1, GlobalsCommand};

}  // namespace bpfwarden::cli
