#include "daemon/warden.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <set>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bpf/bpfwarden_embedded.h"
#include "daemon/cgroup.h"
#include "daemon/cgroup_link.h"
#include "daemon/errno_status.h"
#include "daemon/libbpf_ptr.h"
#include "daemon/log.h"
#include "daemon/names.h"
#include "daemon/object_file.h"
#include "daemon/set_loader.h"
#include "daemon/state_store.h"
#include "daemon/unique_fd.h"
#include "google/protobuf/util/message_differencer.h"

namespace bpfwarden {

struct LoadedSet {
  v1::ProgramSet spec;  // as loaded; runtime blobs appear as saved files
  BpfObjectPtr obj;
  ProgramSetInfo info;
};

struct OwnedAttachment {
  v1::Attachment spec;
  bpf_attach_type type;
  UniqueFd link;
  AttachmentInfo info;
};

namespace {

constexpr char kStateFile[] = "state.textproto";
// bpffs refuses names with a dot; map names never hold a dash.
constexpr char kLinksDir[] = "pinned-links";

int LibbpfPrint(enum libbpf_print_level level, const char* format,
                va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[1024];
  int n = std::vsnprintf(buf, sizeof(buf), format, args);
  std::string text(buf);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  BPFWARDEN_LOG(WARNING) << "libbpf: " << text;
  return n;
}

absl::Status Joined(const std::vector<absl::Status>& errors) {
  if (errors.empty()) return absl::OkStatus();
  std::vector<std::string> messages;
  for (const absl::Status& s : errors) messages.push_back(s.ToString());
  return absl::Status(errors.front().code(), absl::StrJoin(messages, "; "));
}

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

std::string ProgramNames(const bpf_object* obj) {
  std::vector<std::string> names;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj)
      names.push_back(bpf_program__name(prog));
  return absl::StrJoin(names, ", ");
}

std::string MapNames(const bpf_object* obj) {
  std::vector<std::string> names;
  bpf_map* map;
  bpf_object__for_each_map(map, obj) names.push_back(bpf_map__name(map));
  return absl::StrJoin(names, ", ");
}

// Removes a pinned link: hold it, unlink the pin, detach, close.
void RemovePinnedLink(const std::string& path) {
  UniqueFd link(bpf_obj_get(path.c_str()));
  ::unlink(path.c_str());
  DetachAndClose(std::move(link));
}

}  // namespace

// What Attach resolved from a spec: the set, program, type, cgroup and id.
struct ResolvedAttachment {
  LoadedSet* set = nullptr;
  bpf_program* program = nullptr;
  bpf_attach_type type;
  std::string cgroup;
  std::string id;
};

absl::StatusOr<std::unique_ptr<Warden>> Warden::Create(WardenOptions options) {
  libbpf_set_print(LibbpfPrint);
  if (options.cgroup2_mount.empty()) {
    absl::StatusOr<std::string> mount = FindCgroup2Mount();
    if (!mount.ok()) return mount.status();
    options.cgroup2_mount = *mount;
  }
  // Parents as bpffs makes them; the pin root itself root-only.
  std::error_code ec;
  std::filesystem::create_directories(
      std::filesystem::path(options.pin_root).parent_path(), ec);
  if (::mkdir(options.pin_root.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno,
                       absl::StrCat("create pin root ", options.pin_root));
  }
  struct statfs fs;
  if (::statfs(options.pin_root.c_str(), &fs) != 0) {
    return ErrnoStatus(errno, absl::StrCat("statfs ", options.pin_root));
  }
  if (static_cast<unsigned long>(fs.f_type) != BPF_FS_MAGIC) {
    return absl::FailedPreconditionError(
        absl::StrCat("pin root ", options.pin_root,
                     " is not on a bpf filesystem; mount one (mount -t bpf bpf "
                     "/sys/fs/bpf)"));
  }
  return std::unique_ptr<Warden>(new Warden(std::move(options)));
}

Warden::Warden(WardenOptions options) : options_(std::move(options)) {}

