// The hub store on PostgreSQL: a batch's new responses inserted in one statement, not one round trip each.
#include <map>

#include "hub_credentials.h"
#include "hub_store.h"

namespace soundings::hub::detail {

namespace {

// A PostgreSQL array literal of texts, {"a","b"}: every element quoted, with " and \ escaped.
std::string text_array(const std::vector<std::string_view>& values) {
  size_t size = 2;
  for (const auto value : values) size += value.size() + 3;
  std::string out;
  out.reserve(size + size / 16);
  out += '{';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// Acceptable responses whose id no other item of the batch carries: only those may be inserted ahead
// of the batch's other items without changing any item's fate.
std::vector<const BatchItem*> lone_responses(const std::vector<BatchItem>& items) {
  std::map<std::string_view, int> uses;
  for (const BatchItem& item : items) {
    if (!item.record_id.empty()) ++uses[item.record_id];
  }
  std::vector<const BatchItem*> lone;
  for (const BatchItem& item : items) {
    if (item.acceptable && item.kind == RecordKind::Response && uses[item.record_id] == 1) lone.push_back(&item);
  }
  return lone;
}

// The free text of the responses the batch insert stored, in one statement too.
Status store_texts_at_once(db::Connection& writer, const std::vector<const BatchItem*>& stored) {
  std::vector<std::string_view> ids, consultations, questions, texts;
  for (const BatchItem* item : stored) {
    for (const auto& [question_id, text] : item->facets.texts) {
      ids.push_back(item->record_id);
      consultations.push_back(item->consultation_id);
      questions.push_back(question_id);
      texts.push_back(text);
    }
  }
  if (ids.empty()) return Status::success();
  auto insert = writer.cached(
      "INSERT INTO response_texts (response_id, consultation_id, question_id, text) SELECT * FROM "
      "unnest(?1::text[], ?2::text[], ?3::text[], ?4::text[]) ON CONFLICT (response_id, question_id) DO NOTHING");
  if (!insert) return insert.error();
  insert->bind(1, text_array(ids)).bind(2, text_array(consultations)).bind(3, text_array(questions));
  insert->bind(4, text_array(texts));
  return insert->run("storing the written answers of a batch of responses");
}

}  // namespace

Result<std::map<std::string, Store::Prestored, std::less<>>> Store::store_responses_at_once(
    const std::vector<BatchItem>& items, const std::string& device_id, const std::string& now) {
  std::map<std::string, Prestored, std::less<>> fates;
  const auto lone = lone_responses(items);
  if (writer_->dialect() != db::Dialect::PostgreSQL || lone.empty()) return fates;
  std::vector<std::string> versions, hashes;
  std::vector<std::string_view> ids, consultations, submitted, bodies, languages, channels, venues, devices, choices;
  for (const BatchItem* item : lone) {
    ids.push_back(item->record_id);
    consultations.push_back(item->consultation_id);
    versions.push_back(std::to_string(item->consultation_version));
    submitted.push_back(item->submitted_at);
    bodies.push_back(item->canonical);
    hashes.push_back(to_hex(item->hash));
    languages.push_back(item->facets.language);
    channels.push_back(item->facets.channel);
    venues.push_back(item->facets.venue);
    devices.push_back(item->facets.device);
    choices.push_back(item->facets.choices);
  }
  // In the batch's order (WITH ORDINALITY), as one insert after another would be: two hubs given the
  // same batch then wait on its ids in the same order and never deadlock.
  auto insert = writer_->cached(
      "INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body, body_hash, "
      "received_from, received_at, language, channel, venue, device, choices, facets_version) "
      "SELECT u.id, u.consultation_id, u.version, u.submitted_at, u.body, decode(u.hash, 'hex'), ?7, ?8, "
      "u.language, u.channel, u.venue, u.device, u.choices, ?14 FROM unnest(?1::text[], ?2::text[], ?3::bigint[], "
      "?4::text[], ?5::text[], ?6::text[], ?9::text[], ?10::text[], ?11::text[], ?12::text[], ?13::text[]) "
      "WITH ORDINALITY AS u(id, consultation_id, version, submitted_at, body, hash, language, channel, venue, device, "
      "choices, n) ORDER BY u.n ON CONFLICT (id) DO NOTHING RETURNING id");
  if (!insert) return insert.error();
  insert->bind(1, text_array(ids)).bind(2, text_array(consultations)).bind(4, text_array(submitted));
  insert->bind(3, text_array({versions.begin(), versions.end()})).bind(5, text_array(bodies));
  insert->bind(6, text_array({hashes.begin(), hashes.end()})).bind(7, device_id).bind(8, now);
  insert->bind(9, text_array(languages)).bind(10, text_array(channels)).bind(11, text_array(venues));
  insert->bind(12, text_array(devices)).bind(13, text_array(choices)).bind(14, int64_t{kFacetsVersion});
  for (;;) {
    auto row = insert->step("storing a batch of responses");
    if (!row) return row.error();
    if (!*row) break;
    fates.emplace(insert->text(0), Prestored{true, true});
  }
  std::vector<const BatchItem*> stored;
  for (const BatchItem* item : lone) {
    if (fates.contains(item->record_id)) stored.push_back(item);
  }
  if (auto texts = store_texts_at_once(*writer_, stored); !texts) return texts.error();
  if (fates.size() < lone.size()) {
    if (auto compared = compare_with_stored(lone, fates); !compared) return compared.error();
  }
  return fates;
}

// Adds the fate of every lone response the insert did nothing for: already stored, identical or not.
Status Store::compare_with_stored(const std::vector<const BatchItem*>& lone,
                                  std::map<std::string, Prestored, std::less<>>& fates) {
  std::map<std::string_view, const BatchItem*> waiting;
  for (const BatchItem* item : lone) {
    if (!fates.contains(item->record_id)) waiting.emplace(item->record_id, item);
  }
  std::vector<std::string_view> ids;
  for (const auto& [id, item] : waiting) ids.push_back(id);
  auto find = writer_->cached("SELECT id, body_hash FROM responses WHERE id = ANY(?1::text[])");
  if (!find) return find.error();
  find->bind(1, text_array(ids));
  for (;;) {
    auto row = find->step("looking for responses already stored");
    if (!row) return row.error();
    if (!*row) break;
    const std::string id = find->text(0);
    const auto item = waiting.find(id);
    if (item == waiting.end()) continue;
    fates.emplace(id, Prestored{false, find->blob(1) == item->second->hash});
    waiting.erase(item);
  }
  if (!waiting.empty()) {
    return Error{ErrorCode::Internal,
                 "no response " + std::string(waiting.begin()->first) + " stored, yet its insert found one"};
  }
  return Status::success();
}

}  // namespace soundings::hub::detail
