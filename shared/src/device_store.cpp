// Opening a device's one store, and folding in the store file older kiosks kept beside it.
#include "soundings/device_store.h"

#include <array>
#include <filesystem>
#include <limits>

#include <nlohmann/json.hpp>

#include "soundings/clock.h"
#include "soundings/response.h"

namespace soundings {

namespace {

namespace fs = std::filesystem;

// Settings that only make sense together: one hub's enrolment.
constexpr std::array<const char*, 6> kEnrolmentKeys{setting::kHubUrl,        setting::kHubId,
                                                    setting::kDeviceId,      setting::kDeviceToken,
                                                    setting::kSealPublicKey, setting::kDeviceName};
// Settings staff made on the kiosk, kept when the merged store has none of its own.
constexpr std::array<const char*, 3> kLocalKeys{setting::kStaffPinHash, setting::kVenue, setting::kLangFirst};

Status copy_setting_if_missing(Store& into, Store& legacy, const char* key, LegacyMerge& done) {
  Result<std::optional<std::string>> have = into.setting(key);
  if (!have) return have.error();
  if (*have) return Status::success();
  Result<std::optional<std::string>> value = legacy.setting(key);
  if (!value) return value.error();
  if (!*value) return Status::success();
  if (Status s = into.set_setting(key, **value); !s) return s;
  ++done.settings_added;
  return Status::success();
}

// Whether a store holds a value for `key`; a failed read is an error, never "no".
Result<bool> has_setting(Store& store, const char* key) {
  Result<std::optional<std::string>> value = store.setting(key);
  if (!value) return value.error();
  return value->has_value();
}

// Saves one response from the old store's outbox, or counts it as already there.
Status copy_response(Store& into, const OutboxItem& item, LegacyMerge& done) {
  Result<std::optional<Response>> present = into.find_response(item.id);
  if (!present) return present.error();
  if (*present) {
    ++done.responses_present;
    return Status::success();
  }
  const auto body = nlohmann::json::parse(item.body, nullptr, false);
  Result<Response> response = response_from_json(body);
  if (body.is_discarded() || !response) {
    return Error{ErrorCode::Corrupt, "response " + item.id + " in the old store cannot be read" +
                                         (response ? std::string() : ": " + response.error().message)};
  }
  if (Status saved = into.save(*response); !saved) return saved;
  if (item.state == OutboxState::NeedsReview) {
    if (Status kept = into.mark_needs_review(item.id, item.last_error); !kept) return kept;
  }
  ++done.responses_added;
  return Status::success();
}

Status copy_consultations(Store& into, Store& legacy, LegacyMerge& done) {
  Result<std::vector<CachedConsultation>> all = legacy.latest_consultations();
  if (!all) return all.error();
  for (const CachedConsultation& cached : *all) {
    Result<std::optional<CachedConsultation>> have = into.consultation(cached.id, cached.version);
    if (!have) return have.error();
    if (!*have) {
      // A different copy of the same version cannot happen (published versions never change); if it
      // did, the one from head office's last sync is kept.
      if (Status s = into.put_consultation(cached.id, cached.version, cached.definition_json); !s) {
        if (s.error().code != ErrorCode::Conflict) return s;
        continue;
      }
      ++done.consultations_added;
    }
    if (!cached.offered) {
      if (Status s = into.set_offered(cached.id, false); !s) return s;
    }
    Result<std::optional<CachedConsultation>> now_cached = into.consultation(cached.id, cached.version);
    if (!now_cached) return now_cached.error();
    if (!cached.feedback_json.empty() && *now_cached && (*now_cached)->feedback_json.empty()) {
      if (Status s = into.set_feedback(cached.id, cached.feedback_json); !s) return s;
    }
  }
  return Status::success();
}

std::string merged_name(const fs::path& legacy) {
  std::string stamp = format_iso8601_utc(std::chrono::system_clock::now());
  std::erase(stamp, ':');
  std::erase(stamp, '-');
  return legacy.string() + ".merged-" + stamp;
}

}  // namespace

std::string device_store_path(const std::string& data_dir) { return (fs::path(data_dir) / kDeviceStoreFile).string(); }

Result<LegacyMerge> merge_legacy_store(Store& into, Store& legacy,
                                       const std::function<void(int64_t copied)>& after_each_response) {
  LegacyMerge done;
  // Responses first: they are what must never be lost.
  Result<std::vector<OutboxItem>> set_aside = legacy.needs_review();
  if (!set_aside) return Error{set_aside.error().code, legacy.path() + ": " + set_aside.error().message};
  // Every pending response, a field response held for its day's end included: a year on, none is held.
  Result<std::vector<OutboxItem>> pending =
      legacy.pending_batch(std::numeric_limits<size_t>::max(), std::numeric_limits<size_t>::max(),
                           std::chrono::system_clock::now() + std::chrono::hours(24 * 366));
  if (!pending) return Error{pending.error().code, legacy.path() + ": " + pending.error().message};
  std::vector<OutboxItem> waiting = std::move(*set_aside);
  waiting.insert(waiting.end(), std::make_move_iterator(pending->begin()), std::make_move_iterator(pending->end()));
  int64_t copied = 0;
  for (const OutboxItem& item : waiting) {
    if (Status s = copy_response(into, item, done); !s) {
      return Error{s.error().code, legacy.path() + ": " + s.error().message};
    }
    if (after_each_response) after_each_response(++copied);
  }

  Result<bool> enrolled = has_setting(into, setting::kDeviceToken);
  Result<bool> was_enrolled = has_setting(legacy, setting::kDeviceToken);
  if (!enrolled) return enrolled.error();
  if (!was_enrolled) return was_enrolled.error();
  if (!*enrolled && *was_enrolled) {
    for (const char* key : kEnrolmentKeys) {
      if (Status s = copy_setting_if_missing(into, legacy, key, done); !s) return s.error();
    }
  }
  for (const char* key : kLocalKeys) {
    if (Status s = copy_setting_if_missing(into, legacy, key, done); !s) return s.error();
  }
  if (Status s = copy_consultations(into, legacy, done); !s) return s.error();
  return done;
}

Result<std::unique_ptr<Store>> open_device_store(const std::string& data_dir) {
  if (data_dir.empty()) return Error{ErrorCode::InvalidInput, "no data folder given (--data DIR)"};
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Error{ErrorCode::Storage, data_dir + ": " + ec.message()};
  const std::string path = device_store_path(data_dir);
  Result<std::unique_ptr<Store>> store = Store::open(path);
  if (!store) return Error{store.error().code, path + ": " + store.error().message};

  const fs::path legacy_path = fs::path(data_dir) / kLegacyKioskStoreFile;
  if (!fs::exists(legacy_path, ec)) return store;
  {
    Result<std::unique_ptr<Store>> legacy = Store::open(legacy_path.string());
    if (!legacy) {
      return Error{legacy.error().code, "found " + legacy_path.string() +
                                            " from an older kiosk but cannot merge it into " + path + ": " +
                                            legacy.error().message};
    }
    Result<LegacyMerge> merged = merge_legacy_store(**store, **legacy);
    if (!merged) return merged.error();
  }  // closing the old store folds its write-ahead log back into the file
  const std::string kept = merged_name(legacy_path);
  fs::rename(legacy_path, kept, ec);
  if (ec) return Error{ErrorCode::Storage, "merged " + legacy_path.string() + " but cannot rename it: " + ec.message()};
  for (const char* suffix : {"-wal", "-shm"}) {
    if (fs::exists(legacy_path.string() + suffix, ec)) fs::rename(legacy_path.string() + suffix, kept + suffix, ec);
  }
  return store;
}

}  // namespace soundings
