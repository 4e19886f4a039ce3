#include "daemon/core/pin_layout.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace bpfwarden {

PinLayout::PinLayout(std::string pin_root, std::string state_dir)
    : pin_root_(std::move(pin_root)), state_dir_(std::move(state_dir)) {}

std::string PinLayout::SetDir(absl::string_view set) const {
  return absl::StrCat(pin_root_, "/", set);
}

std::string PinLayout::MapPin(absl::string_view set,
                              absl::string_view map) const {
  return absl::StrCat(SetDir(set), "/", map);
}

std::string PinLayout::ReplacedMapPin(absl::string_view set,
                                      absl::string_view map) const {
  return absl::StrCat(MapPin(set, map), "-replaced");
}

std::string PinLayout::LinksDir(absl::string_view set) const {
  return absl::StrCat(SetDir(set), "/pinned-links");
}

std::string PinLayout::LinkPin(absl::string_view set,
                               absl::string_view attachment_id) const {
  return absl::StrCat(LinksDir(set), "/", attachment_id);
}

std::string PinLayout::StateFile() const {
  return absl::StrCat(state_dir_, "/state.textproto");
}

std::string PinLayout::CorruptStateFile() const {
  return absl::StrCat(StateFile(), ".corrupt");
}

std::string PinLayout::ObjectsDir() const {
  return absl::StrCat(state_dir_, "/objects");
}

std::string PinLayout::SavedObject(absl::string_view set, size_t index) const {
  return absl::StrCat(ObjectsDir(), "/", set, "-", index, ".bpf.o");
}

}  // namespace bpfwarden
