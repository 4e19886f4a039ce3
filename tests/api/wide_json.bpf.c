// A map whose JSON is many times its raw size: 16 one-byte fields with long
// names, for the test that Dump pages are sized by their encoded size.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct wide_value {
  __u8 a_rather_long_field_name_number_00;
  __u8 a_rather_long_field_name_number_01;
  __u8 a_rather_long_field_name_number_02;
  __u8 a_rather_long_field_name_number_03;
  __u8 a_rather_long_field_name_number_04;
  __u8 a_rather_long_field_name_number_05;
  __u8 a_rather_long_field_name_number_06;
  __u8 a_rather_long_field_name_number_07;
  __u8 a_rather_long_field_name_number_08;
  __u8 a_rather_long_field_name_number_09;
  __u8 a_rather_long_field_name_number_10;
  __u8 a_rather_long_field_name_number_11;
  __u8 a_rather_long_field_name_number_12;
  __u8 a_rather_long_field_name_number_13;
  __u8 a_rather_long_field_name_number_14;
  __u8 a_rather_long_field_name_number_15;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 256);
  __type(key, __u32);
  __type(value, struct wide_value);
} wide SEC(".maps");

SEC("sockops")
int wide_sockops(struct bpf_sock_ops* ctx) {
  __u32 key = 0;
  bpf_map_lookup_elem(&wide, &key);
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