Warden::~Warden() {
  absl::Status s = Shutdown(false);
  if (!s.ok()) BPFWARDEN_LOG(ERROR) << "shutdown: " << s;
}

absl::Status Warden::CheckRunning() const {
  if (shut_down_)
    return absl::FailedPreconditionError("the daemon is shutting down");
  return absl::OkStatus();
}

absl::Status Warden::DeclaredInConfig(const std::string& what) const {
  const std::string dir =
      options_.config_dir.empty()
          ? "the configuration directory"
          : absl::StrCat("the configuration (", options_.config_dir, ")");
  return absl::FailedPreconditionError(absl::StrCat(
      what, " is declared in ", dir, "; remove it there and reload (SIGHUP)"));
}

// ---------------------------------------------------------------- programs

absl::StatusOr<ProgramSetInfo> Warden::Load(const v1::ProgramSet& spec,
                                            const LoadOptions& options) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<ProgramSetInfo> info = LoadLocked(spec, options);
  if (info.ok() && options.origin == Origin::kRuntime) PersistOrLogLocked();
  return info;
}

absl::StatusOr<ProgramSetInfo> Warden::LoadLocked(const v1::ProgramSet& spec,
                                                  const LoadOptions& options) {
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  if (absl::Status s = ValidateSetName(spec.name()); !s.ok()) return s;
  if (sets_.count(spec.name())) {
    return absl::AlreadyExistsError(
        absl::StrCat("program set ", spec.name(),
                     " is already loaded; unload or reload it"));
  }
  absl::StatusOr<std::unique_ptr<LoadedSet>> set =
      BuildSetLocked(spec, options);
  if (!set.ok()) return set.status();
  ProgramSetInfo result = (*set)->info;
  sets_[spec.name()] = *std::move(set);
  return result;
}

absl::StatusOr<std::unique_ptr<LoadedSet>> Warden::BuildSetLocked(
    const v1::ProgramSet& spec, const LoadOptions& options) {
  std::vector<ObjectInput> inputs;
  if (spec.builtin()) {
    if (spec.objects_size() > 0 || !options.object_blobs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "program set ", spec.name(), " is builtin and takes no objects"));
    }
    std::span<const uint8_t> elf = embedded::BpfwardenObject();
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
  absl::StatusOr<std::string> elf = LinkObjects(inputs);
  if (!elf.ok()) return elf.status();

  SetLoadRequest request;
  request.name = spec.name();
  request.pin_dir = absl::StrCat(options_.pin_root, "/", spec.name());
  request.elf = *std::move(elf);
  request.kconfig.assign(spec.kconfig().begin(), spec.kconfig().end());
  request.globals.assign(spec.globals().begin(), spec.globals().end());
  request.pin_all_maps = spec.pin_all_maps();
  request.replace_maps = options.replace_maps;
  request.want_verifier_log = options.want_verifier_log;
  absl::StatusOr<LoadedObject> loaded = LoadSetObject(request);
  if (!loaded.ok()) return loaded.status();

  auto set = std::make_unique<LoadedSet>();
  set->spec = spec;
  set->obj = std::move(loaded->obj);
  ProgramSetInfo& info = set->info;
  info.name = spec.name();
  info.origin = options.origin;
  info.builtin = spec.builtin();
  info.objects.assign(spec.objects().begin(), spec.objects().end());
  info.pin_dir = request.pin_dir;
  info.loaded_at = absl::Now();
  info.verifier_log = std::move(loaded->verifier_log);
  bpf_program* prog;
  bpf_object__for_each_program(prog, set->obj.get()) {
    info.programs.push_back(ProgramInfoOf(prog));
  }
  const std::set<std::string> reused(loaded->reused_maps.begin(),
                                     loaded->reused_maps.end());
  bpf_map* map;
  bpf_object__for_each_map(map, set->obj.get()) {
    info.maps.push_back(
        MapInfoOf(spec.name(), map, reused.count(bpf_map__name(map))));
  }
  if (options.origin == Origin::kRuntime && !options.object_blobs.empty() &&
      !options_.state_dir.empty()) {
    const std::string dir = absl::StrCat(options_.state_dir, "/objects");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (size_t i = 0; i < options.object_blobs.size(); ++i) {
      const std::string path =
          absl::StrCat(dir, "/", spec.name(), "-", i, ".bpf.o");
      absl::Status s = WriteFileAtomically(path, options.object_blobs[i]);
      if (!s.ok()) {
        BPFWARDEN_LOG(ERROR) << "set " << spec.name() << ": " << s
                             << "; it will not come back after a restart";
        continue;
      }
      set->spec.add_objects(path);
    }
  }
  BPFWARDEN_LOG(INFO) << "loaded set " << info.name << ": "
                      << info.programs.size() << " programs, "
                      << info.maps.size() << " maps (" << reused.size()
                      << " reused from pins)";
  return set;
}

