// The hub's schema on PostgreSQL: numbered migrations matching the SQLite file's, run once under an advisory lock.
#include "hub_schema_postgres.h"

namespace soundings::hub::detail {

Status prepare_postgres_schema(db::Connection&) {
  return Error{ErrorCode::Storage, "the hub's PostgreSQL schema is not built yet"};
}

}  // namespace soundings::hub::detail
