// The hub store for the console's results (hub_store.h, "results (issue 12)"): responses and their facets
// read through a filter, counts for the consultations list, free text a page at a time, and the backfill
// of facets for responses stored before they were drawn at ingest.
#include <map>

#include "hub_store.h"
#include "hub_store_rows.h"
#include "soundings/loader.h"

namespace soundings::hub::detail {

namespace {

// Rows read per query on PostgreSQL, whose client library holds a whole result in memory: a scan of
// 100,000 responses then holds one page (a few megabytes), never all of them.
constexpr int64_t kScanPage = 20000;

bool is_day(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int month = std::stoi(text.substr(5, 2));
  const int day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status check_filter(const ResponseFilter& filter) {
  if (!filter.from.empty() && !is_day(filter.from)) {
    return Error{ErrorCode::InvalidInput, "from: must be a date as YYYY-MM-DD"};
  }
  if (!filter.to.empty() && !is_day(filter.to)) return Error{ErrorCode::InvalidInput, "to: must be a date as YYYY-MM-DD"};
  return Status::success();
}

// The WHERE conditions of `filter` on the responses table aliased `r`, numbered from `next` on, and the
// values to bind in that order.
struct Conditions {
  std::string sql;
  std::vector<std::string> values;
};

Conditions conditions_of(const ResponseFilter& filter, int next) {
  Conditions out;
  const auto add = [&](const char* condition, std::string value) {
    std::string text = condition;
    text.replace(text.find('#'), 1, "?" + std::to_string(next++));
    out.sql += " AND " + text;
    out.values.push_back(std::move(value));
  };
  if (!filter.from.empty()) add("r.submitted_at >= #", filter.from);
  // submitted_at is "YYYY-MM-DDT...": every time on the day `to` sorts before "YYYY-MM-DDU".
  if (!filter.to.empty()) add("r.submitted_at < #", filter.to + "U");
  if (!filter.channel.empty()) add("r.channel = #", filter.channel);
  if (!filter.venue.empty()) add("r.venue = #", filter.venue);
  if (!filter.language.empty()) add("r.language = #", filter.language);
  if (!filter.device.empty()) add("r.device = #", filter.device);
  return out;
}

// Runs `select` (columns, FROM and WHERE up to the filter's conditions; ?1, ?2... are `leading`) for every
// row, in (submitted_at, id) order, calling `row` for each. SQLite streams one statement; PostgreSQL reads
// a page at a time after the last row seen, so memory stays bounded on both. The select's last two
// columns must be r.submitted_at and r.id.
Status scan_pages(db::Connection& db, const std::string& select, const std::vector<std::string>& leading,
                  const ResponseFilter& filter, int columns, const std::function<void(db::Statement&)>& row,
                  std::string_view doing) {
  const int first = 1 + static_cast<int>(leading.size());
  const Conditions where = conditions_of(filter, first);
  const bool paged = db.dialect() == db::Dialect::PostgreSQL;
  const int after = first + static_cast<int>(where.values.size());
  std::string sql = select + where.sql;
  if (paged) {
    sql += " AND (r.submitted_at, r.id) > (?" + std::to_string(after) + ", ?" + std::to_string(after + 1) + ")";
  }
  sql += " ORDER BY r.submitted_at, r.id";
  if (paged) sql += " LIMIT " + std::to_string(kScanPage);
  std::string last_at;
  std::string last_id;
  for (;;) {
    auto query = db.prepare(sql);
    if (!query) return query.error();
    for (size_t i = 0; i < leading.size(); ++i) query->bind(static_cast<int>(i) + 1, leading[i]);
    for (size_t i = 0; i < where.values.size(); ++i) query->bind(static_cast<int>(i) + first, where.values[i]);
    if (paged) query->bind(after, last_at).bind(after + 1, last_id);
    int64_t rows = 0;
    for (;;) {
      auto stepped = query->step(doing);
      if (!stepped) return stepped.error();
      if (!*stepped) break;
      ++rows;
      row(*query);
      if (paged) {
        last_at = query->text(columns - 2);
        last_id = query->text(columns - 1);
      }
    }
    if (!paged || rows < kScanPage) return Status::success();
  }
}

}  // namespace

Result<std::vector<StoredResponse>> Store::responses_of(const std::string& consultation_id,
                                                        const ResponseFilter& filter) {
  if (auto checked = check_filter(filter); !checked) return checked.error();
  auto db = reader();
  if (!db) return db.error();
  std::vector<StoredResponse> out;
  auto done = scan_pages(
      **db,
      "SELECT r.consultation_version, coalesce(c.body, r.body), r.submitted_at, r.id FROM responses r "
      "LEFT JOIN response_corrections c ON c.response_id = r.id WHERE r.consultation_id = ?1",
      {consultation_id}, filter, 4,
      [&](db::Statement& row) {
        out.push_back(StoredResponse{row.text(3), static_cast<int>(row.integer(0)), row.text(1)});
      },
      "reading the responses to " + consultation_id);
  if (!done) return done.error();
  return out;
}

Status Store::scan_facets(const std::string& consultation_id, const ResponseFilter& filter,
                          const std::function<void(const FacetRow&)>& row) {
  if (auto checked = check_filter(filter); !checked) return checked;
  auto db = reader();
  if (!db) return db.error();
  FacetRow facets;
  return scan_pages(
      **db,
      "SELECT r.language, r.channel, r.venue, r.device, r.choices, r.submitted_at, r.id FROM responses r "
      "WHERE r.consultation_id = ?1",
      {consultation_id}, filter, 7,
      [&](db::Statement& query) {
        facets.language = query.text(0);
        facets.channel = query.text(1);
        facets.venue = query.text(2);
        facets.device = query.text(3);
        facets.choices = query.text(4);
        facets.submitted_at = query.text(5);
        facets.id = query.text(6);
        row(facets);
      },
      "counting the responses to " + consultation_id);
}

Result<std::vector<FacetCount>> Store::facet_counts(const std::string& consultation_id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT substr(submitted_at, 1, 10), channel, language, count(*) FROM responses WHERE consultation_id = ?1 "
      "GROUP BY substr(submitted_at, 1, 10), channel, language ORDER BY 1, 2, 3");
  if (!query) return query.error();
  query->bind(1, consultation_id);
  return collect<FacetCount>(*query, "counting the responses to " + consultation_id, [](const auto& row) {
    return FacetCount{row.text(0), row.text(1), row.text(2), row.integer(3)};
  });
}

namespace {

// Folds the letters of `text` to lower case: ASCII, and the Latin-1 and Latin Extended-A capitals Welsh
// and its neighbours write (Â, Ŵ, Ŷ...), so that a search for "ŵyl" finds "Ŵyl". Other bytes are kept.
std::string fold_case(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    auto byte = static_cast<unsigned char>(out[i]);
    if (byte >= 'A' && byte <= 'Z') {
      out[i] = static_cast<char>(byte + 32);
    } else if ((byte == 0xC3 || byte == 0xC4 || byte == 0xC5) && i + 1 < out.size()) {
      const unsigned code = ((byte & 0x1Fu) << 6) | (static_cast<unsigned char>(out[i + 1]) & 0x3Fu);
      unsigned lower = code;
      if (code >= 0xC0 && code <= 0xDE && code != 0xD7) {
        lower = code + 0x20;
      } else if (code >= 0x100 && code <= 0x137 && code % 2 == 0) {
        lower = code + 1;
      } else if (code >= 0x139 && code <= 0x148 && code % 2 == 1) {
        lower = code + 1;
      } else if (code >= 0x14A && code <= 0x177 && code % 2 == 0) {
        lower = code + 1;
      }
      out[i] = static_cast<char>(0xC0 | (lower >> 6));
      out[i + 1] = static_cast<char>(0x80 | (lower & 0x3F));
      ++i;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<TextRow>> Store::texts_of(const std::string& consultation_id, const std::string& question_id,
                                             const ResponseFilter& filter, const std::string& search, int64_t offset,
                                             int64_t limit, int64_t& total) {
  if (auto checked = check_filter(filter); !checked) return checked.error();
  auto db = reader();
  if (!db) return db.error();
  // The search is made here, not with LIKE: SQLite's LIKE folds ASCII only and PostgreSQL's ILIKE follows
  // the server's locale, and one hub must answer the same on both.
  const std::string wanted = fold_case(search);
  std::vector<TextRow> out;
  total = 0;
  auto done = scan_pages(
      **db,
      "SELECT t.text, r.submitted_at, r.id FROM response_texts t JOIN responses r ON r.id = t.response_id "
      "WHERE t.consultation_id = ?1 AND t.question_id = ?2 AND r.consultation_id = ?1",
      {consultation_id, question_id}, filter, 3,
      [&](db::Statement& row) {
        std::string text = row.text(0);
        if (!wanted.empty() && fold_case(text).find(wanted) == std::string::npos) return;
        if (total >= offset && total < offset + limit) out.push_back(TextRow{row.text(2), row.text(1), std::move(text)});
        ++total;
      },
      "reading the written answers to " + consultation_id);
  if (!done) return done.error();
  return out;
}

Status store_response_texts(db::Connection& db, const std::string& response_id, const std::string& consultation_id,
                            const Facets& facets) {
  for (const auto& [question_id, text] : facets.texts) {
    auto insert = db.cached(
        "INSERT INTO response_texts (response_id, consultation_id, question_id, text) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (response_id, question_id) DO UPDATE SET text = excluded.text");
    if (!insert) return insert.error();
    auto done = insert->bind(1, response_id).bind(2, consultation_id).bind(3, question_id).bind(4, text).run(
        "storing the written answers of response " + response_id);
    if (!done) return done;
  }
  return Status::success();
}

namespace {

Status store_facets(db::Connection& writer, const std::string& response_id, const std::string& consultation_id,
                    const Facets& facets) {
  auto update = writer.cached(
      "UPDATE responses SET language = ?2, channel = ?3, venue = ?4, device = ?5, choices = ?6, facets_version = ?7 "
      "WHERE id = ?1");
  if (!update) return update.error();
  auto done = update->bind(1, response_id)
                  .bind(2, facets.language)
                  .bind(3, facets.channel)
                  .bind(4, facets.venue)
                  .bind(5, facets.device)
                  .bind(6, facets.choices)
                  .bind(7, int64_t{kFacetsVersion})
                  .run("storing the facets of response " + response_id);
  if (!done) return done;
  return store_response_texts(writer, response_id, consultation_id, facets);
}

}  // namespace

Status Store::backfill_facets() {
  {
    auto db = reader();
    if (!db) return db.error();
    // A batch of 500 per transaction (the select's LIMIT) keeps the write lock short for hubs sharing the database.
    auto recorded = (*db)->integer("SELECT count(*) FROM meta WHERE key = 'facets_version' AND value = '" +
                                       std::to_string(kFacetsVersion) + "'",
                                   "looking for the facets' version");
    if (!recorded) return recorded.error();
    if (*recorded > 0) return Status::success();
  }
  std::map<std::pair<std::string, int>, std::shared_ptr<const Consultation>> definitions;
  std::string last_id;
  for (;;) {
    const std::lock_guard lock(write_mutex_);
    db::Transaction transaction(*writer_);
    if (auto begun = transaction.begin(); !begun) return begun;
    struct Waiting {
      std::string id, consultation_id;
      int version;
      std::string body;
    };
    std::vector<Waiting> batch;
    {
      auto select = writer_->cached(
          "SELECT id, consultation_id, consultation_version, body FROM responses WHERE id > ?1 AND facets_version < ?2 "
          "ORDER BY id LIMIT 500");
      if (!select) return select.error();
      select->bind(1, last_id).bind(2, int64_t{kFacetsVersion});
      for (;;) {
        auto row = select->step("looking for responses stored before their facets were drawn");
        if (!row) return row.error();
        if (!*row) break;
        batch.push_back({select->text(0), select->text(1), static_cast<int>(select->integer(2)), select->text(3)});
      }
    }
    if (batch.empty()) break;
    for (const Waiting& response : batch) {
      const auto key = std::make_pair(response.consultation_id, response.version);
      auto found = definitions.find(key);
      if (found == definitions.end()) {
        auto text = definition(response.consultation_id, response.version);
        if (!text) return text.error();
        std::shared_ptr<const Consultation> loaded;
        if (*text) {
          LoadOutcome outcome = load_consultation(**text);
          if (outcome.ok()) loaded = outcome.consultation;
        }
        found = definitions.emplace(key, loaded).first;
      }
      // A response whose definition cannot be read still gets its language, channel, venue and device.
      static const Consultation kNone;
      const auto body = nlohmann::json::parse(response.body, nullptr, false);
      const Facets facets = facets_of(body, found->second ? *found->second : kNone);
      if (auto stored = store_facets(*writer_, response.id, response.consultation_id, facets); !stored) return stored;
    }
    if (auto committed = transaction.commit(); !committed) return committed;
    last_id = batch.back().id;
  }
  const std::lock_guard lock(write_mutex_);
  auto mark = writer_->cached(
      "INSERT INTO meta (key, value) VALUES ('facets_version', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!mark) return mark.error();
  return mark->bind(1, std::to_string(kFacetsVersion)).run("recording the facets' version");
}

}  // namespace soundings::hub::detail
