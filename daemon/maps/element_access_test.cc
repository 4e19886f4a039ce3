#include "daemon/maps/element_access.h"

#include <linux/bpf.h>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;
using ::testing::HasSubstr;

constexpr ElementMethod kAll[] = {
    ElementMethod::kLookup, ElementMethod::kLookupBatch,
    ElementMethod::kUpdate, ElementMethod::kDelete,
    ElementMethod::kDump,   ElementMethod::kWatch};

TEST(ElementAccessTest, HashOffersEveryMethod) {
  for (ElementMethod m : kAll) {
    EXPECT_TRUE(CheckElementMethod(BPF_MAP_TYPE_HASH, "s/m", m).ok())
        << ElementMethodName(m);
  }
}

TEST(ElementAccessTest, KeylessMapsRefuseBatchLookupsDumpsAndDeletes) {
  for (uint32_t type : {BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK,
                        BPF_MAP_TYPE_BLOOM_FILTER}) {
    EXPECT_NE(ElementAccessOf(type).key, KeyShape::kKeyed) << type;
    EXPECT_TRUE(CheckElementMethod(type, "s/q", ElementMethod::kLookup).ok());
    EXPECT_TRUE(CheckElementMethod(type, "s/q", ElementMethod::kUpdate).ok());
    for (ElementMethod m : {ElementMethod::kLookupBatch, ElementMethod::kDelete,
                            ElementMethod::kDump, ElementMethod::kWatch}) {
      EXPECT_THAT(CheckElementMethod(type, "s/q", m),
                  StatusIs(absl::StatusCode::kFailedPrecondition,
                           "has no keys"))
          << type << " " << ElementMethodName(m);
    }
  }
}

TEST(ElementAccessTest, RingBuffersOfferNothingAndSaySo) {
  for (ElementMethod m : kAll) {
    const absl::Status s =
        CheckElementMethod(BPF_MAP_TYPE_RINGBUF, "bpfwarden/bw_log", m);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                            "bpfwarden/bw_log: it is a ringbuf map"));
    EXPECT_THAT(std::string(s.message()),
                HasSubstr(std::string(ElementMethodName(m))));
  }
}

TEST(ElementAccessTest, ProgramValuedMapsAreReadOnlyButDeletable) {
  for (uint32_t type : {BPF_MAP_TYPE_DEVMAP, BPF_MAP_TYPE_DEVMAP_HASH,
                        BPF_MAP_TYPE_CPUMAP}) {
    EXPECT_TRUE(CheckElementMethod(type, "s/d", ElementMethod::kLookup).ok());
    EXPECT_TRUE(CheckElementMethod(type, "s/d", ElementMethod::kDelete).ok());
    EXPECT_THAT(CheckElementMethod(type, "s/d", ElementMethod::kUpdate),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "file descriptor"));
  }
  EXPECT_THAT(CheckElementMethod(BPF_MAP_TYPE_STRUCT_OPS, "s/o",
                                 ElementMethod::kUpdate),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(ElementAccessTest, ArraysRefuseDeleteOnly) {
  for (uint32_t type : {BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY}) {
    for (ElementMethod m : kAll) {
      EXPECT_EQ(CheckElementMethod(type, "s/a", m).ok(),
                m != ElementMethod::kDelete)
          << type << " " << ElementMethodName(m);
    }
  }
}

TEST(ElementAccessTest, DescriptorMapsAndUnknownTypesOfferNothing) {
  const uint32_t descriptor_types[] = {
      BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_SOCKMAP, BPF_MAP_TYPE_SK_STORAGE,
      BPF_MAP_TYPE_HASH_OF_MAPS, 32 /* cgrp_storage */};
  for (uint32_t type : descriptor_types) {
    for (ElementMethod m : kAll) {
      EXPECT_THAT(CheckElementMethod(type, "s/f", m),
                  StatusIs(absl::StatusCode::kFailedPrecondition,
                           "file descriptors"));
    }
  }
  EXPECT_THAT(CheckElementMethod(9999, "s/x", ElementMethod::kLookup),
              StatusIs(absl::StatusCode::kFailedPrecondition, "type 9999"));
}

TEST(ElementAccessTest, ReadHandlesOnlyForPlainDataMaps) {
  for (uint32_t type : std::initializer_list<uint32_t>{
           BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_MAP_TYPE_LPM_TRIE,
        BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_QUEUE,
        BPF_MAP_TYPE_BLOOM_FILTER, BPF_MAP_TYPE_CGROUP_STORAGE}) {
    EXPECT_TRUE(CheckReadHandle(type, 0, "s/m").ok()) << type;
  }
  for (uint32_t type : std::initializer_list<uint32_t>{
           BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_ARRAY_OF_MAPS,
        BPF_MAP_TYPE_HASH_OF_MAPS, BPF_MAP_TYPE_SOCKMAP, BPF_MAP_TYPE_SOCKHASH,
        BPF_MAP_TYPE_DEVMAP, BPF_MAP_TYPE_DEVMAP_HASH, BPF_MAP_TYPE_CPUMAP,
        BPF_MAP_TYPE_XSKMAP, BPF_MAP_TYPE_PERF_EVENT_ARRAY,
        BPF_MAP_TYPE_SK_STORAGE, BPF_MAP_TYPE_STACK_TRACE,
        BPF_MAP_TYPE_STRUCT_OPS, BPF_MAP_TYPE_RINGBUF, 1000u}) {
    EXPECT_THAT(CheckReadHandle(type, 0, "s/m"),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "no read handle for s/m: it is a"))
        << type;
  }
  EXPECT_THAT(CheckReadHandle(BPF_MAP_TYPE_PROG_ARRAY, 0, "s/p"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "it is a prog_array map"));
  EXPECT_THAT(CheckReadHandle(BPF_MAP_TYPE_HASH, BPF_F_WRONLY, "s/w"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "write-only to user space"));
}

}  // namespace
}  // namespace bpfwarden
