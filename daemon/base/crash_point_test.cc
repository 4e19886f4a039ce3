#include "daemon/base/crash_point.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

std::vector<std::string>* passed = nullptr;

void Record(const char* point) { passed->push_back(point); }

TEST(CrashPointTest, DoesNothingWithoutAHandler) {
  CrashPoint("state.renamed");  // no handler: returns
}

TEST(CrashPointTest, CallsTheHandlerWithEachPointsName) {
  std::vector<std::string> seen;
  passed = &seen;
  SetCrashHandler(&Record);
  CrashPoint("a");
  CrashPoint("b");
  SetCrashHandler(nullptr);
  CrashPoint("c");
  passed = nullptr;
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace bpfwarden
