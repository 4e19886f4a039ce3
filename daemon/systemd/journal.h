// journald: log records sent with sd_journal_send, each with PRIORITY, a
// MESSAGE that reads as the stderr line (without the time, which the
// journal keeps), and the record's structured BPFWARDEN_* fields, so that
// `journalctl BPFWARDEN_MAP=tcp_tune_rules` finds the writes to that map.
#ifndef BPFWARDEN_DAEMON_SYSTEMD_JOURNAL_H_
#define BPFWARDEN_DAEMON_SYSTEMD_JOURNAL_H_

#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::systemd {

// Whether stderr is a stream to journald: JOURNAL_STREAM ("dev:inode")
// names fd 2's device and inode (what systemd sets for StandardError=journal).
bool StderrIsJournal();

// `target`: "auto" (the journal when StderrIsJournal()), "journal" or
// "stderr". Installs the journal sink when chosen; the choice made, or
// InvalidArgument for another value.
absl::StatusOr<std::string> ChooseLogTarget(const std::string& target);

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_JOURNAL_H_
