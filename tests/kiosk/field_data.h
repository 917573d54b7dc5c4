// Field tablet test data without any test framework: officers sharing one PIN (hashed once per run) and a walk
// list with a canary door. Used by the headless tests, the screenshot fixture and the bench.
#pragma once

#include <string>
#include <vector>

#include "soundings/field_records.h"

namespace soundings::kiosk::testing {

inline constexpr const char* kOfficerPin = "246810";
inline constexpr const char* kCanaryAddress = "7 Canary Wharf Row";
inline constexpr const char* kCanaryUprn = "100099990007";

// Ana and Bryn can sign in with kOfficerPin; Cerys's account is disabled.
std::vector<StaffMember> test_officers();
// `doors` doors over a few streets; door 0 is the canary.
WalkList test_walk_list(size_t doors, const std::string& id = "list-1", const std::string& name = "Parc Caia");

}  // namespace soundings::kiosk::testing
