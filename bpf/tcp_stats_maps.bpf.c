// The tcp_stats map, defined once here and linked into every program that
// declares it extern (see tcp_stats_maps.bpf.h).
#include "bpf/tcp_stats_maps.bpf.h"

struct tcp_stats_map tcp_stats SEC(".maps");
