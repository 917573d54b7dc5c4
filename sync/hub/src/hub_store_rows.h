// Reading every row of a query into values: shared by the hub store's files.
#pragma once

#include <string_view>
#include <vector>

#include "soundings/result.h"
#include "soundings/database.h"

namespace soundings::hub::detail {

// Every row of `query`, each made into a T by `make`.
template <typename T, typename Make>
Result<std::vector<T>> collect(db::Statement& query, std::string_view doing, Make make) {
  std::vector<T> out;
  while (true) {
    auto row = query.step(doing);
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(make(query));
  }
}

}  // namespace soundings::hub::detail
