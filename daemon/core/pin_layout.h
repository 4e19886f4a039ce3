// Every path the daemon makes under its pin root (bpffs) and its state
// directory; nothing else builds those paths.
//
//   <pin_root>/<set>/                            a set's pin directory
//   <pin_root>/<set>/<map>                       a pinned map
//   <pin_root>/<set>/<map>-replaced              a pinned map moved aside
//                                                while a load replaces it
//   <pin_root>/<set>/pinned-links/               a set's pinned links
//   <pin_root>/<set>/pinned-links/<attachment>   one pinned link
//   <state_dir>/state.textproto                  the state file
//   <state_dir>/state.textproto.corrupt          a corrupt one, set aside
//   <state_dir>/objects/                         uploaded objects, saved
//   <state_dir>/objects/<set>-<i>.bpf.o          one saved object
//
// bpffs refuses names with a dot, hence "-replaced" and "pinned-links";
// map names never hold a dash, so neither collides with a map.
#ifndef BPFWARDEN_DAEMON_CORE_PIN_LAYOUT_H_
#define BPFWARDEN_DAEMON_CORE_PIN_LAYOUT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace bpfwarden {

class PinLayout {
 public:
  // An empty `state_dir` means no persistence (see has_state_dir()).
  PinLayout(std::string pin_root, std::string state_dir);

  const std::string& pin_root() const { return pin_root_; }
  const std::string& state_dir() const { return state_dir_; }
  bool has_state_dir() const { return !state_dir_.empty(); }

  // Under the pin root.
  std::string SetDir(absl::string_view set) const;
  std::string MapPin(absl::string_view set, absl::string_view map) const;
  std::string ReplacedMapPin(absl::string_view set,
                             absl::string_view map) const;
  std::string LinksDir(absl::string_view set) const;
  std::string LinkPin(absl::string_view set,
                      absl::string_view attachment_id) const;

  // Under the state directory.
  std::string StateFile() const;
  std::string CorruptStateFile() const;
  std::string ObjectsDir() const;
  std::string SavedObject(absl::string_view set, size_t index) const;

 private:
  std::string pin_root_;
  std::string state_dir_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_PIN_LAYOUT_H_
