// Filters, sort, top-N and limit on entries of a tcp_stats-like map.
#include "client/query/query.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace bpfwarden::cli {
namespace {

// The layouts of a key {family, direction (enum), remote_addr (ip),
// remote_port} and a value {bytes_acked, comm (char[16]), rtt[2]}.
FieldSet Fields(bool per_cpu = false) {
  std::string key = (R"({"name":"key","kind":"struct","fields":[
    {"name":"family","kind":"int"},
    {"name":"direction","kind":"enum","enumerators":{"IN":0,"OUT":1}},
    {"name":"remote_addr","kind":"ip_addr"},
    {"name":"remote_port","kind":"int"}]})");
  std::string value = (R"({"name":"value","kind":"struct","fields":[
    {"name":"bytes_acked","kind":"int"},
    {"name":"comm","kind":"char_array"},
    {"name":"rtt","kind":"array"},
    {"name":"ratio","kind":"float"}]})");
  return *FieldSet::FromLayouts(key, value, per_cpu);
}

Row MakeRow(const std::string& addr, int port, const char* dir,
            uint64_t bytes) {
  Json entry = {
      {"key",
       {{"family", 10}, {"direction", dir}, {"remote_addr", addr},
        {"remote_port", port}}},
      {"value",
       {{"bytes_acked", bytes}, {"comm", "curl"}, {"rtt", {1, 2}},
        {"ratio", 0.5}}}};
  return Row{DumpJson(entry), entry};
}

std::vector<Row> Sample() {
  return {MakeRow("10.1.2.3", 80, "OUT", 500),
          MakeRow("10.9.0.1", 443, "IN", 7000),
          MakeRow("192.168.1.1", 80, "OUT", 20),
          MakeRow("2001:db8::1", 22, "IN", 900),
          MakeRow("10.1.200.9", 8080, "OUT", 7000)};
}

// The rows the query selects from Sample(), as "addr:port".
std::vector<std::string> Select(const QuerySpec& spec) {
  FieldSet fields = Fields();
  absl::StatusOr<Query> query = Query::Create(spec, fields);
  EXPECT_TRUE(query.ok()) << query.status();
  if (!query.ok()) return {};
  std::vector<std::string> out;
  Selector selector(*query, [&](const Row& row) {
    out.push_back(absl::StrCat(
        row.entry["key"]["remote_addr"].get<std::string>(), ":",
        row.entry["key"]["remote_port"].get<int>()));
  });
  for (Row& row : Sample()) {
    if (!selector.Offer(std::move(row))) break;
  }
  selector.Finish();
  return out;
}

std::string Error(const QuerySpec& spec) {
  FieldSet fields = Fields();
  absl::StatusOr<Query> query = Query::Create(spec, fields);
  EXPECT_FALSE(query.ok());
  return query.ok() ? "" : std::string(query.status().message());
}

using Strings = std::vector<std::string>;

TEST(QueryTest, NoQuerySelectsAllInOrder) {
  EXPECT_EQ(Select({}), (Strings{"10.1.2.3:80", "10.9.0.1:443",
                                 "192.168.1.1:80", "2001:db8::1:22",
                                 "10.1.200.9:8080"}));
}

TEST(QueryTest, FilterByNumberEnumAndString) {
  EXPECT_EQ(Select({.filters = {"remote_port=80"}}),
            (Strings{"10.1.2.3:80", "192.168.1.1:80"}));
  EXPECT_EQ(Select({.filters = {"direction=IN"}}),
            (Strings{"10.9.0.1:443", "2001:db8::1:22"}));
  EXPECT_EQ(Select({.filters = {"key.direction!=IN", "bytes_acked>=500"}}),
            (Strings{"10.1.2.3:80", "10.1.200.9:8080"}));
  EXPECT_EQ(Select({.filters = {"comm=wget"}}), Strings{});
  EXPECT_EQ(Select({.filters = {"value.bytes_acked<0x100"}}),
            Strings{"192.168.1.1:80"});
  EXPECT_EQ(Select({.filters = {"ratio=0.5", "remote_port=22"}}),
            Strings{"2001:db8::1:22"});
}

TEST(QueryTest, FilterByAddressAndPrefix) {
  EXPECT_EQ(Select({.filters = {"remote_addr=10.0.0.0/8"}}),
            (Strings{"10.1.2.3:80", "10.9.0.1:443", "10.1.200.9:8080"}));
  EXPECT_EQ(Select({.filters = {"remote_addr=10.1.0.0/16"}}),
            (Strings{"10.1.2.3:80", "10.1.200.9:8080"}));
  EXPECT_EQ(Select({.filters = {"remote_addr=192.168.1.1"}}),
            Strings{"192.168.1.1:80"});
  EXPECT_EQ(Select({.filters = {"remote_addr=2001:db8::/32"}}),
            Strings{"2001:db8::1:22"});
  // The IPv4-mapped form is the same address.
  EXPECT_EQ(Select({.filters = {"remote_addr=::ffff:192.168.1.1"}}),
            Strings{"192.168.1.1:80"});
  EXPECT_EQ(Select({.filters = {"remote_addr!=10.0.0.0/8"}}),
            (Strings{"192.168.1.1:80", "2001:db8::1:22"}));
}

