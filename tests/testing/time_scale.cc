#include "tests/testing/time_scale.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"

namespace bpfwarden::testing {

int TestTimeScale() {
  static const int scale = [] {
    const char* text = std::getenv("BPFWARDEN_TEST_TIME_SCALE");
    if (text == nullptr || *text == '\0') return 1;
    int value = 0;
    if (!absl::SimpleAtoi(text, &value) || value < 1 || value > 100) {
      std::cerr << "BPFWARDEN_TEST_TIME_SCALE=" << text
                << " is not a whole number from 1 to 100: using 1\n";
      return 1;
    }
    std::cerr << "time bounds scaled by " << value
              << " (BPFWARDEN_TEST_TIME_SCALE)\n";
    return value;
  }();
  return scale;
}

}  // namespace bpfwarden::testing
