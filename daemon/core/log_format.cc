// Format strings of BPF log sites: parsing them against the argument types,
// and formatting records with the hints.
#include <arpa/inet.h>

#include <cinttypes>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bpf/include/bpfwarden/log.h"
#include "daemon/core/log_sites.h"

namespace bpfwarden {
namespace {

bool IsInteger(uint8_t type) { return type >= BW_ARG_U8 && type <= BW_ARG_I64; }

absl::StatusOr<LogHint> HintOf(absl::string_view spec) {
  if (spec.empty()) return LogHint::kDefault;
  if (spec == ":x") return LogHint::kLowerHex;
  if (spec == ":X") return LogHint::kUpperHex;
  if (spec == ":i") return LogHint::kIp;
  if (spec == ":mac") return LogHint::kMac;
  if (spec == ":MAC") return LogHint::kUpperMac;
  if (spec == ":p") return LogHint::kPointer;
  return absl::InvalidArgumentError(absl::StrCat("unknown hint {", spec,
                                                 "} (known: {} {:x} {:X} {:i} ",
                                                 "{:mac} {:MAC} {:p})"));
}

absl::string_view TypeName(uint8_t type) {
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

bool HintFits(LogHint hint, uint8_t type) {
  switch (hint) {
    case LogHint::kDefault:
      return type >= BW_ARG_U8 && type <= BW_ARG_PTR;
    case LogHint::kLowerHex:
    case LogHint::kUpperHex:
      return IsInteger(type) || type == BW_ARG_PTR;
    case LogHint::kIp:
      return type == BW_ARG_IPV4 || type == BW_ARG_IPV6;
    case LogHint::kMac:
    case LogHint::kUpperMac:
      return type == BW_ARG_MAC;
    case LogHint::kPointer:
      return type == BW_ARG_PTR;
  }
  return false;
}

absl::string_view HintText(LogHint hint) {
  switch (hint) {
    case LogHint::kDefault:
      return "{}";
    case LogHint::kLowerHex:
      return "{:x}";
    case LogHint::kUpperHex:
      return "{:X}";
    case LogHint::kIp:
      return "{:i}";
    case LogHint::kMac:
      return "{:mac}";
    case LogHint::kUpperMac:
      return "{:MAC}";
    case LogHint::kPointer:
      return "{:p}";
  }
  return "{?}";
}

uint64_t Unsigned(const uint8_t* p, size_t size) {
  uint64_t v = 0;
  std::memcpy(&v, p, size);  // little-endian, as the BPF target here
  return v;
}

int64_t Signed(const uint8_t* p, size_t size) {
  const uint64_t v = Unsigned(p, size);
  const int shift = 64 - 8 * static_cast<int>(size);
  return static_cast<int64_t>(v << shift) >> shift;
}

std::string Ip(const uint8_t* p, size_t size) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};
  if (size == 16 && std::memcmp(p, kMapped, 12) == 0) p += 12, size = 4;
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(size == 4 ? AF_INET : AF_INET6, p, buf, sizeof(buf));
  return buf;
}

std::string Mac(const uint8_t* p, bool upper) {
  return upper ? absl::StrFormat("%02X:%02X:%02X:%02X:%02X:%02X", p[0], p[1],
                                 p[2], p[3], p[4], p[5])
               : absl::StrFormat("%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1],
                                 p[2], p[3], p[4], p[5]);
}

std::string Value(const LogArg& arg, LogHint hint, const uint8_t* p) {
  switch (arg.type) {
    case BW_ARG_STR:
      return std::string(reinterpret_cast<const char*>(p),
                         strnlen(reinterpret_cast<const char*>(p), arg.size));
    case BW_ARG_IPV4:
    case BW_ARG_IPV6:
      return Ip(p, arg.size);
    case BW_ARG_MAC:
      return Mac(p, hint == LogHint::kUpperMac);
    case BW_ARG_PTR:
      if (hint == LogHint::kUpperHex) {
        return absl::StrFormat("%X", Unsigned(p, arg.size));
      }
      if (hint == LogHint::kLowerHex) {
        return absl::StrFormat("%x", Unsigned(p, arg.size));
      }
      return absl::StrFormat("0x%x", Unsigned(p, arg.size));
  }
  if (hint == LogHint::kLowerHex) {
    return absl::StrFormat("%x", Unsigned(p, arg.size));
  }
  if (hint == LogHint::kUpperHex) {
    return absl::StrFormat("%X", Unsigned(p, arg.size));
  }
  if (arg.type >= BW_ARG_I8) return absl::StrCat(Signed(p, arg.size));
  return absl::StrCat(Unsigned(p, arg.size));
}

}  // namespace

absl::string_view BpfLogLevelName(BpfLogLevel level) {
  switch (level) {
    case BpfLogLevel::kError:
      return "ERROR";
    case BpfLogLevel::kWarn:
      return "WARN";
    case BpfLogLevel::kInfo:
      return "INFO";
    case BpfLogLevel::kDebug:
      return "DEBUG";
    case BpfLogLevel::kTrace:
      return "TRACE";
  }
  return "?";
}

absl::StatusOr<std::vector<LogPiece>> ParseLogFormat(
    absl::string_view format, const std::vector<LogArg>& args) {
  std::vector<LogPiece> pieces(1);
  size_t next_arg = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if ((c == '{' || c == '}') && i + 1 < format.size() && format[i + 1] == c) {
      pieces.back().text.push_back(c);
      ++i;
      continue;
    }
    if (c == '}') {
      return absl::InvalidArgumentError(
          absl::StrCat("unmatched } at offset ", i, " (write }} for a brace)"));
    }
    if (c != '{') {
      pieces.back().text.push_back(c);
      continue;
    }
    const size_t close = format.find('}', i);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("unmatched { at offset ", i, " (write {{ for a brace)"));
    }
    absl::StatusOr<LogHint> hint = HintOf(format.substr(i + 1, close - i - 1));
    if (!hint.ok()) return hint.status();
    if (next_arg >= args.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("placeholder ", next_arg + 1, " has no argument (",
                       args.size(), " given)"));
    }
    const uint8_t type = args[next_arg].type;
    if (!HintFits(*hint, type)) {
      return absl::InvalidArgumentError(
          absl::StrCat("hint ", HintText(*hint), " does not fit argument ",
                       next_arg + 1, " of type ", TypeName(type)));
    }
    pieces.push_back({"", static_cast<int>(next_arg), *hint});
    pieces.emplace_back();
    ++next_arg;
    i = close;
  }
  if (next_arg != args.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        args.size(), " arguments for ", next_arg, " placeholders"));
  }
  return pieces;
}

absl::StatusOr<std::string> FormatLogRecord(const LogSite& site,
                                            absl::string_view record) {
  if (record.size() < site.record_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("record of ", record.size(), " bytes for site ",
                     site.Where(), ", which writes ", site.record_size));
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(record.data());
  std::string out;
  for (const LogPiece& piece : site.pieces) {
    if (piece.arg < 0) {
      out += piece.text;
      continue;
    }
    const LogArg& arg = site.args[piece.arg];
    out += Value(arg, piece.hint, bytes + arg.offset);
  }
  return out;
}

}  // namespace bpfwarden
