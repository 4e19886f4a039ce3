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

bool HintFits(LogHint hint, uint8_t type) {
  switch (hint) {
    case LogHint::kDefault:
      return type >= BW_ARG_U8 && type <= BW_ARG_PTR;
    case LogHint::kLowerHex:
    case LogHint::kUpperHex:
      return IsLogInteger(type) || type == BW_ARG_PTR;
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

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(v));  // little-endian, as the BPF target here
  return v;
}

// The bits of an integer or pointer argument (whose size CheckLogArg has
// tied to its type), zero-extended.
uint64_t Unsigned(uint8_t type, const uint8_t* p) {
  switch (type) {
    case BW_ARG_U8:
    case BW_ARG_I8:
      return Load<uint8_t>(p);
    case BW_ARG_U16:
    case BW_ARG_I16:
      return Load<uint16_t>(p);
    case BW_ARG_U32:
    case BW_ARG_I32:
      return Load<uint32_t>(p);
  }
  return Load<uint64_t>(p);
}

int64_t Signed(uint8_t type, const uint8_t* p) {
  switch (type) {
    case BW_ARG_I8:
      return Load<int8_t>(p);
    case BW_ARG_I16:
      return Load<int16_t>(p);
    case BW_ARG_I32:
      return Load<int32_t>(p);
  }
  return Load<int64_t>(p);
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

// `arg` of a record whose bytes CheckLogArg has found it within.
std::string Value(const LogArg& arg, LogHint hint, const uint8_t* record) {
  const uint8_t* p = record + arg.offset;
  switch (arg.type) {
    case BW_ARG_STR:
      return std::string(reinterpret_cast<const char*>(p),
                         strnlen(reinterpret_cast<const char*>(p), arg.size));
    case BW_ARG_IPV4:
    case BW_ARG_IPV6:
      return Ip(p, arg.size);
    case BW_ARG_MAC:
      return Mac(p, hint == LogHint::kUpperMac);
  }
  const uint64_t bits = Unsigned(arg.type, p);
  if (hint == LogHint::kLowerHex) return absl::StrFormat("%x", bits);
  if (hint == LogHint::kUpperHex) return absl::StrFormat("%X", bits);
  if (arg.type == BW_ARG_PTR) return absl::StrFormat("0x%x", bits);
  if (arg.type >= BW_ARG_I8) return absl::StrCat(Signed(arg.type, p));
  return absl::StrCat(bits);
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
                       next_arg + 1, " of type ", LogArgTypeName(type)));
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
    } else if (static_cast<size_t>(piece.arg) >= site.args.size() ||
               !CheckLogArg(site.args[piece.arg], record.size()).ok()) {
      absl::StrAppend(&out, "<bad argument ", piece.arg + 1, ">");
    } else {
      out += Value(site.args[piece.arg], piece.hint, bytes);
    }
  }
  return out;
}

}  // namespace bpfwarden
