// Console: the results filter (console_filter.h).
#include "console_filter.h"

#include "hub_impl.h"
#include "soundings/response.h"

namespace soundings::hub::detail::console {

namespace {

bool is_day(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int month = std::stoi(text.substr(5, 2));
  const int day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_language_tag(const std::string& text) {
  if (text.empty() || text.size() > kMaxLanguageBytes) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool has_control_bytes(const std::string& text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string channel_label(const std::string& channel, const Lang& lang) {
  if (channel == "kiosk") return tr("channel.kiosk", lang);
  if (channel == "field") return tr("channel.field", lang);
  return channel;
}

std::string language_label(const std::string& language, const Lang& lang) {
  if (language == "cy") return tr("language.cy", lang);
  if (language == "en") return tr("language.en", lang);
  return language;
}

std::string select(const std::string& name, const std::string& label, const std::string& chosen,
                   const std::vector<std::pair<std::string, std::string>>& options, const Lang& lang) {
  std::string out = "<p><label for=\"filter-" + name + "\">" + escape(label) + "</label> <select id=\"filter-" +
                    name + "\" name=\"" + name + "\"><option value=\"\">" + escape(tr("filter.any", lang)) +
                    "</option>";
  bool listed = chosen.empty();
  for (const auto& [value, text] : options) {
    listed = listed || value == chosen;
    out += "<option value=\"" + escape(value) + "\"" + (value == chosen ? " selected" : "") + ">" + escape(text) +
           "</option>";
  }
  // A value typed into the address (a venue of few responses) stays chosen without being offered to others.
  if (!listed) out += "<option value=\"" + escape(chosen) + "\" selected>" + escape(chosen) + "</option>";
  return out + "</select></p>";
}

}  // namespace

ParsedFilter filter_from(const PageRequest& request) {
  ParsedFilter out;
  ResponseFilter& filter = out.filter;
  const Lang& lang = request.lang;
  filter.from = request.param("from");
  filter.to = request.param("to");
  filter.channel = request.param("channel");
  filter.venue = request.param("venue");
  filter.language = request.param("language");
  filter.device = request.param("device");
  const auto too_long = [&](const char* field, size_t max) {
    return tr("filter.too_long", lang, {{"field", field}, {"max", std::to_string(max)}});
  };
  if (!filter.from.empty() && !is_day(filter.from)) {
    out.problem = tr("filter.bad_date", lang, {{"field", "from"}, {"value", filter.from}});
  } else if (!filter.to.empty() && !is_day(filter.to)) {
    out.problem = tr("filter.bad_date", lang, {{"field", "to"}, {"value", filter.to}});
  } else if (!filter.from.empty() && !filter.to.empty() && filter.to < filter.from) {
    out.problem = tr("results.to_before_from", lang);
  } else if (!filter.channel.empty() && filter.channel != "kiosk" && filter.channel != "field") {
    out.problem = tr("filter.bad_channel", lang, {{"value", filter.channel}});
  } else if (!filter.language.empty() && !is_language_tag(filter.language)) {
    out.problem = tr("results.bad_language", lang);
  } else if (filter.venue.size() > kMaxVenueBytes || has_control_bytes(filter.venue)) {
    out.problem = too_long("venue", kMaxVenueBytes);
  } else if (filter.device.size() > kMaxResponseIdBytes || has_control_bytes(filter.device)) {
    out.problem = too_long("device", kMaxResponseIdBytes);
  }
  return out;
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string filter_query(const ResponseFilter& filter) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"from", &filter.from},         {"to", &filter.to},
      {"channel", &filter.channel},   {"venue", &filter.venue},
      {"language", &filter.language}, {"device", &filter.device},
  };
  std::string out;
  for (const auto& [name, value] : fields) {
    if (value->empty()) continue;
    if (!out.empty()) out += '&';
    out += std::string(name) + "=" + url_encode(*value);
  }
  return out;
}

bool matches(const ResponseFilter& filter, const FacetRow& row) {
  if (!filter.from.empty() && row.submitted_at < filter.from) return false;
  // As the store's SQL: every time on the day `to` sorts before "YYYY-MM-DDU".
  if (!filter.to.empty() && row.submitted_at.compare(0, 10, filter.to) > 0) return false;
  if (!filter.channel.empty() && row.channel != filter.channel) return false;
  if (!filter.venue.empty() && row.venue != filter.venue) return false;
  if (!filter.language.empty() && row.language != filter.language) return false;
  if (!filter.device.empty() && row.device != filter.device) return false;
  return true;
}

void FilterChoices::add(const FacetRow& row) {
  if (!row.channel.empty()) ++channels[row.channel];
  if (!row.language.empty()) ++languages[row.language];
  if (!row.venue.empty()) ++venues[row.venue];
  if (!row.device.empty()) ++devices[row.device];
}

std::string filter_form(const PageRequest& request, const std::string& action, const ResponseFilter& filter,
                        const FilterChoices& choices, const std::map<std::string, std::string>& device_names,
                        const std::string& extra_fields) {
  const Lang& lang = request.lang;
  std::string out = "<form method=\"get\" action=\"" + escape(action) + "\" class=\"filter\">";
  out += extra_fields;
  out += "<fieldset><legend>" + escape(tr("filter.legend", lang)) + "</legend>";
  out += "<p><label for=\"filter-from\">" + escape(tr("filter.from", lang)) +
         "</label> <input type=\"date\" id=\"filter-from\" name=\"from\" value=\"" + escape(filter.from) + "\"></p>";
  out += "<p><label for=\"filter-to\">" + escape(tr("filter.to", lang)) +
         "</label> <input type=\"date\" id=\"filter-to\" name=\"to\" value=\"" + escape(filter.to) + "\"></p>";
  std::vector<std::pair<std::string, std::string>> options;
  for (const auto& [channel, count] : choices.channels) options.emplace_back(channel, channel_label(channel, lang));
  out += select("channel", tr("filter.channel", lang), filter.channel, options, lang);
  options.clear();
  for (const auto& [venue, count] : choices.venues) {
    if (count >= kMinShownCount) options.emplace_back(venue, venue);
  }
  out += select("venue", tr("filter.venue", lang), filter.venue, options, lang);
  options.clear();
  for (const auto& [language, count] : choices.languages) options.emplace_back(language, language_label(language, lang));
  out += select("language", tr("filter.language", lang), filter.language, options, lang);
  options.clear();
  for (const auto& [device, count] : choices.devices) {
    if (count < kMinShownCount) continue;
    const auto name = device_names.find(device);
    options.emplace_back(device, name != device_names.end() && !name->second.empty() ? name->second : device);
  }
  out += select("device", tr("filter.device", lang), filter.device, options, lang);
  out += "<p>" + escape(tr("results.few_not_listed", lang)) + "</p>";
  out += "</fieldset><p><button type=\"submit\">" + escape(tr("filter.apply", lang)) + "</button> <a href=\"" +
         escape(action) + "\">" + escape(tr("filter.clear", lang)) + "</a></p></form>";
  return out;
}

std::string describe_filter(const ResponseFilter& filter, const Lang& lang) {
  std::vector<std::string> parts;
  if (!filter.from.empty()) parts.push_back(tr("filter.from", lang) + ": " + filter.from);
  if (!filter.to.empty()) parts.push_back(tr("filter.to", lang) + ": " + filter.to);
  if (!filter.channel.empty()) parts.push_back(tr("filter.channel", lang) + ": " + channel_label(filter.channel, lang));
  if (!filter.venue.empty()) parts.push_back(tr("filter.venue", lang) + ": " + filter.venue);
  if (!filter.language.empty()) {
    parts.push_back(tr("filter.language", lang) + ": " + language_label(filter.language, lang));
  }
  if (!filter.device.empty()) parts.push_back(tr("filter.device", lang) + ": " + filter.device);
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

}  // namespace soundings::hub::detail::console

namespace soundings::hub {

// Here rather than in hub.cpp: only the console's tests and benchmarks need it.
detail::HubState& Hub::state_for_tests() { return *impl_; }

}  // namespace soundings::hub