absl::StatusOr<ProgramSetInfo> Warden::Reload(const v1::ProgramSet& spec,
                                              const LoadOptions& options) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<ProgramSetInfo> info = ReloadLocked(spec, options);
  if (info.ok()) PersistOrLogLocked();
  return info;
}

absl::StatusOr<ProgramSetInfo> Warden::ReloadLocked(
    const v1::ProgramSet& spec, const LoadOptions& options) {
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  auto old = sets_.find(spec.name());
  if (old == sets_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no program set named ", spec.name()));
  }
  // The new version loads beside the old one, reusing its pinned maps; on
  // failure the old one stays as it was.
  absl::StatusOr<std::unique_ptr<LoadedSet>> fresh =
      BuildSetLocked(spec, options);
  if (!fresh.ok()) return fresh.status();
  for (auto& [id, att] : attachments_) {
    if (att->info.program_set != spec.name()) continue;
    absl::Status moved = MoveAttachment(*att, (*fresh)->obj.get());
    if (!moved.ok()) {
      BPFWARDEN_LOG(WARNING)
          << "reload " << spec.name() << ": " << moved << "; detaching " << id;
    }
  }
  std::vector<std::string> orphans;
  for (const auto& [id, att] : attachments_) {
    if (att->info.program_set == spec.name() && att->info.program_id == 0) {
      orphans.push_back(id);
    }
  }
  for (const std::string& id : orphans)
    DetachLocked(id, /*keep_pin=*/false).IgnoreError();
  old->second = *std::move(fresh);
  BPFWARDEN_LOG(INFO) << "reloaded set " << spec.name();
  return old->second->info;
}

// Points the attachment's link at the program of the same name in `obj`
// (BPF_LINK_UPDATE: no moment without a program). On failure the
// attachment is marked for detaching (program_id 0).
absl::Status Warden::MoveAttachment(OwnedAttachment& att, bpf_object* obj) {
  att.info.program_id = 0;
  bpf_program* prog =
      bpf_object__find_program_by_name(obj, att.info.program.c_str());
  if (prog == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("the new version has no program ", att.info.program));
  }
  absl::Status fits =
      CheckProgramFits(bpf_program__type(prog),
                       bpf_program__expected_attach_type(prog), att.type);
  if (!fits.ok()) return fits;
  if (bpf_link_update(att.link.get(), bpf_program__fd(prog), nullptr) != 0) {
    return ErrnoStatus(errno, absl::StrCat("update link of ", att.info.id));
  }
  absl::StatusOr<LinkInfo> link = GetLinkInfo(att.link.get());
  att.info.program_id = link.ok() ? link->program_id : 0;
  if (att.info.program_id == 0)
    return absl::InternalError("link info after update");
  return absl::OkStatus();
}

absl::Status Warden::Unload(absl::string_view name, bool keep_maps) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  if (auto it = sets_.find(std::string(name));
      it != sets_.end() && it->second->info.origin == Origin::kConfig) {
    return DeclaredInConfig(absl::StrCat("program set ", name));
  }
  absl::Status s = UnloadLocked(std::string(name), keep_maps);
  if (s.ok()) PersistOrLogLocked();
  return s;
}

