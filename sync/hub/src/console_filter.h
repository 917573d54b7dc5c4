// The results filter of the console's consultation pages (results, free text, and the export links): read
// from the query string, checked, matched against facets, written back into links, and shown as a form.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "console.h"
#include "hub_store.h"

namespace soundings::hub::detail::console {

// The query parameters a filter is read from, in the order links write them.
inline constexpr const char* kFilterParams[] = {"from", "to", "channel", "venue", "language", "device"};

// The filter a request asks for; on bad input, the problem naming the field (for bad_request).
struct ParsedFilter {
  ResponseFilter filter;
  std::string problem;  // empty when the filter is fine
};
ParsedFilter filter_from(const PageRequest& request);

// "from=...&venue=..." of the filter's fields that are set, URL-encoded; empty when none is.
std::string filter_query(const ResponseFilter& filter);
std::string url_encode(const std::string& text);

// Whether a response's facets pass the filter, exactly as Store::scan_facets's SQL would decide.
bool matches(const ResponseFilter& filter, const FacetRow& row);

// The values a filter can offer, counted over every response of the consultation (unfiltered). Only
// values of at least kMinShownCount responses are offered for venue and device, so the form never names a
// place or device that only one or two people used; the counts themselves are never shown.
struct FilterChoices {
  std::map<std::string, int64_t> channels;
  std::map<std::string, int64_t> languages;
  std::map<std::string, int64_t> venues;
  std::map<std::string, int64_t> devices;
  void add(const FacetRow& row);
};

// The GET form: dates, then a select for each of channel, venue, language and device, with labels.
// `device_names`: device id -> the name head office gave it.
std::string filter_form(const PageRequest& request, const std::string& action, const ResponseFilter& filter,
                        const FilterChoices& choices, const std::map<std::string, std::string>& device_names,
                        const std::string& extra_fields = {});

// The filter in words ("Channel: kiosk; from 2026-12-01"), for captions and notices; empty when none.
std::string describe_filter(const ResponseFilter& filter, const Lang& lang);

}  // namespace soundings::hub::detail::console
