// Field tablet fixtures: officers, walk lists and signing in.
#include "field_fixture.h"

#include <catch2/catch.hpp>

#include <stdexcept>


namespace soundings::kiosk::testing {

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
