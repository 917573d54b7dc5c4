// Staff PIN hashing with libsodium and the lockout rules as pure functions.
#include "ui/staff_pin.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace soundings::kiosk {

namespace {
// Small on purpose: the lockout, not the hash, is what stops guessing at a kiosk,
// and the kiosk's memory budget is tight (the hash runs on the store worker).
constexpr unsigned long long kOpsLimit = 3;
constexpr size_t kMemLimit = 8u * 1024u * 1024u;
}  // namespace

Status check_pin_format(const std::string& pin) {
  if (pin.size() < 4 || pin.size() > 8) return Error{ErrorCode::InvalidInput, "the staff PIN must be 4 to 8 digits"};
  if (!std::all_of(pin.begin(), pin.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return Error{ErrorCode::InvalidInput, "the staff PIN must be digits only"};
  return Status::success();
}

Result<std::string> hash_pin(const std::string& pin) {
  if (Status format = check_pin_format(pin); !format) return format.error();
  if (sodium_init() < 0) return Error{ErrorCode::Crypto, "libsodium could not start"};
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, pin.data(), pin.size(), kOpsLimit, kMemLimit) != 0)
    return Error{ErrorCode::Crypto, "not enough memory to hash the staff PIN"};
  return std::string(out);
}

bool verify_pin(const std::string& pin, const std::string& hash) {
  if (!check_pin_format(pin) || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

bool pin_locked(const PinLock& lock, TimePoint now) { return now < lock.locked_until; }

int pin_lock_seconds_left(const PinLock& lock, TimePoint now) {
  if (!pin_locked(lock, now)) return 0;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(lock.locked_until - now).count();
  return static_cast<int>((left + 999) / 1000);
}

PinLock after_wrong_pin(PinLock lock, TimePoint now, const PinLockPolicy& policy) {
  if (pin_locked(lock, now)) return lock;  // tries while locked are not counted, nor allowed
  lock.failures += 1;
  if (lock.failures >= policy.max_failures) {
    lock.failures = 0;
    lock.locked_until = now + policy.lock_for;
  }
  return lock;
}

PinLock after_right_pin(PinLock lock) {
  lock.failures = 0;
  return lock;
}

}  // namespace soundings::kiosk
