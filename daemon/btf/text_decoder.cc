#include "daemon/btf/text_decoder.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "daemon/btf/codec_section.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/per_cpu.h"
#include "daemon/btf/scalars.h"

namespace bpfwarden::btf_internal {

using Kind = JsonScalar::Kind;

absl::Status TextDecoder::Run(const TypeCodec& codec, int num_cpus,
                              const DecodeOptions& options,
                              absl::string_view text, absl::Span<uint8_t> out) {
  TextDecoder decoder(codec, num_cpus, options, out);
  Json::sax_parse(text.begin(), text.end(), &decoder,
                  nlohmann::detail::input_format_t::json, /*strict=*/true);
  if (decoder.malformed_) {
    // Exactly ParseJson's message, with the codec's root as `what`.
    return absl::InvalidArgumentError(absl::StrCat(
        codec.root(), ": malformed JSON at byte ", decoder.error_position_,
        decoder.error_token_.empty()
            ? ""
            : absl::StrCat(" near '", decoder.error_token_, "'")));
  }
  return decoder.result_;
}

absl::Status TextDecoder::RunFed(const TypeCodec& codec, int num_cpus,
                                 const DecodeOptions& options,
                                 absl::string_view text,
                                 absl::Span<uint8_t> out,
                                 absl::FunctionRef<bool(TextDecoder&)> feed) {
  {
    TextDecoder decoder(codec, num_cpus, options, out);
    if (feed(decoder) && decoder.depth_ == 0) return decoder.result_;
  }  // gives the frames back before Run takes them
  std::fill(out.begin(), out.end(), 0);
  return Run(codec, num_cpus, options, text, out);
}

// Frames (and their field vectors) are kept per thread between decodes:
// no allocation per call once warm.
std::vector<TextDecoder::Frame>& TextDecoder::ThreadFrames() {
  thread_local std::vector<Frame> frames;
  return frames;
}

TextDecoder::TextDecoder(const TypeCodec& codec, int num_cpus,
                         const DecodeOptions& options, absl::Span<uint8_t> out)
    : codec_(codec), num_cpus_(num_cpus), options_(options), out_(out) {
  frames_.swap(ThreadFrames());
}

TextDecoder::~TextDecoder() {
  // Error statuses may hold heap messages: drop them, keep the capacity.
  for (Frame& f : frames_) {
    f.first = absl::OkStatus();
    f.fields.clear();
  }
  frames_.swap(ThreadFrames());
}

bool TextDecoder::parse_error(std::size_t position,
                              const std::string& last_token,
                              const nlohmann::detail::exception&) {
  malformed_ = true;
  error_position_ = position;
  error_token_ = last_token;
  return false;
}

// ------------------------------------------------------------- the stack

TextDecoder::Frame& TextDecoder::Push(FrameKind kind) {
  const Component component = ChildComponent();
  if (depth_ == frames_.size()) frames_.emplace_back();
  Frame& f = frames_[depth_++];
  f.kind = kind;
  f.component = component;
  f.type_id = 0;
  f.codec = nullptr;
  f.plan = nullptr;
  f.out = nullptr;
  f.size = 0;
  f.pending = -1;
  f.hint = 0;
  f.count = 0;
  f.limit = 0;
  f.other_key = false;
  f.skip_depth = 0;
  f.first = absl::OkStatus();
  f.fields.clear();
  return f;
}

void TextDecoder::PushSkip(absl::Status result) {
  Frame& f = Push(FrameKind::kSkip);
  f.skip_depth = 1;
  f.first = std::move(result);
}

TextDecoder::Target TextDecoder::CodecTarget(const TypeCodec& codec,
                                             uint8_t* out) const {
  Target t;
  t.codec = &codec;
  t.out = out;
  t.size = codec.size();
  if (codec.is_section()) {
    t.kind = Target::Kind::kSection;
  } else {
    t.kind = Target::Kind::kLeaf;
    t.slot.id = codec.type_id();
  }
  return t;
}

TextDecoder::Target TextDecoder::NextTarget() {
  if (depth_ == 0) {
    if (num_cpus_ > 0) {
      Target t;
      t.kind = Target::Kind::kPerCpu;
      return t;
    }
    return CodecTarget(codec_, out_.data());
  }
  Frame& f = Top();
  Target t;
  switch (f.kind) {
    case FrameKind::kObject: {
      if (f.pending < 0) return t;
      const ObjectField& field = f.plan->fields[f.pending];
      t.kind = Target::Kind::kLeaf;
      t.codec = f.codec;
      t.slot = field.slot;
      if (field.slot.bit_size > 0) {
        t.out = f.out;
        t.size = f.size;
      } else {
        t.out = f.out + field.byte_offset;
        t.size = field.size;
      }
      return t;
    }
    case FrameKind::kArray:
      if (f.count >= f.limit) return t;
      t.kind = Target::Kind::kLeaf;
      t.codec = f.codec;
      t.slot.id = f.elem_id;
      t.out = f.out + f.count * f.elem_size;
      t.size = f.elem_size;
      return t;
    case FrameKind::kSection: {
      if (f.pending < 0) return t;
      const auto& var = f.codec->section_->at(f.pending);
      return CodecTarget(var.codec, f.out + var.offset);
    }
    case FrameKind::kPerCpuArray:
      if (f.count >= f.limit) return t;
      return CodecTarget(codec_,
                         out_.data() + f.count * PerCpuStride(codec_.size()));
    case FrameKind::kPerCpuObject:
      if (f.pending < 0) return t;
      return CodecTarget(codec_, out_.data());
    case FrameKind::kSkip:
      return t;
  }
  return t;
}

// ----------------------------------------------------------------- paths

TextDecoder::Component TextDecoder::ChildComponent() {
  Component c;
  if (depth_ == 0) return c;
  Frame& f = Top();
  switch (f.kind) {
    case FrameKind::kObject:
      if (f.pending >= 0) {
        c.named = true;
        c.name = f.plan->fields[f.pending].name;
      }
      break;
    case FrameKind::kSection:
      if (f.pending >= 0) {
        c.named = true;
        c.name = f.codec->section_->at(f.pending).name;
      }
      break;
    case FrameKind::kArray:
    case FrameKind::kPerCpuArray:
      c.index = static_cast<int64_t>(f.count);
      break;
    default:
      break;
  }
  return c;
}

std::string TextDecoder::PathOf(size_t depth) const {
  std::string path = codec_.root();
  for (size_t i = 0; i < depth; ++i) {
    const Component& c = frames_[i].component;
    if (c.named) absl::StrAppend(&path, ".", c.name);
    if (c.index >= 0) absl::StrAppend(&path, "[", c.index, "]");
  }
  return path;
}

std::string TextDecoder::ChildPath() {
  std::string path = PathOf(depth_);
  const Component c = ChildComponent();
  if (c.named) absl::StrAppend(&path, ".", c.name);
  if (c.index >= 0) absl::StrAppend(&path, "[", c.index, "]");
  return path;
}

absl::Status TextDecoder::PerCpuFormError(absl::string_view got) const {
  return absl::InvalidArgumentError(absl::StrCat(
      codec_.root(), ": a per-CPU value is an array of exactly ", num_cpus_,
      " values (one per possible CPU) or {\"", kAllCpusKey, "\": value}; got ",
      got));
}

// ---------------------------------------------------------------- events

bool TextDecoder::OnScalar(const JsonScalar& value) {
  if (Skipping()) return true;
  const Target t = NextTarget();
  switch (t.kind) {
    case Target::Kind::kIgnore:
      Deliver(absl::OkStatus());
      break;
    case Target::Kind::kLeaf: {
      absl::Status s = DecodeLeaf(t.codec->types_->get(), t.slot, value,
                                  absl::MakeSpan(t.out, t.size));
      Deliver(s.ok() ? s : AtPath(ChildPath(), s));
      break;
    }
    case Target::Kind::kSection:
      Deliver(t.codec->SectionTypeError(ChildPath(), JsonTypeName(value)));
      break;
    case Target::Kind::kPerCpu:
      Deliver(PerCpuFormError(JsonTypeName(value)));
      break;
  }
  return true;
}

bool TextDecoder::OnStart(Kind kind) {
  if (Skipping()) {
    ++Top().skip_depth;
    return true;
  }
  const Target t = NextTarget();
  const bool is_object = kind == Kind::kObject;
  switch (t.kind) {
    case Target::Kind::kIgnore:
      PushSkip(absl::OkStatus());
      return true;
    case Target::Kind::kPerCpu: {
      Frame& f =
          Push(is_object ? FrameKind::kPerCpuObject : FrameKind::kPerCpuArray);
      f.limit = static_cast<size_t>(num_cpus_);
      if (is_object) f.fields.resize(1);
      return true;
    }
    case Target::Kind::kSection: {
      if (!is_object) {
        PushSkip(t.codec->SectionTypeError(ChildPath(), "array"));
        return true;
      }
      Frame& f = Push(FrameKind::kSection);
      f.codec = t.codec;
      f.type_id = t.codec->type_id();
      f.out = t.out;
      f.size = t.size;
      f.fields.resize(t.codec->section_->size());
      return true;
    }
    case Target::Kind::kLeaf:
      break;
  }
  const struct btf* b = t.codec->types_->get();
  if (!WalksInto(b, t.slot, kind)) {
    JsonScalar value;
    value.kind = kind;
    absl::Status s = DecodeLeaf(b, t.slot, value, absl::MakeSpan(t.out, t.size));
    PushSkip(AtPath(ChildPath(), s));
    return true;
  }
  Frame& f = Push(is_object ? FrameKind::kObject : FrameKind::kArray);
  f.codec = t.codec;
  f.type_id = t.slot.id;
  f.out = t.out;
  f.size = t.size;
  const btf_type* type = btf__type_by_id(b, Resolve(b, t.slot.id));
  if (is_object) {
    f.plan = &t.codec->decode_plan_->Object(Resolve(b, t.slot.id));
    f.fields.resize(f.plan->fields.size());
  } else {
    f.limit = btf_array(type)->nelems;
    f.elem_id = btf_array(type)->type;
    f.elem_size = f.limit == 0 ? 0 : t.size / f.limit;
  }
  return true;
}

bool TextDecoder::OnEnd() {
  Frame& f = Top();
  absl::Status s;
  if (f.kind == FrameKind::kSkip) {
    if (--f.skip_depth > 0) return true;
    s = std::move(f.first);
  } else {
    s = Finish(f);
  }
  --depth_;
  Deliver(std::move(s));
  return true;
}

bool TextDecoder::key(std::string& name) { return OnKey(name); }

bool TextDecoder::OnKey(absl::string_view name) {
  if (Skipping()) return true;
  Frame& f = Top();
  int i = -1;
  switch (f.kind) {
    case FrameKind::kObject:
      i = f.plan->Find(name, f.hint);
      if (i < 0 && f.first.ok()) {
        f.first = FieldError(
            Field(PathOf(depth_), name),
            absl::StrCat("unknown field (",
                         TypeName(f.codec->types_->get(), f.type_id),
                         " has: ", f.plan->field_names, ")"));
      }
      if (i >= 0) f.hint = i + 1;
      break;
    case FrameKind::kSection:
      for (size_t v = 0; v < f.codec->section_->size(); ++v) {
        if (f.codec->section_->at(v).name == name) i = static_cast<int>(v);
        if (i >= 0) break;
      }
      if (i < 0 && f.first.ok()) {
        f.first = f.codec->SectionUnknownError(PathOf(depth_), name);
      }
      break;
    case FrameKind::kPerCpuObject:
      if (name == kAllCpusKey) {
        i = 0;
      } else {
        f.other_key = true;
      }
      break;
    default:
      break;
  }
  f.pending = i;
  if (i >= 0) {
    FieldState& state = f.fields[i];
    if (state.given) ZeroField(f, i);  // a repeated key: the last one counts
    state.given = true;
    state.error = absl::OkStatus();
  }
  return true;
}

void TextDecoder::Deliver(absl::Status status) {
  if (depth_ == 0) {
    result_ = std::move(status);
    return;
  }
  Frame& f = Top();
  switch (f.kind) {
    case FrameKind::kObject:
    case FrameKind::kSection:
    case FrameKind::kPerCpuObject:
      if (f.pending >= 0) f.fields[f.pending].error = std::move(status);
      break;
    case FrameKind::kArray:
    case FrameKind::kPerCpuArray:
      if (f.count < f.limit && f.first.ok() && !status.ok()) {
        f.first = std::move(status);
      }
      ++f.count;
      break;
    case FrameKind::kSkip:
      break;
  }
}

}  // namespace bpfwarden::btf_internal