TEST(QueryTest, SortNumbersLargestFirstStably) {
  EXPECT_EQ(Select({.sort = "bytes_acked"}),
            (Strings{"10.9.0.1:443", "10.1.200.9:8080", "2001:db8::1:22",
                     "10.1.2.3:80", "192.168.1.1:80"}));
  EXPECT_EQ(Select({.sort = "bytes_acked:asc"}),
            (Strings{"192.168.1.1:80", "10.1.2.3:80", "2001:db8::1:22",
                     "10.9.0.1:443", "10.1.200.9:8080"}));
}

TEST(QueryTest, SortAddressesByBytes) {
  // 10.1.2.3 < 10.1.200.9 < 10.9.0.1 < 192.168.1.1 (IPv4-mapped) < 2001::.
  EXPECT_EQ(Select({.sort = "remote_addr"}),
            (Strings{"10.1.2.3:80", "10.1.200.9:8080", "10.9.0.1:443",
                     "192.168.1.1:80", "2001:db8::1:22"}));
}

TEST(QueryTest, TopKeepsTheFirstNInSortOrder) {
  EXPECT_EQ(Select({.sort = "bytes_acked", .top = 2}),
            (Strings{"10.9.0.1:443", "10.1.200.9:8080"}));
  EXPECT_EQ(Select({.sort = "remote_port", .top = 1}),
            Strings{"10.1.200.9:8080"});
  EXPECT_EQ(Select({.filters = {"remote_port=80"},
                    .sort = "bytes_acked:asc",
                    .top = 1}),
            Strings{"192.168.1.1:80"});
  // top and limit together: the smaller.
  EXPECT_EQ(Select({.sort = "bytes_acked", .top = 3, .limit = 1}),
            Strings{"10.9.0.1:443"});
}

TEST(QueryTest, LimitStopsTheStream) {
  EXPECT_EQ(Select({.limit = 2}), (Strings{"10.1.2.3:80", "10.9.0.1:443"}));
  EXPECT_EQ(Select({.filters = {"direction=OUT"}, .limit = 2}),
            (Strings{"10.1.2.3:80", "192.168.1.1:80"}));
  FieldSet fields = Fields();
  absl::StatusOr<Query> query = Query::Create({.limit = 1}, fields);
  ASSERT_TRUE(query.ok());
  Selector selector(*query, [](const Row&) {});
  std::vector<Row> rows = Sample();
  EXPECT_FALSE(selector.Offer(rows[0]));  // the dump may stop now
}

TEST(QueryTest, PerCpuValuesAreSummed) {
  FieldSet fields = Fields(/*per_cpu=*/true);
  absl::StatusOr<Query> query =
      Query::Create({.filters = {"bytes_acked=30"}}, fields);
  ASSERT_TRUE(query.ok()) << query.status();
  Json entry = {{"key", {{"remote_port", 1}}},
                {"value",
                 {{{"bytes_acked", 10}}, {{"bytes_acked", 20}}}}};
  EXPECT_TRUE(query->Matches(entry));
  entry["value"][1]["bytes_acked"] = 21;
  EXPECT_FALSE(query->Matches(entry));
}

TEST(QueryTest, BadFieldsAndValuesAreNamed) {
  EXPECT_NE(Error({.filters = {"nosuch=1"}}).find("no field 'nosuch'; the "
                                                  "fields are key.family"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"remote_port"}}).find("want FIELD=VALUE"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"remote_port=eighty"}})
                .find("key.remote_port is an integer: 'eighty' is not a number"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"direction=SIDEWAYS"}})
                .find("'SIDEWAYS' is not one of IN, OUT"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"direction>IN"}}).find("= and != only"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"remote_addr=10.0.0.0/33"}})
                .find("not an address or prefix"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"remote_addr>10.0.0.0/8"}})
                .find("not an address"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"rtt=1"}}).find("value.rtt is an array: it "
                                               "cannot be compared"),
            std::string::npos);
  EXPECT_NE(Error({.filters = {"key=1"}}).find("no field 'key'"),
            std::string::npos);
  EXPECT_NE(Error({.sort = "value"}).find("--sort value: no field 'value'"),
            std::string::npos);
  EXPECT_NE(Error({.top = 3}).find("give --sort too"), std::string::npos);
  // An ambiguous suffix lists the candidates.
  FieldSet fields = *FieldSet::FromLayouts(
      R"({"kind":"struct","fields":[{"name":"port","kind":"int"}]})",
      R"({"kind":"struct","fields":[{"name":"port","kind":"int"}]})", false);
  absl::StatusOr<Query> q = Query::Create({.sort = "port"}, fields);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("no field 'port' (ambiguous)"),
            std::string::npos);
}

}  // namespace
}  // namespace bpfwarden::cli
