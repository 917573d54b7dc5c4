// soundings-field-fixture --data DIR [--doors N]: gives a device store the test officers (PIN 246810) and one
// walk list, as head office would send them, so the real program can be driven and photographed as a field tablet.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "field_data.h"
#include "soundings/device_store.h"

using namespace soundings;

int main(int argc, char** argv) {
  std::string data;
  size_t doors = 40;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--data") data = argv[i + 1];
    else if (arg == "--doors") doors = static_cast<size_t>(std::strtoul(argv[i + 1], nullptr, 10));
  }
  if (data.empty()) return std::fprintf(stderr, "usage: soundings-field-fixture --data DIR [--doors N]\n"), 2;
  auto store = open_device_store(data);
  if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  if (Status s = (*store)->replace_staff(kiosk::testing::test_officers()); !s)
    return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
  if (Status s = (*store)->replace_walk_lists({kiosk::testing::test_walk_list(doors)}); !s)
    return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
  return 0;
}
