// The hub store's reads for field work at head office: visits, check-ins and sign-in events, staff, walk lists.
#include "hub_store.h"
#include "hub_store_rows.h"

namespace soundings::hub::detail {

namespace {

// Both queries read these columns: id, kind, staff_id, subject, door, at, body, received_from.
StoredRecord record_from(const db::Statement& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6), row.text(7)};
}

}  // namespace

Result<std::vector<StoredRecord>> Store::records_by_subject(RecordKind kind, const std::string& subject) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT id, kind, staff_id, subject, door, at, body, received_from FROM records "
      "WHERE kind = ?1 AND (?2 = '' OR subject = ?2) ORDER BY subject, door, at, id");
  if (!query) return query.error();
  query->bind(1, record_kind_name(kind)).bind(2, subject);
  return collect<StoredRecord>(*query, std::string("reading the ") + record_kind_name(kind) + " records", record_from);
}

Result<std::vector<StoredRecord>> Store::latest_record_per_staff(RecordKind kind) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT id, kind, staff_id, subject, door, at, body, received_from FROM records r "
      "WHERE kind = ?1 AND NOT EXISTS (SELECT 1 FROM records later WHERE later.kind = r.kind AND "
      "later.staff_id = r.staff_id AND (later.at > r.at OR (later.at = r.at AND later.id > r.id))) "
      "ORDER BY staff_id");
  if (!query) return query.error();
  query->bind(1, record_kind_name(kind));
  return collect<StoredRecord>(*query, std::string("reading each officer's latest ") + record_kind_name(kind),
                               record_from);
}

Result<std::vector<std::pair<std::string, std::string>>> Store::walk_list_names() {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached("SELECT list_id, name FROM walk_lists ORDER BY name");
  if (!query) return query.error();
  return collect<std::pair<std::string, std::string>>(
      *query, "reading the walk lists",
      [](const db::Statement& row) { return std::pair<std::string, std::string>(row.text(0), row.text(1)); });
}

}  // namespace soundings::hub::detail
