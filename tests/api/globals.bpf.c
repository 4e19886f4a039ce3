// Global variables in all three sections, for the typed-globals API test:
// .bss (counter), .data (settings), .rodata (threshold, frozen at load).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct settings {
  __u32 limit;
  char name[8];
};

__u64 counter;                                       // .bss
struct settings settings = {.limit = 5, .name = "abc"};  // .data
const volatile __u32 threshold = 42;                 // .rodata

SEC("sockops")
int globals_sockops(struct bpf_sock_ops* ctx) {
  if (counter < threshold + settings.limit) __sync_fetch_and_add(&counter, 1);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
