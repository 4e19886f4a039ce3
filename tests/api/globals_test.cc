// Global variables, typed: the .bss, .data and .rodata maps of a loaded set
// are read and written by variable name through their DATASEC BTF, with an
// implicit key; a write to the frozen .rodata is FAILED_PRECONDITION.
#include <fstream>
#include <string>

#include "nlohmann/json.hpp"
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

using Json = nlohmann::json;

class GlobalsTest : public ApiFixture {
 protected:
  void LoadGlobals() {
    v1::LoadRequest load;
    load.mutable_program_set()->set_name("globals");
    load.mutable_program_set()->add_objects(
        Runfile("tests/api/api_globals.bpf.o"));
    v1::LoadResponse loaded;
    ASSERT_THAT(programs_->Load(Ctx().get(), load, &loaded),
                StatusIs(grpc::StatusCode::OK));
  }

  // The name of the set's map whose name ends with `suffix` (libbpf names
  // internal maps after the object, e.g. "api_glob.bss").
  std::string MapNamed(const std::string& suffix) {
    v1::ListMapsRequest list;
    list.set_program_set("globals");
    v1::ListMapsResponse maps;
    EXPECT_TRUE(maps_->List(Ctx().get(), list, &maps).ok());
    for (const auto& m : maps.maps()) {
      const std::string& name = m.ref().map();
      if (name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) ==
              0) {
        return name;
      }
    }
    ADD_FAILURE() << "no map ending in " << suffix;
    return "";
  }

  grpc::Status LookupGlobals(const std::string& map, Json* value) {
    v1::LookupRequest req;
    req.mutable_map()->set_program_set("globals");
    req.mutable_map()->set_map(map);
    req.set_encoding(v1::ENCODING_JSON);
    v1::LookupResponse resp;
    grpc::Status s = maps_->Lookup(Ctx().get(), req, &resp);
    if (s.ok()) {
      EXPECT_EQ(resp.entry().key().form_case(), v1::Data::FORM_NOT_SET);
      *value = Json::parse(resp.entry().value().json());
    }
    return s;
  }

  grpc::Status UpdateGlobals(const std::string& map, const std::string& json) {
    v1::UpdateRequest req;
    req.mutable_map()->set_program_set("globals");
    req.mutable_map()->set_map(map);
    v1::Entry* entry = req.add_entries();
    entry->mutable_key()->set_json("null");
    entry->mutable_value()->set_json(json);
    v1::UpdateResponse resp;
    return maps_->Update(Ctx().get(), req, &resp);
  }
};

TEST_F(GlobalsTest, ReadAndWriteByVariableName) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-globals"));
  LoadGlobals();
  const std::string bss = MapNamed(".bss");
  const std::string data = MapNamed(".data");
  const std::string rodata = MapNamed(".rodata");

  Json value;
  ASSERT_THAT(LookupGlobals(bss, &value), StatusIs(grpc::StatusCode::OK));
  EXPECT_EQ(value, Json::parse(R"({"counter":0})"));
  ASSERT_THAT(LookupGlobals(data, &value), StatusIs(grpc::StatusCode::OK));
  EXPECT_EQ(value, Json::parse(R"({"settings":{"limit":5,"name":"abc"}})"));
  ASSERT_THAT(LookupGlobals(rodata, &value), StatusIs(grpc::StatusCode::OK));
  EXPECT_EQ(value, Json::parse(R"({"threshold":42})"));

  ASSERT_THAT(UpdateGlobals(bss, R"({"counter":3})"),
              StatusIs(grpc::StatusCode::OK));
  ASSERT_THAT(LookupGlobals(bss, &value), StatusIs(grpc::StatusCode::OK));
  EXPECT_EQ(value["counter"], 3);
  ASSERT_THAT(UpdateGlobals(data, R"({"settings":{"limit":9,"name":"xyz"}})"),
              StatusIs(grpc::StatusCode::OK));
  ASSERT_THAT(LookupGlobals(data, &value), StatusIs(grpc::StatusCode::OK));
  EXPECT_EQ(value["settings"]["name"], "xyz");

  // Field paths in errors name the variable.
  EXPECT_THAT(UpdateGlobals(bss, R"({"counter":"x"})"),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "value.counter: "));
  EXPECT_THAT(UpdateGlobals(bss, R"({"nope":1})"),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "unknown variable"));
  // .rodata is frozen at load.
  EXPECT_THAT(
      UpdateGlobals(rodata, R"({"threshold":1})"),
      StatusIs(grpc::StatusCode::FAILED_PRECONDITION, "read-only after load"));
}

}  // namespace
}  // namespace bpfwarden::testing
