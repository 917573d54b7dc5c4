// Field tablet fixtures: officers, walk lists and signing in.
#include "field_fixture.h"

#include <catch2/catch.hpp>

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
    const std::string street = streets[i % 3];
    a.uprn = "1000" + std::to_string(10000000 + i);
    a.address = std::to_string(i / 3 + 1) + " " + street;
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

HarnessOptions field_options(float width, float height, size_t doors) {
  HarnessOptions o;
  o.width = width;
  o.height = height;
  o.field = true;
  o.staff_pin.clear();
  o.fill_store = [doors](Store& store) {
    if (!store.replace_staff(test_officers())) throw std::runtime_error("replace_staff failed");
    if (!store.replace_walk_lists({test_walk_list(doors)})) throw std::runtime_error("replace_walk_lists failed");
  };
  return o;
}

void enter_pin(Harness& h, const std::string& pin) {
  for (char digit : pin) REQUIRE(h.tap(std::string("pin:") + digit));
  REQUIRE(h.tap("pin:ok"));
  h.settle(10000);
}

void sign_in(Harness& h, const std::string& officer_id, const std::string& pin) {
  h.settle();
  REQUIRE(h.tap("officer:" + officer_id));
  enter_pin(h, pin);
}

}  // namespace soundings::kiosk::testing
