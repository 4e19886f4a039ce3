// What a load does to its set's pin directory, undone unless committed: the
// pins it created are removed, the pins it moved aside come back, and the
// directory goes if the load created it. A load builds its set outside the
// Warden's lock and the Warden commits the pins when it commits the set, so
// a set that is built but never committed (Shutdown came first) leaves
// nothing behind either.
#ifndef BPFWARDEN_DAEMON_CORE_PIN_ROLLBACK_H_
#define BPFWARDEN_DAEMON_CORE_PIN_ROLLBACK_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace bpfwarden {

class PinRollback {
 public:
  // Notes what the directory `dir` holds now (nothing if it does not exist).
  explicit PinRollback(std::string dir);
  PinRollback(const PinRollback&) = delete;
  PinRollback& operator=(const PinRollback&) = delete;
  // Rolls back unless committed.
  ~PinRollback();

  // Creates the directory if needed (removed again on rollback).
  absl::Status MakeDir();
  // Moves the pin at `path` aside to `backup`; it comes back on rollback
  // and is removed at commit.
  absl::Status Replace(const std::string& path, const std::string& backup);
  // Keeps what the load did; removes the pins moved aside.
  void Commit();

 private:
  std::string dir_;
  std::set<std::string> before_;
  bool existed_ = false;
  bool committed_ = false;
  std::vector<std::pair<std::string, std::string>> replaced_;  // backup, pin
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_PIN_ROLLBACK_H_
