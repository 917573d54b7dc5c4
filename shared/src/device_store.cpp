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
  if (into.setting(key)) return Status::success();
  const std::optional<std::string> value = legacy.setting(key);
  if (!value) return Status::success();
  if (Status s = into.set_setting(key, *value); !s) return s;
  ++done.settings_added;
  return Status::success();
}

// Saves one response from the old store's outbox, or counts it as already there.
Status copy_response(Store& into, const OutboxItem& item, LegacyMerge& done) {
  if (into.find_response(item.response_id)) {
    ++done.responses_present;
    return Status::success();
  }
  const auto body = nlohmann::json::parse(item.body, nullptr, false);
  Result<Response> response = response_from_json(body);
  if (body.is_discarded() || !response) {
    return Error{ErrorCode::Corrupt, "response " + item.response_id + " in the old store cannot be read" +
                                         (response ? std::string() : ": " + response.error().message)};
  }
  if (Status saved = into.save(*response); !saved) return saved;
  if (item.state == OutboxState::NeedsReview) {
    if (Status kept = into.mark_needs_review(item.response_id, item.last_error); !kept) return kept;
  }
  ++done.responses_added;
  return Status::success();
}

Status copy_consultations(Store& into, Store& legacy, LegacyMerge& done) {
  for (const CachedConsultation& cached : legacy.latest_consultations()) {
    if (!into.consultation(cached.id, cached.version)) {
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
    const std::optional<CachedConsultation> now_cached = into.consultation(cached.id, cached.version);
    if (!cached.feedback_json.empty() && now_cached && now_cached->feedback_json.empty()) {
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
  std::vector<OutboxItem> waiting = legacy.needs_review();
  std::vector<OutboxItem> pending = legacy.pending_batch(std::numeric_limits<size_t>::max(),
                                                         std::numeric_limits<size_t>::max());
  waiting.insert(waiting.end(), std::make_move_iterator(pending.begin()), std::make_move_iterator(pending.end()));
  int64_t copied = 0;
  for (const OutboxItem& item : waiting) {
    if (Status s = copy_response(into, item, done); !s) {
      return Error{s.error().code, legacy.path() + ": " + s.error().message};
    }
    if (after_each_response) after_each_response(++copied);
  }

  if (!into.setting(setting::kDeviceToken) && legacy.setting(setting::kDeviceToken)) {
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
