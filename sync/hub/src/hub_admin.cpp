// Admin operations for head-office staff: publishing, feedback, enrolment codes, devices, status.
#include <nlohmann/json.hpp>

#include "hub_credentials.h"
#include "hub_impl.h"
#include "soundings/device_store.h"
#include "soundings/loader.h"

namespace soundings::hub {

namespace {

using detail::storage_error;

std::string join_problems(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& problem : problems) {
    if (!out.empty()) out += "\n";
    out += describe(problem);
  }
  return out;
}

}  // namespace

namespace detail {

PublishOutcome publish_json(HubState& hub, const std::string& definition_json) {
  PublishOutcome outcome;
  LoadOptions options;
  options.resolve_block = blocks_from_directory(default_blocks_directory());
  LoadOutcome loaded = load_consultation(definition_json, options);
  if (!loaded.ok()) {
    outcome.problems = std::move(loaded.problems);
    outcome.warnings = std::move(loaded.warnings);
    return outcome;
  }
  outcome.warnings = std::move(loaded.warnings);
  const Consultation& consultation = *loaded.consultation;
  outcome.id = consultation.id;
  outcome.version = consultation.version;
  const auto latest = hub.store->latest_version(consultation.id);
  if (!latest) {
    outcome.problems.push_back({"", storage_error(latest.error()).message});
    return outcome;
  }
  if (*latest && consultation.version <= **latest) {
    outcome.problems.push_back({"version", std::to_string(consultation.version) + " is not higher than version " +
                                               std::to_string(**latest) + " of \"" + consultation.id +
                                               "\", already published; a new version needs a higher number"});
    return outcome;
  }
  const auto added = hub.store->add_consultation(
      detail::PublishedConsultation{consultation.id, consultation.version, consultation.canonical_json,
                                    consultation.opens, consultation.closes, ""},
      hub.now_text());
  if (!added) outcome.problems.push_back({"", storage_error(added.error()).message});
  return outcome;
}

Status publish_feedback(HubState& hub, const std::string& consultation_id, const std::string& feedback_json) {
  const auto latest = hub.store->latest_version(consultation_id);
  if (!latest) return storage_error(latest.error());
  if (!*latest) return Error{ErrorCode::NotFound, "no consultation \"" + consultation_id + "\" is published"};
  const auto feedback = nlohmann::json::parse(feedback_json, nullptr, false);
  if (feedback.is_discarded() || !feedback.is_object()) {
    return Error{ErrorCode::InvalidInput, "feedback: must be a JSON object with you_said, we_did, "
                                          "how_connected and published"};
  }
  // The loader checks feedback as part of a definition (every declared language, the
  // date): run it over the published definition with this feedback in place.
  const auto text = hub.store->definition(consultation_id, **latest);
  if (!text) return storage_error(text.error());
  if (!*text) return Error{ErrorCode::NotFound, "no consultation \"" + consultation_id + "\" is published"};
  auto definition = nlohmann::json::parse(**text);
  definition["feedback"] = feedback;
  LoadOutcome loaded = load_consultation(definition.dump());
  if (!loaded.ok()) return Error{ErrorCode::InvalidInput, join_problems(loaded.problems)};
  if (auto stored = hub.store->set_feedback(consultation_id, feedback.dump(), hub.now_text()); !stored) {
    return storage_error(stored.error());
  }
  return Status::success();
}

}  // namespace detail

PublishOutcome Hub::publish_json(const std::string& definition_json) {
  return detail::publish_json(*impl_, definition_json);
}

PublishOutcome Hub::publish_file(const std::string& path) {
  // The loader reads the file so that an unreadable file is reported the loader's way.
  LoadOptions options;
  options.resolve_block = blocks_from_directory(default_blocks_directory());
  LoadOutcome loaded = load_consultation_file(path, options);
  if (!loaded.ok()) {
    PublishOutcome outcome;
    outcome.problems = std::move(loaded.problems);
    outcome.warnings = std::move(loaded.warnings);
    return outcome;
  }
  return publish_json(loaded.consultation->canonical_json);
}

Status Hub::publish_feedback(const std::string& consultation_id, const std::string& feedback_json) {
  return detail::publish_feedback(*impl_, consultation_id, feedback_json);
}

const char* device_role_name(DeviceRole role) {
  switch (role) {
    case DeviceRole::Kiosk: return setting::kRoleKiosk;
    case DeviceRole::Field: return setting::kRoleField;
  }
  return setting::kRoleKiosk;
}

Result<std::string> Hub::make_enrol_code(const std::string& device_name, std::chrono::seconds valid_for,
                                         DeviceRole role) {
  if (device_name.empty()) return Error{ErrorCode::InvalidInput, "a device needs a name (--name NAME)"};
  const std::string code = detail::make_enrol_code();
  const TimePoint now = impl_->now();
  const int64_t expires =
      std::chrono::duration_cast<std::chrono::seconds>((now + valid_for).time_since_epoch()).count();
  if (auto added = impl_->store->add_enrol_code(detail::content_hash(detail::normalise_enrol_code(code)), device_name,
                                                format_iso8601_utc(now), expires, role);
      !added) {
    return storage_error(added.error());
  }
  return code;
}

Status Hub::revoke(const std::string& device_id) {
  const auto revoked = impl_->store->revoke(device_id, impl_->now_text());
  if (!revoked) return storage_error(revoked.error());
  if (!*revoked) {
    return Error{ErrorCode::NotFound, "no device \"" + device_id + "\" is enrolled (see soundings-hub devices)"};
  }
  return Status::success();
}

Result<std::vector<DeviceInfo>> Hub::devices() {
  auto devices = impl_->store->devices();
  if (!devices) return storage_error(devices.error());
  return devices;
}

Result<std::vector<QuarantinedItem>> Hub::quarantined(const std::string& consultation_id) {
  auto items = impl_->store->quarantined(consultation_id);
  if (!items) return storage_error(items.error());
  return items;
}

Result<std::vector<ConsultationSummary>> Hub::consultations() {
  const auto published_list = impl_->store->latest_consultations();
  if (!published_list) return storage_error(published_list.error());
  std::vector<ConsultationSummary> out;
  const std::string today = impl_->today();
  for (const auto& published : *published_list) {
    ConsultationSummary summary;
    summary.id = published.id;
    summary.version = published.version;
    summary.status = detail::consultation_status(today, published.opens, published.closes);
    summary.opens = published.opens;
    summary.closes = published.closes;
    const auto definition = nlohmann::json::parse(published.definition, nullptr, false);
    summary.has_feedback = !published.feedback.empty() ||
                           (definition.is_object() && definition.contains("feedback") &&
                            !definition["feedback"].is_null());
    const auto stored = impl_->store->stored_count(published.id);
    if (!stored) return storage_error(stored.error());
    const auto quarantined = impl_->store->quarantine_count(published.id);
    if (!quarantined) return storage_error(quarantined.error());
    summary.stored = *stored;
    summary.quarantined = *quarantined;
    out.push_back(std::move(summary));
  }
  return out;
}

}  // namespace soundings::hub
