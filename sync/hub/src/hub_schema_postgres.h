// The hub's schema on PostgreSQL: the same tables as the SQLite file's (hub_store_open.cpp), in PostgreSQL's types.
#pragma once

#include "soundings/database.h"

namespace soundings::hub::detail {

// Creates the schema in an empty database, or brings a hub's schema up to date, in one transaction
// serialised between hub processes (an advisory lock), so that several hubs starting at once do it once.
// Refuses, changing nothing, a database that holds tables of another program or a schema newer than
// this hub's.
[[nodiscard]] Status prepare_postgres_schema(db::Connection& connection);

}  // namespace soundings::hub::detail
