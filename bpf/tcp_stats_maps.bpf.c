// The tcp_stats maps, defined once here and linked into every program that
// declares them extern (see tcp_stats_maps.bpf.h).
#include "bpf/tcp_stats_maps.bpf.h"

struct tcp_stats_map tcp_stats SEC(".maps");
struct tcp_stats_slots_map tcp_stats_slots SEC(".maps");
struct tcp_stats_conns_map tcp_stats_conns SEC(".maps");
