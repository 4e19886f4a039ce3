#include "daemon/core/set_loader.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "daemon/base/crash_point.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/libbpf_messages.h"
#include "daemon/base/log.h"
#include "daemon/base/unique_fd.h"
#include "daemon/btf/btf_layout.h"
#include "daemon/core/core_types.h"
#include "daemon/core/libbpf_probes.h"
#include "daemon/core/names.h"
#include "daemon/core/reduced_caps.h"
#include "daemon/core/kernel_types.h"
#include "daemon/core/rodata.h"

namespace bpfwarden {
namespace {

constexpr size_t kLogSize = 1 << 20;
constexpr size_t kFullLogSize = 16 << 20;
constexpr size_t kMaxTotalLog = 64 << 20;  // all programs' buffers together

// Compares the key and value BTF layouts of the pinned map (`info`) and
// the object's `map`, so that a refusal names the field that differs. OK
// when either side lacks BTF (then sizes alone decide).
absl::Status CheckPinnedLayout(const bpf_object* obj, const bpf_map* map,
                               const bpf_map_info& info,
                               const std::string& path) {
  const std::string name = bpf_map__name(map);
  const btf* obj_btf = bpf_object__btf(obj);
  const uint32_t key_id = bpf_map__btf_key_type_id(map);
  const uint32_t value_id = bpf_map__btf_value_type_id(map);
  if (info.btf_id == 0 || obj_btf == nullptr ||
      (key_id == 0 && value_id == 0)) {
    if (info.btf_id != 0 || (obj_btf && (key_id || value_id))) {
      BPFWARDEN_LOG(WARNING) << "map " << name << ": only one side has BTF; "
                             << "reusing " << path << " on sizes alone";
    }
    return absl::OkStatus();
  }
  BtfPtr pinned_btf(btf__load_from_kernel_by_id(info.btf_id));
  if (!pinned_btf) {
    return ErrnoStatus(errno, absl::StrCat("BTF of pinned map ", path));
  }
  for (const auto& [what, old_id, new_id] :
       {std::tuple<const char*, uint32_t, uint32_t>{"key", info.btf_key_type_id,
                                                    key_id},
        {"value", info.btf_value_type_id, value_id}}) {
    std::string diff =
        DescribeLayoutDifference(pinned_btf.get(), old_id, obj_btf, new_id);
    if (!diff.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "pinned map ", name, " (", path, ") has a different ", what,
          " layout: ", diff,
          "; load with replace_maps for a fresh map (its data is lost)"));
    }
  }
  return absl::OkStatus();
}

// Checks that the pinned map at `path` can serve as `map`: its type, then
// its BTF layouts (which name the field), then sizes, max entries and flags.
absl::Status CheckPinnedMap(const bpf_object* obj, const bpf_map* map,
                            const std::string& path, int pinned_fd) {
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(pinned_fd, &info, &len) != 0) {
    return ErrnoStatus(errno, absl::StrCat("info of pinned map ", path));
  }
  const std::string name = bpf_map__name(map);
  auto differs = [&](absl::string_view what, uint64_t pinned, uint64_t wanted) {
    return absl::FailedPreconditionError(absl::StrCat(
        "pinned map ", name, " (", path, ") does not match the object: ", what,
        " ", pinned, " in the pinned map, ", wanted,
        " in the object; load with replace_maps for a fresh map (its data is "
        "lost) or unload it with its maps unpinned"));
  };
  if (info.type != bpf_map__type(map))
    return differs("type", info.type, bpf_map__type(map));
  if (absl::Status s = CheckPinnedLayout(obj, map, info, path); !s.ok()) {
    return s;
  }
  if (info.key_size != bpf_map__key_size(map)) {
    return differs("key size", info.key_size, bpf_map__key_size(map));
  }
  if (info.value_size != bpf_map__value_size(map)) {
    return differs("value size", info.value_size, bpf_map__value_size(map));
  }
  if (info.max_entries != bpf_map__max_entries(map)) {
    return differs("max_entries", info.max_entries, bpf_map__max_entries(map));
  }
  if (info.map_flags != bpf_map__map_flags(map)) {
    return differs("flags", info.map_flags, bpf_map__map_flags(map));
  }
  return absl::OkStatus();
}

// The pin path of `map`, built here (never libbpf's "<dir>/<name>") and
// checked to lie directly in the set's directory.
absl::StatusOr<std::string> MapPinPath(const SetLoadRequest& req,
                                       const bpf_map* map) {
  const std::string name = bpf_map__name(map);
  if (absl::Status s = ValidateObjectName("map", name, /*pinned=*/true);
      !s.ok()) {
    return s;
  }
  const std::filesystem::path path = req.layout->MapPin(req.name, name);
  if (path.parent_path() !=
          std::filesystem::path(req.layout->SetDir(req.name)) ||
      path.filename() != name) {
    return absl::InvalidArgumentError(absl::StrCat(
        "map ", name, " would pin outside the set's pin directory"));
  }
  return path.string();
}

// Sets pin paths and checks or moves aside existing pins. Fills `reused`.
absl::Status PrepareMaps(const SetLoadRequest& req, bpf_object* obj,
                         PinRollback* rollback,
                         std::vector<std::string>* reused) {
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    if (bpf_map__is_internal(map)) {
      bpf_map__set_pin_path(map, nullptr);  // .rodata/.data/.bss/.kconfig
      continue;
    }
    if (bpf_map__pin_path(map) == nullptr && !req.pin_all_maps) {
      if (absl::Status s = ValidateObjectName("map", bpf_map__name(map));
          !s.ok()) {
        return s;
      }
      continue;
    }
    absl::StatusOr<std::string> path = MapPinPath(req, map);
    if (!path.ok()) return path.status();
    if (int err = bpf_map__set_pin_path(map, path->c_str()); err != 0) {
      return ErrnoStatus(err, absl::StrCat("pin path for map ", *path));
    }
    UniqueFd pinned(bpf_obj_get(path->c_str()));
    if (!pinned) {
      if (errno == ENOENT) continue;
      return ErrnoStatus(errno, absl::StrCat("open pinned map ", *path));
    }
    if (req.replace_maps) {
      absl::Status s = rollback->Replace(
          *path, req.layout->ReplacedMapPin(req.name, bpf_map__name(map)));
      if (!s.ok()) return s;
      continue;
    }
    absl::Status s = CheckPinnedMap(obj, map, *path, pinned.get());
    if (!s.ok()) return s;
    reused->push_back(bpf_map__name(map));
  }
  return absl::OkStatus();
}

struct ProgramLog {
  std::string program;
  std::unique_ptr<char[]> buf;
};

absl::Status VerifierError(const std::string& set, int err,
                           const std::vector<ProgramLog>& logs,
                           absl::string_view how) {
  std::string full, tail, failed;
  for (const ProgramLog& log : logs) {
    if (log.buf[0] == '\0') continue;
    absl::StrAppend(&full, "-- program ", log.program, " --\n", log.buf.get(),
                    "\n");
    failed = log.program;
    tail = LogTail(log.buf.get());
  }
  absl::Status status(
      absl::StatusCode::kInvalidArgument,
      absl::StrCat("the verifier rejected program ", failed, " of set ", set,
                   how, " (", std::strerror(std::abs(err)), "); log tail:\n",
                   tail));
  status.SetPayload(kVerifierLogPayload, absl::Cord(full));
  return status;
}

// The object's maps against a scoped administrator's quotas.
absl::Status CheckMapQuotas(const SetLoadRequest& req, const bpf_object* obj) {
  QuotaUsage maps;
  const bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    ++maps.maps;
    maps.map_bytes += MapBytes(bpf_map__key_size(map), bpf_map__value_size(map),
                               bpf_map__max_entries(map));
  }
  return CheckQuotas(req.quota->quotas, req.quota->held, maps,
                     req.quota->principal, req.name);
}

// Sets bw_log_level (bpf/include/bpfwarden/log.h) when asked and present.
absl::Status SetLogLevel(bpf_object* obj, uint32_t level) {
  const btf* b = bpf_object__btf(obj);
  if (level == 0 || b == nullptr ||
      btf__find_by_name_kind(b, "bw_log_level", BTF_KIND_VAR) < 0) {
    return absl::OkStatus();
  }
  v1::GlobalValue value;
  value.set_name("bw_log_level");
  value.set_uint_value(level);
  return SetRodataGlobal(obj, value);
}

// Creates the maps and loads the programs: everything the kernel checks.
// `how` says with which privileges, in a refusal.
absl::Status LoadInKernel(const std::string& set, bpf_object* obj,
                          const std::vector<ProgramLog>& logs,
                          absl::string_view how) {
  LibbpfMessages libbpf;  // on the thread that loads
  if (int err = bpf_object__load(obj); err != 0) {
    for (const ProgramLog& log : logs) {
      if (log.buf[0] != '\0') return VerifierError(set, err, logs, how);
    }
    return libbpf.Annotate(
        ErrnoStatus(err, absl::StrCat("load set ", set, how)));
  }
  CrashPoint("load.maps_pinned");  // libbpf pinned the new maps
  return absl::OkStatus();
}

// A scoped administrator's object is verified on a thread with only
// kScopedLoadCaps effective; root's and the configuration's with the
// daemon's own.
absl::Status LoadWithCallersPrivileges(const SetLoadRequest& req,
                                       bpf_object* obj,
                                       const std::vector<ProgramLog>& logs) {
  absl::Status status;
  if (req.admin_scopes == nullptr && !req.reduced_caps) {
    status = LoadInKernel(req.name, obj, logs, "");
  } else {
    WarmLibbpfFeatureProbes();
    const std::string how =
        absl::StrCat(" (a scoped administrator's, with ",
                     CapabilityNames(kScopedLoadCaps), " only)");
    status = RunWithEffectiveCaps(kScopedLoadCaps, [&] {
      return LoadInKernel(req.name, obj, logs, how);
    });
  }
  if (status.ok()) return status;
  // A type the kernel lacks fails as a bare EINVAL: name it instead (probed
  // with the daemon's own privileges, back from any reduced ones).
  absl::Status missing = CheckKernelTypes(req.name, obj);
  return missing.ok() ? status : missing;
}

}  // namespace

