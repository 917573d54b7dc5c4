// The hub store's reads for the console's publish page: each version of a consultation and when it went out.
#include "hub_store.h"
#include "hub_store_rows.h"

namespace soundings::hub::detail {

Result<std::vector<PublishedVersion>> Store::version_history(const std::string& id) {
  auto db = reader();
  if (!db) return db.error();
  auto query = (*db)->cached(
      "SELECT version, opens, closes, published_at FROM consultations WHERE id = ?1 ORDER BY version DESC");
  if (!query) return query.error();
  query->bind(1, id);
  return collect<PublishedVersion>(*query, "reading the versions of consultation " + id, [](const db::Statement& row) {
    return PublishedVersion{static_cast<int>(row.integer(0)), row.text(1), row.text(2), row.text(3)};
  });
}

}  // namespace soundings::hub::detail