absl::Status Warden::UnloadLocked(const std::string& name, bool keep_maps) {
  auto it = sets_.find(name);
  if (it == sets_.end()) {
    return absl::NotFoundError(absl::StrCat("no program set named ", name));
  }
  std::vector<std::string> ids;
  for (const auto& [id, att] : attachments_) {
    if (att->info.program_set == name) ids.push_back(id);
  }
  for (const std::string& id : ids) {
    absl::Status s = DetachLocked(id, /*keep_pin=*/false);
    if (!s.ok()) BPFWARDEN_LOG(ERROR) << "detach " << id << ": " << s;
  }
  std::vector<std::string> pins;
  for (const MapInfo& map : it->second->info.maps) {
    if (!map.pin_path.empty()) pins.push_back(map.pin_path);
  }
  const std::string pin_dir = it->second->info.pin_dir;
  sets_.erase(it);
  if (!keep_maps) {
    for (const std::string& pin : pins) {
      if (::unlink(pin.c_str()) != 0 && errno != ENOENT) {
        BPFWARDEN_LOG(ERROR) << "unpin " << pin << ": " << std::strerror(errno);
      }
    }
    ::rmdir(absl::StrCat(pin_dir, "/", kLinksDir).c_str());
    ::rmdir(pin_dir.c_str());
  }
  BPFWARDEN_LOG(INFO) << "unloaded set " << name
                      << (keep_maps ? " (maps stay pinned)"
                                    : " and unpinned its maps");
  return absl::OkStatus();
}

std::vector<ProgramSetInfo> Warden::ListSets() const {
  absl::MutexLock lock(&mu_);
  std::vector<ProgramSetInfo> out;
  for (const auto& [name, set] : sets_) out.push_back(set->info);
  return out;
}

absl::StatusOr<ProgramSetInfo> Warden::GetSet(absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = sets_.find(std::string(name));
  if (it == sets_.end()) {
    return absl::NotFoundError(absl::StrCat("no program set named ", name));
  }
  return it->second->info;
}

// ------------------------------------------------------------- attachments

absl::StatusOr<ResolvedAttachment> Warden::ResolveLocked(
    const v1::Attachment& spec) const {
  auto it = sets_.find(spec.program_set());
  if (it == sets_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no program set named ", spec.program_set()));
  }
  ResolvedAttachment r;
  r.set = it->second.get();
  r.program = bpf_object__find_program_by_name(r.set->obj.get(),
                                               spec.program().c_str());
  if (r.program == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "program set ", spec.program_set(), " has no program named ",
        spec.program(), " (it has: ", ProgramNames(r.set->obj.get()), ")"));
  }
  const bpf_attach_type expected = bpf_program__expected_attach_type(r.program);
  if (spec.attach_type().empty()) {
    r.type = expected;
  } else {
    absl::StatusOr<bpf_attach_type> type =
        ParseCgroupAttachType(spec.attach_type());
    if (!type.ok()) return type.status();
    r.type = *type;
  }
  absl::Status fits =
      CheckProgramFits(bpf_program__type(r.program), expected, r.type);
  if (!fits.ok()) {
    return absl::Status(fits.code(), absl::StrCat("program ", spec.program(),
                                                  ": ", fits.message()));
  }
  absl::StatusOr<std::string> cgroup =
      ResolveCgroup2Dir(spec.cgroup(), options_.cgroup2_mount);
  if (!cgroup.ok()) return cgroup.status();
  r.cgroup = *cgroup;
  r.id = AttachmentId(spec.program_set(), spec.program(), r.cgroup, r.type);
  return r;
}

absl::StatusOr<AttachmentInfo> Warden::Attach(const v1::Attachment& spec,
                                              Origin origin) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<AttachmentInfo> info = AttachLocked(spec, origin);
  if (info.ok() && (origin == Origin::kRuntime || spec.pinned())) {
    PersistOrLogLocked();
  }
  return info;
}

