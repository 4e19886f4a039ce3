#include "daemon/core/log_args.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "bpf/include/bpfwarden/log.h"

namespace bpfwarden {
namespace {

// The size of a `type` argument in a record; 0 for strings (any size up to
// kMaxLogStringBytes) and unknown types.
size_t FixedSize(uint8_t type) {
  switch (type) {
    case BW_ARG_U8:
    case BW_ARG_I8:
      return 1;
    case BW_ARG_U16:
    case BW_ARG_I16:
      return 2;
    case BW_ARG_U32:
    case BW_ARG_I32:
    case BW_ARG_IPV4:
      return 4;
    case BW_ARG_U64:
    case BW_ARG_I64:
    case BW_ARG_PTR:
      return 8;
    case BW_ARG_IPV6:
      return 16;
    case BW_ARG_MAC:
      return 6;
  }
  return 0;
}

bool SizeFits(uint8_t type, size_t size) {
  if (type == BW_ARG_STR) return size >= 1 && size <= kMaxLogStringBytes;
  return size == FixedSize(type);
}

}  // namespace

bool IsLogInteger(uint8_t type) {
  return type >= BW_ARG_U8 && type <= BW_ARG_I64;
}

absl::string_view LogArgTypeName(uint8_t type) {
  switch (type) {
    case BW_ARG_U8:
      return "__u8";
    case BW_ARG_U16:
      return "__u16";
    case BW_ARG_U32:
      return "__u32";
    case BW_ARG_U64:
      return "__u64";
    case BW_ARG_I8:
      return "__s8";
    case BW_ARG_I16:
      return "__s16";
    case BW_ARG_I32:
      return "__s32";
    case BW_ARG_I64:
      return "__s64";
    case BW_ARG_STR:
      return "char[N]";
    case BW_ARG_IPV4:
      return "__u8[4]";
    case BW_ARG_IPV6:
      return "__u8[16]";
    case BW_ARG_MAC:
      return "__u8[6]";
    case BW_ARG_PTR:
      return "pointer";
  }
  return "unknown type";
}

absl::Status CheckLogArg(const LogArg& arg, size_t record_size) {
  if (arg.type < BW_ARG_U8 || arg.type > BW_ARG_PTR) {
    return absl::InvalidArgumentError(absl::StrCat("unknown type ", arg.type));
  }
  if (!SizeFits(arg.type, arg.size)) {
    const std::string want = arg.type == BW_ARG_STR
                                 ? absl::StrCat("1 to ", kMaxLogStringBytes)
                                 : absl::StrCat(FixedSize(arg.type));
    return absl::InvalidArgumentError(
        absl::StrCat(LogArgTypeName(arg.type), " of ", arg.size,
                     " bytes (it has ", want, ")"));
  }
  const size_t end = size_t{arg.offset} + arg.size;
  if (arg.offset < sizeof(uint32_t) || end > record_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bytes ", arg.offset, "..", end, " of a record of ", record_size,
        " (its values lie after the 4-byte "
        "site id)"));
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden
