// Console: the results of one consultation (console_results.h).
//
// One pass over the consultation's facets (Store::scan_facets, no bodies, no JSON) fills both the counts
// of the filtered responses and the values the filter form offers, so a page over 100,000 responses reads
// each row once and holds only counters.
#include "console_results.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "hub_facets.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

constexpr int kNumberBands = 5;

bool counted_type(const Question& question) {
  switch (question.type) {
    case QuestionType::SingleChoice:
    case QuestionType::MultipleChoice:
    case QuestionType::Agreement:
    case QuestionType::Smiley:
    case QuestionType::Scale10:
    case QuestionType::Ranking:
    case QuestionType::Consent:
      return true;
    case QuestionType::Number:
      return question.min_value && question.max_value && *question.max_value > *question.min_value;
    default:
      return false;
  }
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

void add_row(QuestionTally& tally, std::string key, std::string label) {
  tally.rows.emplace(key, tally.keys.size());
  tally.keys.push_back(std::move(key));
  tally.labels.push_back(std::move(label));
  tally.counts.push_back(0);
}

QuestionTally tally_for(const Question& question, const std::string& language) {
  QuestionTally tally;
  tally.question = &question;
  switch (question.type) {
    case QuestionType::Scale10:
      for (int value = 0; value <= 10; ++value) {
        std::string label = std::to_string(value);
        if (value == 0 && !question.min_label.empty()) label += " (" + question.min_label.in(language) + ")";
        if (value == 10 && !question.max_label.empty()) label += " (" + question.max_label.in(language) + ")";
        add_row(tally, std::to_string(value), label);
      }
      break;
    case QuestionType::Consent:
      add_row(tally, "yes", tr("results.yes", language));
      add_row(tally, "no", tr("results.no", language));
      break;
    case QuestionType::Number: {
      tally.banded = true;
      const double low = *question.min_value;
      const double high = *question.max_value;
      const bool whole = question.integer_only && high - low < 10;
      tally.low = low;
      tally.width = whole ? 1 : (high - low) / kNumberBands;
      const int bands = whole ? static_cast<int>(high - low) + 1 : kNumberBands;
      for (int band = 0; band < bands; ++band) {
        const double from = low + band * tally.width;
        const double to = band + 1 == bands ? high : low + (band + 1) * tally.width;
        add_row(tally, std::to_string(band), whole ? number_text(from) : number_text(from) + "–" + number_text(to));
      }
      break;
    }
    default:
      for (const Option& option : question.options) add_row(tally, option.id, option.label.in(language));
      break;
  }
  add_row(tally, "", tr("results.no_answer", language));
  return tally;
}

void count_answer(QuestionTally& tally, std::string_view key) {
  if (tally.banded) {
    double value = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), value);
    if (error != std::errc() || end != key.data() + key.size()) return;
    auto band = static_cast<int64_t>(std::floor((value - tally.low) / tally.width));
    const auto bands = static_cast<int64_t>(tally.counts.size()) - 1;
    if (band == bands && tally.width != 1) band = bands - 1;  // the maximum itself: the last band is closed
    if (band >= 0 && band < bands) ++tally.counts[static_cast<size_t>(band)];
    return;
  }
  const auto row = tally.rows.find(key);
  if (row != tally.rows.end() && !row->first.empty()) ++tally.counts[row->second];
}

std::string question_heading(const QuestionTally& tally, const std::string& language) {
  return tally.question->text.in(language);
}

}  // namespace

std::string content_language(const Consultation& consultation, const Lang& lang) {
  if (consultation.declares(lang) || consultation.languages.empty()) return lang;
  return consultation.languages.front();
}

ResultsTally empty_tally(const std::vector<ConsultationPtr>& newest_first, const std::string& language) {
  ResultsTally tally;
  for (const ConsultationPtr& definition : newest_first) {
    if (!definition) continue;
    for (const Page& page : definition->pages) {
      for (const Question& question : page.questions) {
        if (question.data != DataClass::Ordinary || !counted_type(question) || tally.index.contains(question.id)) {
          continue;
        }
        tally.index.emplace(question.id, tally.questions.size());
        tally.questions.push_back(tally_for(question, language));
      }
    }
  }
  return tally;
}

