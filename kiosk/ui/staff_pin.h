// The staff PIN: a salted slow hash kept in the store, and the lockout after repeated wrong PINs.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "soundings/clock.h"
#include "soundings/result.h"

namespace soundings::kiosk {

// 4 to 8 digits; anything else is refused with a reason.
Status check_pin_format(const std::string& pin);

// A libsodium crypto_pwhash string (salt and parameters inside); error when the PIN is malformed.
Result<std::string> hash_pin(const std::string& pin);
// False for a wrong PIN and for a hash that is not one of ours.
bool verify_pin(const std::string& pin, const std::string& hash);

struct PinLockPolicy {
  int max_failures = 5;
  std::chrono::seconds lock_for{5 * 60};
};

struct PinLock {
  int failures = 0;          // wrong PINs since the last lock or success
  TimePoint locked_until{};  // no tries before this
};

// Pure: is the staff screen locked at `now`, and for how many whole seconds more (rounded up).
bool pin_locked(const PinLock& lock, TimePoint now);
int pin_lock_seconds_left(const PinLock& lock, TimePoint now);
// Pure: the state after a wrong PIN at `now` (the fifth in a row locks and starts counting again).
PinLock after_wrong_pin(PinLock lock, TimePoint now, const PinLockPolicy& policy = {});
// Pure: the state after the right PIN.
PinLock after_right_pin(PinLock lock);

}  // namespace soundings::kiosk
