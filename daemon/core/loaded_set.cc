#include "daemon/core/loaded_set.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "daemon/base/crash_point.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/base/status_list.h"
#include "daemon/core/kernel_platform.h"
#include "daemon/core/names.h"
#include "daemon/core/object_file.h"
#include "daemon/core/set_loader.h"
#include "daemon/core/state_store.h"

namespace bpfwarden {
namespace {

ProgramInfo ProgramInfoOf(const bpf_program* prog) {
  ProgramInfo out;
  out.name = bpf_program__name(prog);
  out.section = bpf_program__section_name(prog);
  out.type = ProgTypeName(bpf_program__type(prog));
  out.expected_attach_type =
      AttachTypeName(bpf_program__expected_attach_type(prog));
  bpf_prog_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0) {
    out.id = info.id;
  }
  return out;
}

MapInfo MapInfoOf(const std::string& set, const bpf_map* map, bool reused) {
  MapInfo out;
  out.program_set = set;
  out.name = bpf_map__name(map);
  if (const char* pin = bpf_map__pin_path(map);
      pin && bpf_map__is_pinned(map)) {
    out.pin_path = pin;
  }
  out.type = bpf_map__type(map);
  const char* type_name = libbpf_bpf_map_type_str(bpf_map__type(map));
  out.type_name = type_name ? type_name : absl::StrCat("map_type_", out.type);
  out.key_size = bpf_map__key_size(map);
  out.value_size = bpf_map__value_size(map);
  out.max_entries = bpf_map__max_entries(map);
  out.map_flags = bpf_map__map_flags(map);
  out.internal = bpf_map__is_internal(map);
  out.reused = reused;
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len) == 0) {
    out.id = info.id;
    out.btf_id = info.btf_id;
    out.btf_key_type_id = info.btf_key_type_id;
    out.btf_value_type_id = info.btf_value_type_id;
  }
  return out;
}

// The builtin object, the named files and the blobs, in that order.
absl::StatusOr<std::vector<ObjectInput>> GatherInputs(
    const v1::ProgramSet& spec, const LoadOptions& options,
    BuiltinVariant builtin) {
  std::vector<ObjectInput> inputs;
  if (spec.builtin()) {
    if (spec.objects_size() > 0 || !options.object_blobs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "program set ", spec.name(), " is builtin and takes no objects"));
    }
    std::span<const uint8_t> elf = BuiltinObject(builtin);
    inputs.push_back({"builtin", std::string(elf.begin(), elf.end())});
  }
  for (const std::string& path : spec.objects()) {
    absl::StatusOr<ObjectInput> input = ReadObjectFile(path);
    if (!input.ok()) return input.status();
    inputs.push_back(*std::move(input));
  }
  for (size_t i = 0; i < options.object_blobs.size(); ++i) {
    inputs.push_back({absl::StrCat("blob ", i), options.object_blobs[i]});
  }
  if (inputs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "program set ", spec.name(), " names no objects and is not builtin"));
  }
  return inputs;
}

// The daemon's CONFIG_HZ, unless the set says its own: libbpf then reads
// no system config file for it.
void AddPlatformKconfig(const KernelPlatform& platform,
                        std::vector<v1::KconfigOverride>& kconfig) {
  if (platform.hz == 0) return;
  for (const v1::KconfigOverride& o : kconfig) {
    if (o.name() == "CONFIG_HZ") return;
  }
  v1::KconfigOverride& hz = kconfig.emplace_back();
  hz.set_name("CONFIG_HZ");
  hz.set_value(absl::StrCat(platform.hz));
}

ProgramSetInfo DescribeSet(const v1::ProgramSet& spec, Origin origin,
                           std::string pin_dir, LoadedObject& loaded) {
  ProgramSetInfo info;
  info.name = spec.name();
  info.origin = origin;
  info.builtin = spec.builtin();
  info.objects.assign(spec.objects().begin(), spec.objects().end());
  info.pin_dir = std::move(pin_dir);
  info.loaded_at = absl::Now();
  info.verifier_log = std::move(loaded.verifier_log);
  bpf_program* prog;
  bpf_object__for_each_program(prog, loaded.obj.get()) {
    info.programs.push_back(ProgramInfoOf(prog));
  }
  const std::set<std::string> reused(loaded.reused_maps.begin(),
                                     loaded.reused_maps.end());
  bpf_map* map;
  bpf_object__for_each_map(map, loaded.obj.get()) {
    info.maps.push_back(
        MapInfoOf(spec.name(), map, reused.count(bpf_map__name(map))));
  }
  return info;
}

