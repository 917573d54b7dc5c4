// PostgreSQL behind the hub's database interface (libpq).
#include "soundings/database.h"
#include "hub_schema_postgres.h"

namespace soundings::db {

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  return Error{ErrorCode::Storage, redact_url(url) + ": PostgreSQL support is not built yet"};
}

}  // namespace soundings::db

namespace soundings::hub::detail {

Status prepare_postgres_schema(db::Connection&) {
  return Error{ErrorCode::Storage, "PostgreSQL support is not built yet"};
}

}  // namespace soundings::hub::detail
