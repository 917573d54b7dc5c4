// Field tablet fixtures for the headless tests: officers with one PIN hashed once per run, walk lists with a
// canary address, and signing in by tapping as an officer would.
#pragma once

#include <string>
#include <vector>

#include "field_data.h"
#include "harness.h"
#include "soundings/field_records.h"

namespace soundings::kiosk::testing {

// A field tablet at `width` x `height` with the test officers and one list of `doors` doors.
HarnessOptions field_options(float width = 1280, float height = 800, size_t doors = 12);
// Types the PIN on the keypad for the officer already chosen and waits for the check.
void enter_pin(Harness& h, const std::string& pin = kOfficerPin);
// Chooses the officer's name, types the PIN on the keypad and waits for the check.
void sign_in(Harness& h, const std::string& officer_id, const std::string& pin = kOfficerPin);

}  // namespace soundings::kiosk::testing