// Opens the pinned link of a known attachment and points it at `prog_fd`;
// NotFound when there is nothing to adopt.
static absl::StatusOr<UniqueFd> AdoptPinnedLink(const std::string& pin_path,
                                                const std::string& cgroup,
                                                bpf_attach_type type,
                                                int prog_fd) {
  UniqueFd link(bpf_obj_get(pin_path.c_str()));
  if (!link)
    return ErrnoStatus(errno, absl::StrCat("open pinned link ", pin_path));
  absl::StatusOr<LinkInfo> info = GetLinkInfo(link.get());
  if (!info.ok()) return info.status();
  absl::StatusOr<uint64_t> cgroup_id = CgroupId(cgroup);
  if (!info->is_cgroup || !cgroup_id.ok() || info->cgroup_id != *cgroup_id ||
      info->attach_type != type) {
    return absl::FailedPreconditionError(absl::StrCat(
        "pinned link ", pin_path, " is not the attachment its name says"));
  }
  if (bpf_link_update(link.get(), prog_fd, nullptr) != 0) {
    return ErrnoStatus(errno, absl::StrCat("update pinned link ", pin_path));
  }
  return link;
}

absl::StatusOr<AttachmentInfo> Warden::AttachLocked(const v1::Attachment& spec,
                                                    Origin origin) {
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  absl::StatusOr<ResolvedAttachment> r = ResolveLocked(spec);
  if (!r.ok()) return r.status();
  if (attachments_.count(r->id)) {
    return absl::AlreadyExistsError(
        absl::StrCat("program ", spec.program(), " of set ", spec.program_set(),
                     " is already attached to ", r->cgroup, " as ",
                     AttachTypeName(r->type), " (attachment ", r->id, ")"));
  }
  const int prog_fd = bpf_program__fd(r->program);
  const std::string links_dir =
      absl::StrCat(r->set->info.pin_dir, "/", kLinksDir);
  const std::string pin_path = absl::StrCat(links_dir, "/", r->id);

  auto att = std::make_unique<OwnedAttachment>();
  att->spec = spec;
  att->type = r->type;
  bool adopted = false;
  struct stat st;
  const bool pin_exists = ::stat(pin_path.c_str(), &st) == 0;
  if (spec.pinned() && pin_exists && known_pinned_.count(r->id)) {
    absl::StatusOr<UniqueFd> link =
        AdoptPinnedLink(pin_path, r->cgroup, r->type, prog_fd);
    if (link.ok()) {
      att->link = *std::move(link);
      adopted = true;
    } else {
      BPFWARDEN_LOG(WARNING)
          << "not adopting " << pin_path << ": " << link.status();
    }
  }
  if (!adopted) {
    if (pin_exists) {
      BPFWARDEN_LOG(WARNING) << "removing stale pinned link " << pin_path;
      RemovePinnedLink(pin_path);
    }
    absl::StatusOr<UniqueFd> link =
        CreateCgroupLink(prog_fd, r->cgroup, r->type);
    if (!link.ok()) return link.status();
    att->link = *std::move(link);
    if (spec.pinned()) {
      if (::mkdir(links_dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return ErrnoStatus(errno, absl::StrCat("create ", links_dir));
      }
      if (bpf_obj_pin(att->link.get(), pin_path.c_str()) != 0) {
        return ErrnoStatus(errno, absl::StrCat("pin link at ", pin_path));
      }
    }
  }
  AttachmentInfo& info = att->info;
  info.id = r->id;
  info.ours = true;
  info.origin = origin;
  info.program_set = spec.program_set();
  info.program = spec.program();
  info.cgroup = r->cgroup;
  info.attach_type = AttachTypeName(r->type);
  info.pinned = spec.pinned();
  if (spec.pinned()) info.link_pin_path = pin_path;
  if (absl::StatusOr<LinkInfo> link = GetLinkInfo(att->link.get()); link.ok()) {
    info.link_id = link->link_id;
    info.program_id = link->program_id;
  }
  BPFWARDEN_LOG(INFO) << (adopted ? "adopted " : "attached ")
                      << spec.program_set() << "/" << spec.program() << " to "
                      << r->cgroup << " as " << info.attach_type << " ("
                      << info.id << ", link " << info.link_id
                      << (info.pinned ? ", pinned" : "") << ")";
  AttachmentInfo result = info;
  attachments_[r->id] = std::move(att);
  return result;
}

absl::Status Warden::Detach(absl::string_view id) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  if (auto it = attachments_.find(std::string(id));
      it != attachments_.end() && it->second->info.origin == Origin::kConfig) {
    const AttachmentInfo& info = it->second->info;
    return DeclaredInConfig(absl::StrCat("attachment ", id, " (",
                                         info.program_set, "/", info.program,
                                         " on ", info.cgroup, ")"));
  }
  absl::Status s = DetachLocked(std::string(id), /*keep_pin=*/false);
  if (s.ok()) PersistOrLogLocked();
  return s;
}

