// Field tablet fixtures for the headless tests: officers with one PIN hashed once per run, walk lists with a
// canary address, and signing in by tapping as an officer would.
#pragma once

#include <string>
#include <vector>

#include "harness.h"
#include "soundings/field_records.h"

namespace soundings::kiosk::testing {

inline constexpr const char* kOfficerPin = "246810";
inline constexpr const char* kCanaryAddress = "7 Canary Wharf Row";
inline constexpr const char* kCanaryUprn = "100099990007";
inline constexpr const char* kCanaryNote = "canary-note: blue door, dog";

// Ana and Bryn can sign in with kOfficerPin; Cerys's account is disabled.
std::vector<StaffMember> test_officers();
// `doors` doors over a few streets; door 0 is the canary.
WalkList test_walk_list(size_t doors, const std::string& id = "list-1", const std::string& name = "Parc Caia");
// A field tablet at `width` x `height` with the test officers and one list of `doors` doors.
HarnessOptions field_options(float width = 1280, float height = 800, size_t doors = 12);
// Types the PIN on the keypad for the officer already chosen and waits for the check.
void enter_pin(Harness& h, const std::string& pin = kOfficerPin);
// Chooses the officer's name, types the PIN on the keypad and waits for the check.
void sign_in(Harness& h, const std::string& officer_id, const std::string& pin = kOfficerPin);

}  // namespace soundings::kiosk::testing
