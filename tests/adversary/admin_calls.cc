// The Programs, Attachments and Daemon rows of the hostile table: set,
// program, cgroup and id names, object blobs that are no object or hold
// programs outside the scope, cgroups outside the subtree.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/adversary/call_helpers.h"
#include "tests/adversary/hostile_calls.h"

namespace bpfwarden::adversary {
namespace {

grpc::Status Load(Stubs& s, const std::string& name,
                  std::vector<std::string> blobs,
                  std::vector<std::string> paths = {}) {
  v1::LoadRequest req;
  req.mutable_program_set()->set_name(name);
  for (std::string& b : blobs) req.add_object_blobs(std::move(b));
  for (std::string& p : paths) req.mutable_program_set()->add_objects(p);
  v1::LoadResponse resp;
  return s.programs->Load(Ctx().get(), req, &resp);
}

grpc::Status Attach(Stubs& s, const std::string& set,
                    const std::string& program, const std::string& cgroup,
                    const std::string& unit = "") {
  v1::AttachRequest req;
  req.mutable_attachment()->set_program_set(set);
  req.mutable_attachment()->set_program(program);
  req.mutable_attachment()->set_cgroup(cgroup);
  req.mutable_attachment()->set_unit(unit);
  v1::AttachResponse resp;
  return s.attachments->Attach(Ctx().get(), req, &resp);
}

grpc::Status ListAttachments(Stubs& s, const std::string& cgroup) {
  v1::ListAttachmentsRequest req;
  req.set_cgroup(cgroup);
  req.set_include_foreign(true);
  v1::ListAttachmentsResponse resp;
  return s.attachments->List(Ctx().get(), req, &resp);
}

}  // namespace

grpc::Status GetSet(Stubs& s, const std::string& name) {
  v1::GetProgramSetRequest req;
  req.set_name(name);
  v1::ProgramSetInfo resp;
  return s.programs->Get(Ctx().get(), req, &resp);
}

grpc::Status Unload(Stubs& s, const std::string& name) {
  v1::UnloadRequest req;
  req.set_name(name);
  req.set_unpin_maps(true);
  v1::UnloadResponse resp;
  return s.programs->Unload(Ctx().get(), req, &resp);
}

grpc::Status Detach(Stubs& s, const std::string& id) {
  v1::DetachRequest req;
  req.set_id(id);
  v1::DetachResponse resp;
  return s.attachments->Detach(Ctx().get(), req, &resp);
}

void AddAdminCalls(const Target& t, std::vector<Call>& calls) {
  for (const auto& [kind, name] : HostileNames()) {
    const std::string at = ".name=" + kind;
    // Within the scoped admin's glob (team-*), but "" stays "".
    const std::string team = name.empty() ? "" : "team-" + name;
    calls.push_back({"Programs.Get" + at,
                     [name = name](Stubs& s) { return GetSet(s, name); }});
    calls.push_back({"Programs.Unload" + at,
                     [team](Stubs& s) { return Unload(s, team); }});
    calls.push_back({"Programs.Load" + at, [team, t](Stubs& s) {
                       return Load(s, team, {t.sockops_blob});
                     }});
    calls.push_back({"Attachments.Attach.set" + at, [team, t](Stubs& s) {
                       return Attach(s, team, "scoped_count_sockops", t.cgroup);
                     }});
    calls.push_back({"Attachments.Attach.program" + at,
                     [name = name, t](Stubs& s) {
                       return Attach(s, "team-none", name, t.cgroup);
                     }});
    calls.push_back({"Attachments.Attach.cgroup" + at,
                     [name = name](Stubs& s) {
                       return Attach(s, "team-none", "scoped_count_sockops", name);
                     }});
    calls.push_back({"Attachments.Detach.id" + at,
                     [name = name](Stubs& s) { return Detach(s, name); }});
    calls.push_back({"Attachments.List.cgroup" + at, [name = name](Stubs& s) {
                       return ListAttachments(s, name);
                     }});
  }
  // Objects that are not, or are outside the scope, and names of files.
  const std::vector<std::pair<std::string, std::vector<std::string>>> blobs = {
      {"none", {}},
      {"empty", {""}},
      {"junk", {std::string(4096, '\x7f')}},
      {"elf_header_only", {std::string("\x7f" "ELF\x02\x01\x01", 7)}},
      {"truncated", {t.sockops_blob.substr(0, t.sockops_blob.size() / 2)}},
      {"junk_15MiB", {std::string(15 << 20, 'j')}},
      {"other_types", {t.hooks_blob}},
      {"300_objects", std::vector<std::string>(300, "")},
  };
  for (const auto& [what, objects] : blobs) {
    calls.push_back({"Programs.Load.blob=" + what,
                     [=](Stubs& s) { return Load(s, "team-hostile", objects); },
                     what == "other_types"});
  }
  calls.push_back({"Programs.Load.path=/etc/shadow", [](Stubs& s) {
                     return Load(s, "team-hostile", {}, {"/etc/shadow"});
                   }});
  calls.push_back({"Programs.Load.builtin_name", [t](Stubs& s) {
                     return Load(s, kBuiltin, {t.sockops_blob});
                   }});
  // Outside the scope: the root cgroup, a way up, by unit, another set.
  for (const auto& [what, cgroup] :
       {std::pair<std::string, std::string>{"root", "/"},
        {"up", t.cgroup + "/.."},
        {"up_relative", "../../.."}}) {
    calls.push_back({"Attachments.Attach.cgroup=" + what, [cgroup](Stubs& s) {
                       return Attach(s, "team-none", "scoped_count_sockops",
                                     cgroup);
                     }});
  }
  // Root would attach wherever systemd runs ssh.service.
  calls.push_back({"Attachments.Attach.unit",
                   [](Stubs& s) {
                     return Attach(s, "team-none", "scoped_count_sockops", "",
                                   "ssh.service");
                   },
                   true});
  calls.push_back({"Attachments.Attach.builtin_set",
                   [t](Stubs& s) {
                     return Attach(s, kBuiltin, "scoped_count_sockops", t.cgroup);
                   },
                   true});
  calls.push_back({"Programs.Unload.builtin", [](Stubs& s) {
                     return Unload(s, kBuiltin);
                   }});
  calls.push_back(
      {"Programs.Unload.kinds", [](Stubs& s) { return Unload(s, kKinds); },
       true});
  calls.push_back({"Programs.List", [](Stubs& s) {
                     v1::ListProgramSetsResponse resp;
                     return s.programs->List(
                         Ctx().get(), v1::ListProgramSetsRequest(), &resp);
                   }});
  calls.push_back({"Daemon.Status", [](Stubs& s) {
                     v1::StatusResponse resp;
                     return s.daemon->Status(Ctx().get(), v1::StatusRequest(),
                                             &resp);
                   }});
}

}  // namespace bpfwarden::adversary