void count_response(ResultsTally& tally, const ResponseFilter& filter, const FacetRow& row) {
  tally.choices.add(row);
  if (!matches(filter, row)) return;
  ++tally.total;
  QuestionTally* last = nullptr;
  for_each_choice(row.choices, [&](std::string_view question_id, std::string_view key) {
    QuestionTally* question = last;
    if (question == nullptr || question->question->id != question_id) {
      const auto found = tally.index.find(question_id);
      if (found == tally.index.end()) return;
      question = &tally.questions[found->second];
      // A multiple-choice answer's options come together: the response is counted once as answering.
      if (question != last) ++question->answered;
      last = question;
    }
    count_answer(*question, key);
  });
}

// The counts over every response of the rows of `question` (a filtered tally's), lined up with its rows.
std::vector<int64_t> whole_counts(const QuestionTally& question, ResultsTally& everything) {
  std::vector<int64_t> counts(question.counts.size(), 0);
  const auto found = everything.index.find(question.question->id);
  if (found == everything.index.end()) return counts;
  QuestionTally& whole = everything.questions[found->second];
  whole.counts.back() = everything.total - whole.answered;
  for (size_t row = 0; row < question.keys.size() && row < counts.size(); ++row) {
    for (size_t other = 0; other < whole.keys.size() && other < whole.counts.size(); ++other) {
      if (whole.keys[other] == question.keys[row]) {
        counts[row] = whole.counts[other];
        break;
      }
    }
  }
  return counts;
}