// Saves the blobs in the layout's objects directory and names them in
// `spec`; a blob that cannot be saved is logged (the set will not survive a
// restart).
void SaveObjectBlobs(const std::vector<std::string>& blobs,
                     const PinLayout& layout, v1::ProgramSet& spec) {
  std::error_code ec;
  std::filesystem::create_directories(layout.ObjectsDir(), ec);
  for (size_t i = 0; i < blobs.size(); ++i) {
    const std::string path = layout.SavedObject(spec.name(), i);
    absl::Status s = WriteFileAtomically(path, blobs[i]);
    if (!s.ok()) {
      BPFWARDEN_LOG(ERROR) << "set " << spec.name() << ": " << s
                           << "; it will not come back after a restart";
      continue;
    }
    spec.add_objects(path);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadedSet>> BuildLoadedSet(
    const v1::ProgramSet& spec, const LoadOptions& options,
    const PinLayout& layout, const KernelPlatform& platform,
    const QuotaCheck* quota) {
  absl::StatusOr<std::vector<ObjectInput>> inputs =
      GatherInputs(spec, options, platform.builtin);
  if (!inputs.ok()) return inputs.status();
  absl::StatusOr<std::string> elf = LinkObjects(*inputs);
  if (!elf.ok()) return elf.status();
  absl::StatusOr<LogSites> sites = ReadLogSites(*elf);
  if (!sites.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("set ", spec.name(), ": ", sites.status().message()));
  }

  SetLoadRequest request;
  request.name = spec.name();
  request.layout = &layout;
  request.elf = *std::move(elf);
  request.kconfig.assign(spec.kconfig().begin(), spec.kconfig().end());
  AddPlatformKconfig(platform, request.kconfig);
  request.globals.assign(spec.globals().begin(), spec.globals().end());
  request.pin_all_maps = spec.pin_all_maps();
  request.replace_maps = options.replace_maps;
  request.want_verifier_log = options.want_verifier_log;
  request.log_level = static_cast<uint32_t>(spec.log_level());
  if (options.admin_scopes.has_value()) {
    request.admin_scopes = &*options.admin_scopes;
  }
  request.reduced_caps =
      options.reduced_caps || options.admin_scopes.has_value();
  request.quota = quota;
  absl::StatusOr<LoadedObject> loaded = LoadSetObject(request);
  if (!loaded.ok()) return loaded.status();

  auto set = std::make_unique<LoadedSet>();
  set->pending_pins = std::move(loaded->pins);
  set->spec = spec;
  set->info =
      DescribeSet(spec, options.origin, layout.SetDir(spec.name()), *loaded);
  set->info.owner = options.owner;
  set->info.scoped = request.reduced_caps;
  set->verifier_log = KeptVerifierLog(set->info.verifier_log);
  set->obj = std::move(loaded->obj);
  set->maps = SetMaps::Open(spec.name(), set->obj.get(), set->info.maps);
  set->log_sites = std::make_shared<const LogSites>(*std::move(sites));
  if (options.origin == Origin::kRuntime && !options.object_blobs.empty() &&
      layout.has_state_dir()) {
    SaveObjectBlobs(options.object_blobs, layout, set->spec);
  }
  const ProgramSetInfo& info = set->info;
  BPFWARDEN_LOG(INFO).Field("BPFWARDEN_SET", info.name)
      << "loaded set " << info.name << ": " << info.programs.size()
      << " programs, " << info.maps.size() << " maps ("
      << loaded->reused_maps.size() << " reused from pins)";
  return set;
}

ProgramSetInfo CommitBuiltSet(LoadedSet& set) {
  if (set.pending_pins != nullptr) set.pending_pins->Commit();
  set.pending_pins.reset();
  std::string log = std::exchange(set.info.verifier_log, std::string());
  ProgramSetInfo result = set.info;
  result.verifier_log = std::move(log);
  return result;
}

absl::Status RemoveSetPins(const PinLayout& layout,
                           const ProgramSetInfo& info) {
  StatusList errors;
  for (const MapInfo& map : info.maps) {
    if (map.pin_path.empty()) continue;
    if (::unlink(map.pin_path.c_str()) != 0 && errno != ENOENT) {
      errors.Add(ErrnoStatus(
          errno, absl::StrCat("unpin map ", map.name, " at ", map.pin_path)));
    }
    CrashPoint("map.unpinned");
  }
  for (const std::string& dir :
       {layout.LinksDir(info.name), layout.SetDir(info.name)}) {
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
      errors.Add(ErrnoStatus(errno, absl::StrCat("remove ", dir)));
    }
  }
  return errors.Joined();
}

std::string ProgramNames(const bpf_object* obj) {
  std::vector<std::string> names;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj)
      names.push_back(bpf_program__name(prog));
  return absl::StrJoin(names, ", ");
}

}  // namespace bpfwarden