absl::StatusOr<std::string> KconfigText(
    const std::vector<v1::KconfigOverride>& overrides) {
  std::string text;
  for (const v1::KconfigOverride& o : overrides) {
    if (!absl::StartsWith(o.name(), "CONFIG_") ||
        o.name().find_first_of("=\n ") != std::string::npos ||
        o.value().find('\n') != std::string::npos || o.value().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad kconfig override ", o.name(), "=", o.value(),
          ": want CONFIG_NAME and a one-line value such as 250, y or \"str\""));
    }
    absl::StrAppend(&text, o.name(), "=", o.value(), "\n");
  }
  return text;
}

std::string LogTail(const std::string& log, int max_lines) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(log, '\n', absl::SkipWhitespace());
  if (lines.size() > static_cast<size_t>(max_lines)) {
    lines.erase(lines.begin(), lines.end() - max_lines);
  }
  return absl::StrJoin(lines, "\n");
}

std::string KeptVerifierLog(absl::string_view log) {
  if (log.size() <= kKeptVerifierLogBytes) return std::string(log);
  absl::string_view tail = log.substr(log.size() - kKeptVerifierLogBytes);
  const size_t line = tail.find('\n');
  if (line != absl::string_view::npos) tail.remove_prefix(line + 1);
  return std::string(tail);
}

size_t VerifierLogSize(size_t programs, bool full) {
  const size_t each = full ? kFullLogSize : kLogSize;
  return programs == 0 ? each : std::min(each, kMaxTotalLog / programs);
}

absl::StatusOr<LoadedObject> LoadSetObject(const SetLoadRequest& req) {
  absl::StatusOr<std::string> kconfig = KconfigText(req.kconfig);
  if (!kconfig.ok()) return kconfig.status();
  const std::string pin_dir = req.layout->SetDir(req.name);
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = req.name.c_str(),
              .pin_root_path = pin_dir.c_str(),
              .kconfig = kconfig->empty() ? nullptr : kconfig->c_str());
  LibbpfMessages libbpf;
  LoadedObject out;
  out.obj.reset(bpf_object__open_mem(req.elf.data(), req.elf.size(), &opts));
  if (!out.obj) {
    return libbpf.Annotate(absl::InvalidArgumentError(
        absl::StrCat("set ", req.name, ": libbpf cannot open the object (",
                     std::strerror(errno), ")")));
  }
  bpf_object* obj = out.obj.get();
  if (bpf_object__next_program(obj, nullptr) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("set ", req.name, ": the object has no programs"));
  }
  for (const v1::GlobalValue& g : req.globals) {
    absl::Status s = SetRodataGlobal(obj, g);
    if (!s.ok()) return s;
  }
  if (absl::Status s = SetLogLevel(obj, req.log_level); !s.ok()) return s;
  size_t programs = 0;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    if (absl::Status s = ValidateObjectName("program", bpf_program__name(prog));
        !s.ok()) {
      return s;
    }
    ++programs;
  }
  if (programs > kMaxProgramsPerSet) {
    return absl::InvalidArgumentError(
        absl::StrCat("set ", req.name, ": the object has ", programs,
                     " programs, more than ", kMaxProgramsPerSet));
  }
  if (req.admin_scopes != nullptr) {
    if (absl::Status s = CheckProgramTypes(*req.admin_scopes, obj); !s.ok()) {
      return s;
    }
  }
  if (req.quota != nullptr) {
    if (absl::Status s = CheckMapQuotas(req, obj); !s.ok()) return s;
  }
  std::vector<ProgramLog> logs;
  const size_t log_size = VerifierLogSize(programs, req.want_verifier_log);
  bpf_object__for_each_program(prog, obj) {
    logs.push_back(
        {bpf_program__name(prog), std::make_unique<char[]>(log_size)});
    logs.back().buf[0] = '\0';
    bpf_program__set_log_buf(prog, logs.back().buf.get(), log_size);
    if (req.want_verifier_log) bpf_program__set_log_level(prog, 1);
  }

  out.pins = std::make_unique<PinRollback>(pin_dir);
  if (absl::Status s = out.pins->MakeDir(); !s.ok()) return s;
  absl::Status prepared =
      PrepareMaps(req, obj, out.pins.get(), &out.reused_maps);
  if (!prepared.ok()) return prepared;

  if (absl::Status s = LoadWithCallersPrivileges(req, obj, logs); !s.ok()) {
    return s;
  }
  if (req.want_verifier_log) {
    for (const ProgramLog& log : logs) {
      absl::StrAppend(&out.verifier_log, "-- program ", log.program, " --\n",
                      log.buf.get(), "\n");
    }
  }
  // The buffers go away with this function.
  bpf_object__for_each_program(prog, obj)
      bpf_program__set_log_buf(prog, nullptr, 0);
  return out;
}

}  // namespace bpfwarden
