#include "client/progress.h"

#include <unistd.h>

#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace bpfwarden::cli {
namespace {

constexpr auto kDelay = std::chrono::seconds(1);
constexpr auto kRedraw = std::chrono::milliseconds(100);
constexpr char kClearLine[] = "\r\033[K";

std::string Grouped(uint64_t n) {
  std::string digits = absl::StrCat(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

void Write(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += n;
  }
}

}  // namespace

Progress::Progress(uint64_t total, int fd)
    : fd_(fd),
      enabled_(isatty(fd) == 1),
      shares_terminal_(enabled_ && isatty(STDOUT_FILENO) == 1),
      total_(total),
      start_(Clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Clear(); }

void Progress::Add(uint64_t entries) {
  count_ += entries;
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (now - start_ < kDelay || now - last_draw_ < kRedraw) return;
  Draw(now);
}

void Progress::Draw(Clock::time_point now) {
  last_draw_ = now;
  // What was printed goes first, so the line sits below it.
  std::cout.flush();
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::string line = absl::StrCat(kClearLine, "dump: ", Grouped(count_),
                                  " entries, ",
                                  Grouped(static_cast<uint64_t>(
                                      count_ / seconds)),
                                  "/s");
  if (total_ > 0) {
    absl::StrAppend(&line, " of ", Grouped(total_),
                    absl::StrFormat(" (%.0f%%)", 100.0 * count_ / total_));
  }
  Write(fd_, line);
  shown_ = true;
}

void Progress::BeforeOutput() {
  if (shares_terminal_) Clear();
}

void Progress::Clear() {
  if (!shown_) return;
  Write(fd_, kClearLine);
  shown_ = false;
}

}  // namespace bpfwarden::cli