PageResult results_page(PageRequest& request) {
  HubState& hub = request.hub;
  const std::string id = request.match[1];
  const auto versions = hub.store->all_versions(id);
  if (!versions) return storage_failure(request, versions.error());
  if (versions->empty()) return not_found(request);
  std::vector<ConsultationPtr> definitions;
  for (const auto& [version, text] : *versions) {
    auto definition = hub.definition(id, version);
    if (!definition) return storage_failure(request, definition.error());
    if (*definition) definitions.push_back(*definition);
  }
  if (definitions.empty()) return not_found(request);
  const ParsedFilter parsed = filter_from(request);
  if (!parsed.problem.empty()) return bad_request(request, parsed.problem);
  const ResponseFilter& filter = parsed.filter;
  const Lang& lang = request.lang;
  const Consultation& newest = *definitions.front();
  const std::string language = content_language(newest, lang);

  ResultsTally tally = empty_tally(definitions, language);
  // A filtered view is shown beside the same counts over every response, so that no count can be learnt by
  // subtracting it from the unfiltered page (suppress_beside).
  ResultsTally everything = empty_tally(definitions, language);
  // Unfiltered, so that the form can offer every value; the filter is applied while counting.
  if (auto scanned = hub.store->scan_facets(id, ResponseFilter{}, [&](const FacetRow& row) {
        count_response(tally, filter, row);
        if (!filter.empty()) count_response(everything, ResponseFilter{}, row);
      });
      !scanned) {
    return storage_failure(request, scanned.error());
  }
  std::map<std::string, std::string> device_names;
  if (auto devices = hub.store->devices(); devices) {
    for (const DeviceInfo& device : *devices) device_names[device.device_id] = device.name;
  } else {
    return storage_failure(request, devices.error());
  }

  // The filtered total, hidden when it or what the filter leaves out is from 1 to 4.
  const auto total = filter.empty() ? suppress_one(tally.total)
                                    : suppress_beside({tally.total}, {everything.total}).front();
  const bool breakdown = total && tally.total >= kMinBreakdownTotal;
  const std::string path = "/consultations/" + id;
  const std::string query = filter_query(filter);
  PageResult result;
  result.title = tr("results.title", lang, {{"title", newest.title.in(language)}});

  Table summary;
  summary.id = "summary";
  summary.caption = tr("results.summary_caption", lang);
  summary.headers = {tr("results.what", lang), tr("results.responses", lang)};
  summary.keys = {"what", "responses"};
  summary.rows.push_back({Cell::of(tr(filter.empty() ? "results.all" : "results.all_matching", lang)),
                          total ? Cell::count(*total) : Cell::hidden()});
  result.tables.push_back(summary);

  std::string main = page_heading(result.title);
  main += "<nav aria-label=\"" + escape(tr("results.links", lang)) + "\"><ul>";
  const std::string with_query = query.empty() ? "" : "?" + query;
  // Only the links this person may follow: a viewer sees counts, never rows, and is not offered them.
  const struct {
    std::string href;
    std::string text;
    Permission needs;
  } links[] = {
      {path + "/text" + with_query, tr("results.link_texts", lang), Permission::ReadRows},
      {path + "/reach", tr("results.link_reach", lang), Permission::ReadResults},
      {path + "/export.csv" + with_query, tr("results.link_export_csv", lang), Permission::Export},
      {path + "/export.xlsx" + with_query, tr("results.link_export_xlsx", lang), Permission::Export},
      {path + "/feedback", tr("results.link_feedback", lang), Permission::Feedback},
  };
  for (const auto& link : links) {
    if (!allowed(request.session.role, link.needs)) continue;
    main += "<li><a href=\"" + escape(link.href) + "\">" + escape(link.text) + "</a></li>";
  }
  main += "</ul></nav>";
  main += "<h2>" + escape(tr("filter.legend", lang)) + "</h2>";
  main += filter_form(request, path, filter, tally.choices, device_names);
  main += "<h2>" + escape(tr("results.summary", lang)) + "</h2>";
  if (!filter.empty()) {
    main += "<p>" + escape(tr("results.filtered_by", lang, {{"filter", describe_filter(filter, lang)}})) + "</p>";
  }
  main += table_html(summary, lang);
  if (!breakdown) {
    main += notice(tr("filter.too_few", lang));
    result.main = std::move(main);
    return result;
  }
  if (tally.questions.empty()) main += "<p>" + escape(tr("results.no_questions", lang)) + "</p>";
  main += "<p>" + escape(tr("results.note_suppressed", lang)) + "</p>";
  for (QuestionTally& question : tally.questions) {
    // Every response either answered or did not: "no answer" completes the group, so suppress() sees a
    // group whose total is shown and hides a second count when it must.
    question.counts.back() = tally.total - question.answered;
    const auto shown = filter.empty() ? suppress(question.counts) : suppress_beside(question.counts, whole_counts(question, everything));
    const std::string heading = question_heading(question, language);
    Table table;
    table.id = "q-" + question.question->id;
    table.caption = tr("results.chart_title", lang, {{"question", heading}});
    table.headers = {tr("results.answer", lang), tr("results.responses", lang), tr("results.percent", lang)};
    table.keys = {"answer", "responses", "percent"};
    std::vector<Bar> bars;
    for (size_t row = 0; row < question.counts.size(); ++row) {
      const std::optional<int64_t>& count = shown[row];
      bars.push_back(Bar{question.labels[row], count});
      // A hidden count's share would give the count away.
      const Cell share = Cell::of(count ? percent_text(*count, tally.total) : "");
      table.rows.push_back({Cell::of(question.labels[row]), count ? Cell::count(*count) : Cell::hidden(), share});
    }
    main += "<section aria-labelledby=\"h-" + escape(table.id) + "\"><h2 id=\"h-" + escape(table.id) + "\">" +
            escape(heading) + "</h2>";
    main += bar_chart_svg(table.caption, bars, lang);
    main += table_html(table, lang);
    if (question.question->type == QuestionType::MultipleChoice) {
      main += "<p>" + escape(tr("results.note_multiple", lang)) + "</p>";
    } else if (question.question->type == QuestionType::Ranking) {
      main += "<p>" + escape(tr("results.note_ranking", lang)) + "</p>";
    }
    main += "</section>";
    result.tables.push_back(std::move(table));
  }
  result.main = std::move(main);
  return result;
}

}  // namespace soundings::hub::detail::console
