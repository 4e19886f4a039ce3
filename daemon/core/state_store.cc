#include "daemon/core/state_store.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "daemon/base/crash_point.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "google/protobuf/text_format.h"

namespace bpfwarden {
namespace {

constexpr absl::string_view kMagic = "# bpfwarden state v1";

uint32_t Crc32(absl::string_view data) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus(errno, absl::StrCat("write ", what));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents, int mode) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  UniqueFd fd(
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return ErrnoStatus(errno, absl::StrCat("create ", tmp));
  absl::Status s = WriteAll(fd.get(), contents, tmp);
  CrashPoint("atomic_write.written");
  if (s.ok() && ::fsync(fd.get()) != 0)
    s = ErrnoStatus(errno, absl::StrCat("fsync ", tmp));
  fd.Reset();
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = ErrnoStatus(errno, absl::StrCat("rename ", tmp, " to ", path));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  CrashPoint("atomic_write.renamed");
  UniqueFd dir_fd(::open(dir.empty() ? "." : dir.c_str(),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd && ::fsync(dir_fd.get()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("fsync ", dir));
  }
  return absl::OkStatus();
}

std::string SerializeState(const v1::State& state) {
  std::string body;
  google::protobuf::TextFormat::PrintToString(state, &body);
  return absl::StrFormat("%s length=%d crc32=%08x\n%s", kMagic, body.size(),
                         Crc32(body), body);
}

absl::StatusOr<v1::State> ParseState(absl::string_view text) {
  const size_t newline = text.find('\n');
  if (newline == absl::string_view::npos) {
    return absl::DataLossError("state file has no header line (torn write?)");
  }
  absl::string_view header = text.substr(0, newline);
  absl::string_view body = text.substr(newline + 1);
  std::vector<absl::string_view> fields = absl::StrSplit(header, ' ');
  size_t length = 0;
  uint32_t crc = 0;
  if (fields.size() != 6 ||
      absl::StrCat(fields[0], " ", fields[1], " ", fields[2], " ", fields[3]) !=
          kMagic ||
      !absl::ConsumePrefix(&fields[4], "length=") ||
      !absl::SimpleAtoi(fields[4], &length) ||
      !absl::ConsumePrefix(&fields[5], "crc32=") ||
      !absl::SimpleHexAtoi(fields[5], &crc)) {
    return absl::DataLossError(absl::StrCat("state file header is not \"",
                                            kMagic, " length=N crc32=X\""));
  }
  if (body.size() != length) {
    return absl::DataLossError(absl::StrCat("state file body is ", body.size(),
                                            " bytes, its header says ", length,
                                            " (torn write?)"));
  }
  if (Crc32(body) != crc) {
    return absl::DataLossError("state file checksum does not match its body");
  }
  v1::State state;
  if (!google::protobuf::TextFormat::ParseFromString(std::string(body),
                                                     &state)) {
    return absl::DataLossError("state file body is not a valid State message");
  }
  return state;
}

absl::StatusOr<std::optional<v1::State>> ReadStateFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::optional<v1::State>();
    return ErrnoStatus(errno, absl::StrCat("read ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<v1::State> state = ParseState(text.str());
  if (!state.ok()) {
    return absl::Status(state.status().code(),
                        absl::StrCat(path, ": ", state.status().message()));
  }
  return std::optional<v1::State>(*std::move(state));
}

}  // namespace bpfwarden
