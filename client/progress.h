// A dump's progress on stderr: on a terminal only, once the dump has lasted
// a second: "N entries, R/s" (and "of T (P%)" when the total is known),
// redrawn at most ten times a second and cleared at the end. When stdout
// is the same terminal, Clear() before printing entries and Add() after:
// the entries scroll above the line.
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
  void Clear();

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(Clock::time_point now);

  int fd_;
  bool enabled_;
  uint64_t total_;
  uint64_t count_ = 0;
  bool shown_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_PROGRESS_H_
