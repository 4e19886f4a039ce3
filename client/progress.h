// A dump's progress on stderr: on a terminal only, once the dump has lasted
// a second: "N entries, R/s" (and "of T (P%)" when the total is known),
// redrawn at most ten times a second and cleared at the end. Call
// BeforeOutput() before printing entries and Add() after: when stdout is
// a terminal too, the line is cleared so the entries scroll above it.
#ifndef BPFWARDEN_CLIENT_PROGRESS_H_
#define BPFWARDEN_CLIENT_PROGRESS_H_

#include <chrono>
#include <cstdint>

namespace bpfwarden::cli {

class Progress {
 public:
  // `total` 0: unknown. `fd` is where it is drawn (a terminal or nothing).
  explicit Progress(uint64_t total, int fd = 2);
  ~Progress();  // clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(uint64_t entries);
  // Clears the line if stdout is a terminal (a redirected stdout leaves it).
  void BeforeOutput();
  void Clear();

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(Clock::time_point now);

  int fd_;
  bool enabled_;
  bool shares_terminal_;  // stdout is a terminal too
  uint64_t total_;
  uint64_t count_ = 0;
  bool shown_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_PROGRESS_H_
