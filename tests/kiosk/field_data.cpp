// Field tablet test data: officers and walk lists.
#include "field_data.h"

#include <stdexcept>

#include "soundings/officer_secret.h"

namespace soundings::kiosk::testing {

namespace {
// Argon2id at head office's cost takes about a second: one hash for every test.
const std::string& officer_hash() {
  static const std::string hash = [] {
    auto made = hash_officer_secret(kOfficerPin);
    if (!made) throw std::runtime_error(made.error().message);
    return *made;
  }();
  return hash;
}
}  // namespace

std::vector<StaffMember> test_officers() {
  return {StaffMember{"ana", "Ana Jones", officer_hash(), false}, StaffMember{"bryn", "Bryn Pritchard", officer_hash(), false},
          StaffMember{"cerys", "Cerys Evans", officer_hash(), true}};
}

WalkList test_walk_list(size_t doors, const std::string& id, const std::string& name) {
  WalkList list{id, name, {}};
  const char* streets[] = {"Ffordd Caia", "Heol Offa", "Stryt y Farchnad"};
  for (size_t i = 0; i < doors; ++i) {
    WalkAddress a;
    // A small list: three streets side by side; a large one: forty doors a street, as an estate's roads.
    const size_t street_no = doors <= 90 ? i % 3 : i / 40;
    const std::string street =
        std::string(streets[street_no % 3]) + (street_no >= 3 ? " " + std::to_string(street_no / 3 + 1) : "");
    const size_t number = doors <= 90 ? i / 3 + 1 : i % 40 + 1;
    a.uprn = "1000" + std::to_string(10000000 + i);
    a.address = std::to_string(number) + " " + street;
    a.street = street;
    a.postcode = "LL13 7" + std::string(1, static_cast<char>('A' + i % 26)) + "B";
    a.ward = "Caia";
    list.addresses.push_back(a);
  }
  if (doors > 0) {
    list.addresses[0].uprn = kCanaryUprn;
    list.addresses[0].address = kCanaryAddress;
  }
  return list;
}

}  // namespace soundings::kiosk::testing
