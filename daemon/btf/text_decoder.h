// JSON text straight into a value's bytes, without a DOM: nlohmann's SAX
// parser drives a stack of frames that write each scalar at its offset.
// Gives the same bytes and the same messages as ParseJson then
// TypeCodec::Decode (or DecodePerCpu): the walk's order of errors is kept
// by holding each field's outcome until its object ends, and malformed
// text wins over any other error as it does there. Internal to daemon/btf.
#ifndef BPFWARDEN_DAEMON_BTF_TEXT_DECODER_H_
#define BPFWARDEN_DAEMON_BTF_TEXT_DECODER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/decode_plan.h"
#include "daemon/btf/json.h"
#include "daemon/btf/leaf_decode.h"

namespace bpfwarden::btf_internal {

class TextDecoder {
 public:
  // Decodes into `out`, zeroed, of codec.size() bytes, or (num_cpus > 0)
  // of PerCpuBytes(codec.size(), num_cpus) bytes in the per-CPU forms.
  static absl::Status Run(const TypeCodec& codec, int num_cpus,
                          const DecodeOptions& options,
                          absl::string_view text, absl::Span<uint8_t> out);

  // The same, fed by another parser: `feed` calls the events below for the
  // text and returns false where it cannot say what nlohmann would (a parse
  // error, a number it reads otherwise); then Run decides, from scratch.
  static absl::Status RunFed(const TypeCodec& codec, int num_cpus,
                             const DecodeOptions& options,
                             absl::string_view text, absl::Span<uint8_t> out,
                             absl::FunctionRef<bool(TextDecoder&)> feed);
  bool OnKey(absl::string_view name);
  bool OnString(absl::string_view value);

  // nlohmann's SAX interface.
  bool null();
  bool boolean(bool value);
  bool number_integer(int64_t value);
  bool number_unsigned(uint64_t value);
  bool number_float(double value, const std::string& text);
  bool string(std::string& value);
  bool binary(Json::binary_t& value);
  bool start_object(std::size_t elements);
  bool key(std::string& name);
  bool end_object();
  bool start_array(std::size_t elements);
  bool end_array();
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& error);

 private:
  enum class FrameKind {
    kObject,
    kArray,
    kSection,
    kPerCpuObject,
    kPerCpuArray,
    kSkip
  };
  // How a value's path extends its parent's: ".name", "[i]" or nothing.
  struct Component {
    absl::string_view name;
    bool named = false;
    int64_t index = -1;
  };
  // Where the next value goes.
  struct Target {
    enum class Kind { kIgnore, kLeaf, kSection, kPerCpu } kind = Kind::kIgnore;
    LeafSlot slot;
    const TypeCodec* codec = nullptr;  // its plan, or the section
    uint8_t* out = nullptr;
    size_t size = 0;
  };
  struct FieldState {
    bool given = false;
    absl::Status error;
  };
  struct Frame {
    FrameKind kind = FrameKind::kSkip;
    Component component;
    uint32_t type_id = 0;  // as named, for messages
    const TypeCodec* codec = nullptr;
    const ObjectPlan* plan = nullptr;
    uint8_t* out = nullptr;
    size_t size = 0;
    int pending = -1;    // the field or variable the next value is for
    int hint = 0;        // the field expected next
    size_t count = 0;    // elements seen
    size_t limit = 0;    // elements wanted
    uint32_t elem_id = 0;
    size_t elem_size = 0;
    bool other_key = false;  // per-CPU object: a key but "all_cpus"
    int skip_depth = 0;
    absl::Status first;  // unknown key, or the first element's error
    std::vector<FieldState> fields;
  };

  TextDecoder(const TypeCodec& codec, int num_cpus,
              const DecodeOptions& options, absl::Span<uint8_t> out);
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;
  static std::vector<Frame>& ThreadFrames();

  bool Skipping() const {
    return depth_ > 0 && frames_[depth_ - 1].kind == FrameKind::kSkip;
  }
  Frame& Top() { return frames_[depth_ - 1]; }
  Frame& Push(FrameKind kind);
  void PushSkip(absl::Status result);
  Target NextTarget();
  Target CodecTarget(const TypeCodec& codec, uint8_t* out) const;
  Component ChildComponent();
  std::string PathOf(size_t depth) const;
  std::string ChildPath();
  absl::Status PerCpuFormError(absl::string_view got) const;

  bool OnScalar(const JsonScalar& value);
  bool OnStart(JsonScalar::Kind kind);
  bool OnEnd();
  void Deliver(absl::Status status);
  void ZeroField(const Frame& frame, int field);

  // text_decoder_finish.cc: a frame's outcome when its value ends.
  absl::Status Finish(Frame& frame);
  absl::Status FinishGroup(const Frame& frame, int group, uint32_t type_id);

  const TypeCodec& codec_;
  const int num_cpus_;
  const DecodeOptions& options_;
  const absl::Span<uint8_t> out_;
  std::vector<Frame> frames_;
  size_t depth_ = 0;
  absl::Status result_;
  bool malformed_ = false;
  size_t error_position_ = 0;
  std::string error_token_;
};

}  // namespace bpfwarden::btf_internal

#endif  // BPFWARDEN_DAEMON_BTF_TEXT_DECODER_H_