absl::Status Warden::DetachLocked(const std::string& id, bool keep_pin) {
  auto it = attachments_.find(id);
  if (it == attachments_.end()) {
    return absl::NotFoundError(absl::StrCat("no attachment with id ", id));
  }
  std::unique_ptr<OwnedAttachment> att = std::move(it->second);
  attachments_.erase(it);
  if (att->info.pinned && keep_pin) {
    att->link.Reset();  // the pin keeps it attached
    BPFWARDEN_LOG(INFO) << "left pinned link " << att->info.link_pin_path;
    return absl::OkStatus();
  }
  if (att->info.pinned) ::unlink(att->info.link_pin_path.c_str());
  DetachAndClose(std::move(att->link));
  BPFWARDEN_LOG(INFO) << "detached " << att->info.program_set << "/"
                      << att->info.program << " from " << att->info.cgroup
                      << " (" << id << ")";
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AttachmentInfo>> Warden::ListAttachments(
    std::optional<std::string> cgroup) const {
  absl::MutexLock lock(&mu_);
  std::set<std::string> cgroups;
  if (cgroup.has_value()) {
    absl::StatusOr<std::string> path =
        ResolveCgroup2Dir(*cgroup, options_.cgroup2_mount);
    if (!path.ok()) return path.status();
    cgroups.insert(*path);
  } else {
    for (const auto& [id, att] : attachments_) cgroups.insert(att->info.cgroup);
  }
  std::vector<AttachmentInfo> out;
  std::set<std::pair<std::string, uint32_t>> ours;  // (cgroup/type, prog id)
  for (const auto& [id, att] : attachments_) {
    if (!cgroups.count(att->info.cgroup)) continue;
    out.push_back(att->info);
    ours.insert({att->info.cgroup + "\n" + att->info.attach_type,
                 att->info.program_id});
  }
  for (const std::string& path : cgroups) {
    absl::StatusOr<std::vector<CgroupProgram>> attached = QueryCgroup(path);
    if (!attached.ok()) return attached.status();
    for (const CgroupProgram& p : *attached) {
      const std::string type = AttachTypeName(p.type);
      if (ours.count({path + "\n" + type, p.program_id})) continue;
      AttachmentInfo info;
      info.ours = false;
      info.program = p.program_name;
      info.cgroup = path;
      info.attach_type = type;
      info.program_id = p.program_id;
      info.attach_flags = p.attach_flags;
      out.push_back(info);
    }
  }
  return out;
}

// -------------------------------------------------------------------- maps

absl::StatusOr<OpenedMap> Warden::OpenMap(absl::string_view set_name,
                                          absl::string_view map_name) const {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  auto it = sets_.find(std::string(set_name));
  if (it == sets_.end()) {
    return absl::NotFoundError(absl::StrCat("no program set named ", set_name));
  }
  const bpf_object* obj = it->second->obj.get();
  const bpf_map* map =
      bpf_object__find_map_by_name(obj, std::string(map_name).c_str());
  if (map == nullptr) {
    return absl::NotFoundError(absl::StrCat("program set ", set_name,
                                            " has no map named ", map_name,
                                            " (it has: ", MapNames(obj), ")"));
  }
  OpenedMap out;
  out.fd.Reset(::fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 3));
  if (!out.fd) return ErrnoStatus(errno, absl::StrCat("dup map ", map_name));
  for (const MapInfo& info : it->second->info.maps) {
    if (info.name == bpf_map__name(map)) out.info = info;
  }
  return out;
}

std::vector<MapInfo> Warden::ListMaps() const {
  absl::MutexLock lock(&mu_);
  std::vector<MapInfo> out;
  for (const auto& [name, set] : sets_) {
    out.insert(out.end(), set->info.maps.begin(), set->info.maps.end());
  }
  return out;
}

// ------------------------------------------------------ state and lifecycle

absl::Status Warden::PersistLocked(bool include_pinned_links) {
  if (options_.state_dir.empty()) return absl::OkStatus();
  v1::State state;
  for (const auto& [name, set] : sets_) {
    if (set->info.origin == Origin::kRuntime)
      *state.add_program_sets() = set->spec;
  }
  for (const auto& [id, att] : attachments_) {
    if (att->info.origin == Origin::kRuntime)
      *state.add_attachments() = att->spec;
    if (att->info.pinned && include_pinned_links) {
      v1::PinnedLink* link = state.add_pinned_links();
      link->set_id(id);
      link->set_pin_path(att->info.link_pin_path);
      *link->mutable_attachment() = att->spec;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(options_.state_dir, ec);
  return WriteFileAtomically(absl::StrCat(options_.state_dir, "/", kStateFile),
                             SerializeState(state));
}

void Warden::PersistOrLogLocked() {
  absl::Status s = PersistLocked(true);
  if (!s.ok()) BPFWARDEN_LOG(ERROR) << "persist state: " << s;
}

absl::Status Warden::CleanUnknownLinkPinsLocked() {
  std::set<std::string> owned;
  for (const auto& [id, att] : attachments_) {
    if (att->info.pinned) owned.insert(att->info.link_pin_path);
  }
  std::error_code ec;
  for (const auto& set_dir :
       std::filesystem::directory_iterator(options_.pin_root, ec)) {
    const std::filesystem::path links = set_dir.path() / kLinksDir;
    std::error_code ec2;
    for (const auto& pin : std::filesystem::directory_iterator(links, ec2)) {
      if (owned.count(pin.path().string())) continue;
      BPFWARDEN_LOG(WARNING)
          << "removing pinned link " << pin.path().string()
          << ": no attachment of the state or config owns it";
      RemovePinnedLink(pin.path().string());
    }
  }
  return absl::OkStatus();
}

absl::Status Warden::Start(const v1::Config& config) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  std::vector<absl::Status> errors;
  v1::State state;
  if (!options_.state_dir.empty()) {
    const std::string path = absl::StrCat(options_.state_dir, "/", kStateFile);
    absl::StatusOr<std::optional<v1::State>> read = ReadStateFile(path);
    if (!read.ok()) {
      const std::string aside = path + ".corrupt";
      ::rename(path.c_str(), aside.c_str());
      BPFWARDEN_LOG(ERROR) << "ignoring the state file: " << read.status()
                           << "; moved it to " << aside
                           << "; starting from the configuration alone";
      errors.push_back(read.status());
    } else if (read->has_value()) {
      state = **read;
    }
  }
  for (const v1::PinnedLink& link : state.pinned_links()) {
    known_pinned_[link.id()] = link.attachment();
  }
  auto note = [&](const absl::Status& s, const std::string& what) {
    if (s.ok()) return;
    BPFWARDEN_LOG(ERROR) << what << ": " << s;
    errors.push_back(
        absl::Status(s.code(), absl::StrCat(what, ": ", s.message())));
  };
  for (const v1::ProgramSet& set : config.program_sets()) {
    note(LoadLocked(set, {.origin = Origin::kConfig}).status(),
         absl::StrCat("config set ", set.name()));
  }
  for (const v1::ProgramSet& set : state.program_sets()) {
    note(LoadLocked(set, {.origin = Origin::kRuntime}).status(),
         absl::StrCat("runtime set ", set.name()));
  }
  for (const v1::Attachment& att : config.attachments()) {
    note(AttachLocked(att, Origin::kConfig).status(),
         absl::StrCat("config attachment ", att.program_set(), "/",
                      att.program(), " to ", att.cgroup()));
  }
  for (const v1::Attachment& att : state.attachments()) {
    note(AttachLocked(att, Origin::kRuntime).status(),
         absl::StrCat("runtime attachment ", att.program_set(), "/",
                      att.program(), " to ", att.cgroup()));
  }
  note(CleanUnknownLinkPinsLocked(), "clean link pins");
  known_pinned_.clear();
  note(PersistLocked(true), "persist state");
  return Joined(errors);
}

absl::Status Warden::Reconcile(const v1::Config& config) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  std::vector<absl::Status> errors;
  auto note = [&](const absl::Status& s, const std::string& what) {
    if (s.ok()) return;
    BPFWARDEN_LOG(ERROR) << what << ": " << s;
    errors.push_back(
        absl::Status(s.code(), absl::StrCat(what, ": ", s.message())));
  };
  std::map<std::string, const v1::ProgramSet*> desired_sets;
  for (const v1::ProgramSet& set : config.program_sets()) {
    desired_sets[set.name()] = &set;
  }
  std::vector<std::string> config_sets;
  for (const auto& [name, set] : sets_) {
    if (set->info.origin == Origin::kConfig) config_sets.push_back(name);
  }
  for (const std::string& name : config_sets) {
    auto want = desired_sets.find(name);
    if (want == desired_sets.end()) {
      note(UnloadLocked(name, /*keep_maps=*/true),
           absl::StrCat("unload ", name));
      continue;
    }
    if (google::protobuf::util::MessageDifferencer::Equals(sets_[name]->spec,
                                                           *want->second)) {
      continue;
    }
    // Changed: the new version replaces the old one in place; attachments
    // move over without a gap (those whose program is gone are detached).
    note(ReloadLocked(*want->second, {.origin = Origin::kConfig}).status(),
         absl::StrCat("reload ", name));
  }
  for (const auto& [name, spec] : desired_sets) {
    if (!sets_.count(name)) {
      note(LoadLocked(*spec, {.origin = Origin::kConfig}).status(),
           absl::StrCat("load ", name));
    }
  }
  std::map<std::string, const v1::Attachment*> desired_atts;
  for (const v1::Attachment& att : config.attachments()) {
    absl::StatusOr<ResolvedAttachment> r = ResolveLocked(att);
    if (!r.ok()) {
      note(r.status(), absl::StrCat("config attachment ", att.program()));
      continue;
    }
    desired_atts[r->id] = &att;
  }
  std::vector<std::string> stale;
  for (const auto& [id, att] : attachments_) {
    if (att->info.origin != Origin::kConfig) continue;
    auto want = desired_atts.find(id);
    if (want == desired_atts.end() ||
        want->second->pinned() != att->info.pinned) {
      stale.push_back(id);
    }
  }
  for (const std::string& id : stale) {
    note(DetachLocked(id, /*keep_pin=*/false), absl::StrCat("detach ", id));
  }
  for (const auto& [id, att] : desired_atts) {
    if (!attachments_.count(id)) {
      note(AttachLocked(*att, Origin::kConfig).status(),
           absl::StrCat("attach ", att->program(), " to ", att->cgroup()));
    }
  }
  note(PersistLocked(true), "persist state");
  return Joined(errors);
}

absl::Status Warden::Shutdown(bool keep_pinned_links) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return absl::OkStatus();
  std::vector<absl::Status> errors;
  // Record first: runtime items and, when kept, the pinned links.
  if (absl::Status s = PersistLocked(keep_pinned_links); !s.ok()) {
    errors.push_back(s);
  }
  std::vector<std::string> ids;
  for (const auto& [id, att] : attachments_) ids.push_back(id);
  for (const std::string& id : ids) {
    if (absl::Status s = DetachLocked(id, keep_pinned_links); !s.ok()) {
      errors.push_back(s);
    }
  }
  sets_.clear();
  shut_down_ = true;
  BPFWARDEN_LOG(INFO) << "shut down: " << ids.size()
                      << " attachments released; maps stay pinned";
  return Joined(errors);
}

}  // namespace bpfwarden
