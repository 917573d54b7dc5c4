// Console pages: consultations (console.h): the list, each one's results (console_results.cpp), its
// written answers a page at a time, and its reach by equality group.
#include <algorithm>
#include <map>

#include "console.h"
#include "console_filter.h"
#include "console_results.h"
#include "hub_impl.h"
#include "hub_reach.h"

namespace soundings::hub::detail::console {

namespace {

constexpr int64_t kTextsPerPage = 25;
constexpr size_t kChartDays = 14;
const char* const kStatuses[] = {"open", "upcoming", "closed"};

// The newest definition of every version of `id`, newest first; empty when none is published.
Result<std::vector<ConsultationPtr>> definitions_of(HubState& hub, const std::string& id) {
  const auto versions = hub.store->all_versions(id);
  if (!versions) return versions.error();
  std::vector<ConsultationPtr> out;
  for (const auto& [version, text] : *versions) {
    auto definition = hub.definition(id, version);
    if (!definition) return definition.error();
    if (*definition) out.push_back(*definition);
  }
  return out;
}

Cell shown_count(const std::optional<int64_t>& count) { return count ? Cell::count(*count) : Cell::hidden(); }

// ---- GET / -------------------------------------------------------------------------------------------

struct ConsultationCounts {
  int64_t total = 0;
  std::map<std::string, int64_t> channels;   // "kiosk", "field"
  std::map<std::string, int64_t> languages;  // "cy", "en", other tags
  std::map<std::string, int64_t> days;       // YYYY-MM-DD
};

PageResult consultations_page(PageRequest& request) {
  HubState& hub = request.hub;
  const Lang& lang = request.lang;
  auto latest = hub.store->latest_consultations();
  if (!latest) return storage_failure(request, latest.error());
  const std::string today = hub.today();

  PageResult result;
  result.title = tr("consult.title", lang);
  Table list;
  list.id = "consultations";
  list.caption = tr("consult.table_caption", lang);
  list.headers = {tr("consult.consultation", lang), tr("consult.status", lang),   tr("consult.opens", lang),
                  tr("consult.closes", lang),       tr("consult.responses", lang), tr("channel.kiosk", lang),
                  tr("channel.field", lang),        tr("language.cy", lang),       tr("language.en", lang),
                  tr("consult.other_language", lang)};
  list.keys = {"consultation", "status", "opens", "closes", "responses", "kiosk", "field", "welsh", "english",
               "other_language"};
  Table days;
  days.id = "days";
  days.caption = tr("consult.days_caption", lang);
  days.headers = {tr("consult.consultation", lang), tr("consult.day", lang), tr("consult.responses", lang)};
  days.keys = {"consultation", "day", "responses"};
  days.first_column_is_header = false;

  std::map<std::string, std::string> sections;  // status -> its HTML
  for (const PublishedConsultation& published : *latest) {
    auto definition = hub.definition(published.id, published.version);
    if (!definition) return storage_failure(request, definition.error());
    const std::string title =
        *definition ? (*definition)->title.in(content_language(**definition, lang)) : published.id;
    const std::string status = consultation_status(today, published.opens, published.closes);
    auto counted = hub.store->facet_counts(published.id);
    if (!counted) return storage_failure(request, counted.error());
    ConsultationCounts counts;
    for (const FacetCount& row : *counted) {
      counts.total += row.count;
      counts.channels[row.channel] += row.count;
      counts.languages[row.language == "cy" || row.language == "en" ? row.language : "other"] += row.count;
      counts.days[row.day] += row.count;
    }
    // Each group adds up to the total, which is shown: suppress() hides a second count where one alone would
    // give a hidden one away.
    const auto total = suppress_one(counts.total);
    const auto channels = suppress({counts.channels["kiosk"], counts.channels["field"]});
    const auto languages = suppress({counts.languages["cy"], counts.languages["en"], counts.languages["other"]});
    std::vector<int64_t> day_counts;
    for (const auto& [day, count] : counts.days) day_counts.push_back(count);
    const auto shown_days = suppress(day_counts);

    Cell name = Cell::of(title);
    name.href = "/consultations/" + published.id;
    list.rows.push_back({name, Cell::of(tr("consult.status_" + status, lang)), Cell::of(published.opens),
                         Cell::of(published.closes), shown_count(total), shown_count(channels[0]),
                         shown_count(channels[1]), shown_count(languages[0]), shown_count(languages[1]),
                         shown_count(languages[2])});

    Table mine;
    mine.id = "c-" + published.id;
    mine.caption = tr("consult.counts_caption", lang, {{"title", title}});
    mine.headers = {tr("consult.counted", lang), tr("consult.responses", lang)};
    mine.keys = {"counted", "responses"};
    mine.rows = {{Cell::of(tr("consult.all", lang)), shown_count(total)},
                 {Cell::of(tr("channel.kiosk", lang)), shown_count(channels[0])},
                 {Cell::of(tr("channel.field", lang)), shown_count(channels[1])},
                 {Cell::of(tr("language.cy", lang)), shown_count(languages[0])},
                 {Cell::of(tr("language.en", lang)), shown_count(languages[1])},
                 {Cell::of(tr("consult.other_language", lang)), shown_count(languages[2])}};
    Table per_day;
    per_day.id = "d-" + published.id;
    per_day.caption = tr("consult.per_day_caption", lang, {{"title", title}});
    per_day.headers = {tr("consult.day", lang), tr("consult.responses", lang)};
    per_day.keys = {"day", "responses"};
    std::vector<Bar> bars;
    size_t i = 0;
    for (const auto& [day, count] : counts.days) {
      per_day.rows.push_back({Cell::of(day), shown_count(shown_days[i])});
      days.rows.push_back({Cell::of(published.id), Cell::of(day), shown_count(shown_days[i])});
      if (counts.days.size() - i <= kChartDays) bars.push_back(Bar{day, shown_days[i]});
      ++i;
    }

    std::string& html = sections[status];
    html += "<section aria-labelledby=\"h-" + escape(mine.id) + "\"><h3 id=\"h-" + escape(mine.id) + "\"><a href=\"" +
            escape(name.href) + "\">" + escape(title) + "</a></h3>";
    html += "<p>" + escape(tr("consult.dates", lang, {{"opens", published.opens}, {"closes", published.closes}})) +
            "</p>";
    html += table_html(mine, lang);
    if (!bars.empty()) {
      html += bar_chart_svg(tr("consult.chart_title", lang, {{"title", title}, {"days", std::to_string(bars.size())}}),
                            bars, lang);
      html += "<details><summary>" + escape(tr("consult.per_day_caption", lang, {{"title", title}})) + "</summary>" +
              table_html(per_day, lang) + "</details>";
    }
    html += "</section>";
  }

  std::string main = page_heading(result.title);
  for (const char* status : kStatuses) {
    main += "<h2>" + escape(tr(std::string("consult.heading_") + status, lang)) + "</h2>";
    const auto found = sections.find(status);
    main += found == sections.end() ? "<p>" + escape(tr("consult.none", lang)) + "</p>" : found->second;
  }
  main += "<p>" + escape(tr("results.note_suppressed", lang)) + "</p>";
  result.main = std::move(main);
  result.tables = {std::move(list), std::move(days)};
  return result;
}

// ---- GET /consultations/ID/text ----------------------------------------------------------------------

// Questions whose answers are written: short and long text, and the "other" box of a choice.
std::vector<const Question*> text_questions(const std::vector<ConsultationPtr>& newest_first) {
  std::vector<const Question*> out;
  for (const ConsultationPtr& definition : newest_first) {
    for (const Page& page : definition->pages) {
      for (const Question& question : page.questions) {
        if (question.data != DataClass::Ordinary) continue;
        const bool written = question.type == QuestionType::ShortText || question.type == QuestionType::LongText ||
                             std::any_of(question.options.begin(), question.options.end(),
                                         [](const Option& option) { return option.other; });
        const bool seen = std::any_of(out.begin(), out.end(), [&](const Question* q) { return q->id == question.id; });
        if (written && !seen) out.push_back(&question);
      }
    }
  }
  return out;
}

std::string date_of(const std::string& submitted_at) { return submitted_at.substr(0, 10); }

PageResult texts_page(PageRequest& request) {
  HubState& hub = request.hub;
  const Lang& lang = request.lang;
  const std::string id = request.match[1];
  auto definitions = definitions_of(hub, id);
  if (!definitions) return storage_failure(request, definitions.error());
  if (definitions->empty()) return not_found(request);
  const ParsedFilter parsed = filter_from(request);
  if (!parsed.problem.empty()) return bad_request(request, parsed.problem);
  const Consultation& newest = *definitions->front();
  const std::string language = content_language(newest, lang);
  const auto questions = text_questions(*definitions);
  std::string question_id = request.param("question");
  const std::string search = request.param("search");
  if (search.size() > 200) return bad_request(request, tr("filter.too_long", lang, {{"field", "search"}, {"max", "200"}}));
  if (question_id.empty() && !questions.empty()) question_id = questions.front()->id;
  const auto chosen = std::find_if(questions.begin(), questions.end(),
                                   [&](const Question* q) { return q->id == question_id; });
  if (!questions.empty() && chosen == questions.end()) {
    return bad_request(request, tr("texts.bad_question", lang, {{"value", question_id}}));
  }
  int64_t page = 1;
  if (const std::string text = request.param("page"); !text.empty()) {
    const bool digits = text.size() <= 6 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    page = digits ? std::stoll(text) : 0;
    if (page < 1) return bad_request(request, tr("texts.bad_page", lang, {{"value", text}}));
  }

  // Free text is read whatever the filter leaves: only people allowed to read rows see this page.
  int64_t total = 0;
  std::vector<TextRow> rows;
  if (!questions.empty()) {
    auto read = hub.store->texts_of(id, question_id, parsed.filter, search, (page - 1) * kTextsPerPage, kTextsPerPage,
                                    total);
    if (!read) return storage_failure(request, read.error());
    rows = std::move(*read);
  }
  FilterChoices choices;
  if (auto scanned = hub.store->scan_facets(id, ResponseFilter{}, [&](const FacetRow& row) { choices.add(row); });
      !scanned) {
    return storage_failure(request, scanned.error());
  }
  std::map<std::string, std::string> device_names;
  auto devices = hub.store->devices();
  if (!devices) return storage_failure(request, devices.error());
  for (const DeviceInfo& device : *devices) device_names[device.device_id] = device.name;

  PageResult result;
  result.title = tr("texts.title", lang, {{"title", newest.title.in(language)}});
  const std::string question_text = chosen != questions.end() ? (*chosen)->text.in(language) : "";
  Table table;
  table.id = "texts";
  table.caption = tr("texts.caption", lang, {{"question", question_text}});
  table.headers = {tr("texts.submitted", lang), tr("texts.answer", lang)};
  table.keys = {"submitted", "answer"};
  table.first_column_is_header = false;
  // The day only: the time, the venue and the device would make a writer easier to pick out.
  for (TextRow& row : rows) table.rows.push_back({Cell::of(date_of(row.submitted_at)), Cell::of(std::move(row.text))});

  const std::string path = "/consultations/" + id + "/text";
  std::string fields = "<p><label for=\"texts-question\">" + escape(tr("texts.question", lang)) +
                       "</label> <select id=\"texts-question\" name=\"question\">";
  for (const Question* question : questions) {
    fields += "<option value=\"" + escape(question->id) + "\"" + (question->id == question_id ? " selected" : "") +
              ">" + escape(question->text.in(language)) + "</option>";
  }
  fields += "</select></p><p><label for=\"texts-search\">" + escape(tr("texts.search", lang)) +
            "</label> <input type=\"search\" id=\"texts-search\" name=\"search\" value=\"" + escape(search) + "\"></p>";

  std::string main = page_heading(result.title);
  main += "<p><a href=\"/consultations/" + escape(id) + "\">" + escape(tr("texts.back", lang)) + "</a></p>";
  main += filter_form(request, path, parsed.filter, choices, device_names, fields);
  if (questions.empty()) {
    main += "<p>" + escape(tr("texts.no_questions", lang)) + "</p>";
  } else {
    main += "<h2>" + escape(question_text) + "</h2>";
    if (!parsed.filter.empty()) {
      main += "<p>" + escape(tr("results.filtered_by", lang, {{"filter", describe_filter(parsed.filter, lang)}})) + "</p>";
    }
    main += rows.empty() ? "<p>" + escape(tr("texts.none", lang)) + "</p>" : table_html(table, lang);
    const int64_t pages = std::max<int64_t>(1, (total + kTextsPerPage - 1) / kTextsPerPage);
    std::string query = "question=" + url_encode(question_id);
    if (!search.empty()) query += "&search=" + url_encode(search);
    if (const std::string filter = filter_query(parsed.filter); !filter.empty()) query += "&" + filter;
    main += "<nav aria-label=\"" + escape(tr("texts.pages", lang)) + "\"><p>";
    if (page > 1) {
      main += "<a rel=\"prev\" href=\"" + escape(path + "?" + query + "&page=" + std::to_string(page - 1)) + "\">" +
              escape(tr("page.previous", lang)) + "</a> ";
    }
    main += escape(tr("page.position", lang, {{"page", std::to_string(page)}, {"pages", std::to_string(pages)}}));
    if (page < pages) {
      main += " <a rel=\"next\" href=\"" + escape(path + "?" + query + "&page=" + std::to_string(page + 1)) + "\">" +
              escape(tr("page.next", lang)) + "</a>";
    }
    main += "</p></nav>";
  }
  result.main = std::move(main);
  result.tables = {std::move(table)};
  return result;
}

// ---- GET /consultations/ID/reach ---------------------------------------------------------------------

PageResult reach_page(PageRequest& request) {
  HubState& hub = request.hub;
  const Lang& lang = request.lang;
  const std::string id = request.match[1];
  auto definitions = definitions_of(hub, id);
  if (!definitions) return storage_failure(request, definitions.error());
  if (definitions->empty()) return not_found(request);
  auto counted = reach_counts(hub, id, lang);
  if (!counted) {
    if (counted.error().code == ErrorCode::NotFound) return not_found(request);
    return storage_failure(request, counted.error());
  }
  const Consultation& newest = *definitions->front();
  PageResult result;
  result.title = tr("reach.page_title", lang, {{"title", newest.title.in(content_language(newest, lang))}});
  Table summary;
  summary.id = "summary";
  summary.caption = tr("reach.summary_caption", lang);
  summary.headers = {tr("results.what", lang), tr("consult.responses", lang)};
  summary.keys = {"what", "responses"};
  summary.rows.push_back({Cell::of(tr("results.all", lang)), shown_count(suppress_one(counted->total))});
  summary.rows.push_back(
      {Cell::of(tr("reach.unreadable_row", lang)), shown_count(suppress_one(counted->unreadable))});
  std::string main = page_heading(result.title);
  main += "<p><a href=\"/consultations/" + escape(id) + "\">" + escape(tr("texts.back", lang)) + "</a></p>";
  main += "<p>" + escape(tr("reach.explained", lang)) + "</p>";
  main += table_html(summary, lang);
  result.tables.push_back(std::move(summary));
  if (counted->questions.empty()) main += "<p>" + escape(tr("reach.no_questions", lang)) + "</p>";
  for (const ReachQuestion& question : counted->questions) {
    std::vector<int64_t> counts;
    for (const ReachRow& row : question.rows) counts.push_back(row.count);
    const auto shown = suppress(counts);
    Table table;
    table.id = "q-" + question.id;
    table.caption = tr("results.chart_title", lang, {{"question", question.text}});
    table.headers = {tr("results.answer", lang), tr("consult.responses", lang)};
    table.keys = {"answer", "responses"};
    std::vector<Bar> bars;
    for (size_t i = 0; i < question.rows.size(); ++i) {
      table.rows.push_back({Cell::of(question.rows[i].label), shown_count(shown[i])});
      bars.push_back(Bar{question.rows[i].label, shown[i]});
    }
    main += "<section aria-labelledby=\"h-" + escape(table.id) + "\"><h2 id=\"h-" + escape(table.id) + "\">" +
            escape(question.text) + "</h2>" + bar_chart_svg(table.caption, bars, lang) + table_html(table, lang) +
            "</section>";
    result.tables.push_back(std::move(table));
  }
  main += "<p>" + escape(tr("results.note_suppressed", lang)) + "</p>";
  result.main = std::move(main);
  return result;
}

}  // namespace

std::vector<Route> consultation_routes() {
  // A consultation id may hold '.' (the loader's rule), so an id that ends like a twin's extension is left to
  // the twin: /consultations/town-square.csv is the results' CSV, not a consultation "town-square.csv".
  const std::string id = kConsultationIdPattern;
  return {
      {"GET", "/", Permission::ReadResults, consultations_page, true},
      {"GET", "/consultations", Permission::ReadResults, consultations_page, true},
      {"GET", "/consultations/" + id, Permission::ReadResults, results_page, true},
      {"GET", "/consultations/" + id + "/text", Permission::ReadRows, texts_page, true},
      {"GET", "/consultations/" + id + "/reach", Permission::ReadResults, reach_page, true},
  };
}

std::vector<TextEntry> consultation_text() {
  return {
      // The consultations list.
      {"consult.title", "Consultations", "Ymgynghoriadau"},
      {"consult.table_caption", "Consultations and their responses", "Ymgynghoriadau a'u hymatebion"},
      {"consult.consultation", "Consultation", "Ymgynghoriad"},
      {"consult.status", "Status", "Statws"},
      {"consult.opens", "Opens", "Yn agor"},
      {"consult.closes", "Closes", "Yn cau"},
      {"consult.responses", "Responses", "Ymatebion"},
      {"consult.other_language", "Other languages", "Ieithoedd eraill"},
      {"consult.days_caption", "Responses per day", "Ymatebion y dydd"},
      {"consult.day", "Day", "Diwrnod"},
      {"consult.status_open", "Open", "Ar agor"},
      {"consult.status_upcoming", "Upcoming", "I ddod"},
      {"consult.status_closed", "Closed", "Wedi cau"},
      {"consult.heading_open", "Open consultations", "Ymgynghoriadau sydd ar agor"},
      {"consult.heading_upcoming", "Upcoming consultations", "Ymgynghoriadau i ddod"},
      {"consult.heading_closed", "Closed consultations", "Ymgynghoriadau sydd wedi cau"},
      {"consult.none", "None.", "Dim."},
      {"consult.counts_caption", "Responses to {title}", "Ymatebion i {title}"},
      {"consult.per_day_caption", "Responses per day to {title}", "Ymatebion y dydd i {title}"},
      {"consult.chart_title", "Responses per day to {title}, last {days} days with responses",
       "Ymatebion y dydd i {title}, y {days} diwrnod olaf ag ymatebion"},
      {"consult.counted", "Counted", "Cyfrifwyd"},
      {"consult.all", "All responses", "Pob ymateb"},
      {"consult.dates", "Opens {opens}, closes {closes}.", "Yn agor {opens}, yn cau {closes}."},
      // The results of one consultation.
      {"results.title", "Results: {title}", "Canlyniadau: {title}"},
      {"results.links", "More about this consultation", "Rhagor am yr ymgynghoriad hwn"},
      {"results.link_texts", "Written answers", "Atebion ysgrifenedig"},
      {"results.link_reach", "Reach by equality group", "Cyrhaeddiad yn ôl grŵp cydraddoldeb"},
      {"results.link_export_csv", "Export these responses (CSV)", "Allforio'r ymatebion hyn (CSV)"},
      {"results.link_export_xlsx", "Export these responses (Excel)", "Allforio'r ymatebion hyn (Excel)"},
      {"results.link_feedback", "You said, we did", "Dywedoch chi, gwnaethom ni"},
      {"results.summary", "Responses", "Ymatebion"},
      {"results.summary_caption", "Responses counted", "Ymatebion a gyfrifwyd"},
      {"results.what", "Counted", "Cyfrifwyd"},
      {"results.responses", "Responses", "Ymatebion"},
      {"results.all", "All responses", "Pob ymateb"},
      {"results.all_matching", "Responses that match the filter", "Ymatebion sy'n cyfateb i'r hidlydd"},
      {"results.filtered_by", "Filtered by: {filter}", "Wedi'u hidlo yn ôl: {filter}"},
      {"results.answer", "Answer", "Ateb"},
      {"results.percent", "Per cent of responses", "Canran o'r ymatebion"},
      {"results.no_answer", "No answer", "Dim ateb"},
      {"results.yes", "Yes", "Ie"},
      {"results.no", "No", "Na"},
      {"results.chart_title", "Answers to: {question}", "Atebion i: {question}"},
      {"results.no_questions", "This consultation has no questions with answers to count.",
       "Nid oes gan yr ymgynghoriad hwn gwestiynau ag atebion i'w cyfrif."},
      {"results.note_multiple", "People could choose more than one answer, so the per cents add up to more than 100.",
       "Gallai pobl ddewis mwy nag un ateb, felly mae'r canrannau'n adio i fwy na 100."},
      {"results.note_ranking", "Counted by the answer each person put first.",
       "Wedi'u cyfrif yn ôl yr ateb a roddodd pob person yn gyntaf."},
      {"results.note_suppressed",
       "Counts from 1 to 4 are shown as \"fewer than 5\"; where one could be worked out from the others, the next "
       "smallest is hidden too.",
       "Dangosir cyfrifon o 1 i 4 fel \"llai na 5\"; lle byddai modd cyfrifo un o'r lleill, cuddir yr un lleiaf nesaf "
       "hefyd."},
      {"results.few_not_listed",
       "Venues and devices with fewer than 5 responses are not listed, so that no one who used them can be picked out.",
       "Nid yw lleoliadau a dyfeisiau â llai na 5 ymateb wedi'u rhestru, fel na ellir adnabod neb a'u defnyddiodd."},
      {"results.to_before_from", "to: the last day is before the first", "to: mae'r diwrnod olaf cyn y cyntaf"},
      {"results.bad_language", "language: not a language code such as cy or en",
       "language: nid yw'n god iaith fel cy neu en"},
      // Written answers.
      {"texts.title", "Written answers: {title}", "Atebion ysgrifenedig: {title}"},
      {"texts.back", "Back to the results", "Yn ôl i'r canlyniadau"},
      {"texts.question", "Question", "Cwestiwn"},
      {"texts.search", "Search the answers", "Chwilio'r atebion"},
      {"texts.caption", "Written answers to: {question}", "Atebion ysgrifenedig i: {question}"},
      {"texts.submitted", "Submitted on", "Cyflwynwyd ar"},
      {"texts.answer", "Answer", "Ateb"},
      {"texts.none", "No written answers match.", "Nid oes atebion ysgrifenedig yn cyfateb."},
      {"texts.no_questions", "This consultation asks no questions with written answers.",
       "Nid yw'r ymgynghoriad hwn yn gofyn cwestiynau ag atebion ysgrifenedig."},
      {"texts.pages", "Pages of answers", "Tudalennau o atebion"},
      {"texts.bad_question", "question: \"{value}\" is not a question with written answers",
       "question: nid yw \"{value}\" yn gwestiwn ag atebion ysgrifenedig"},
      {"texts.bad_page", "page: \"{value}\" is not a page number", "page: nid yw \"{value}\" yn rhif tudalen"},
      // Reach.
      {"reach.page_title", "Reach by equality group: {title}", "Cyrhaeddiad yn ôl grŵp cydraddoldeb: {title}"},
      {"reach.summary_caption", "Responses counted for reach", "Ymatebion a gyfrifwyd ar gyfer cyrhaeddiad"},
      {"reach.unreadable_row", "Equality answers that could not be opened", "Atebion cydraddoldeb nad oedd modd eu hagor"},
      {"reach.explained",
       "Who responded, counted by their equality answers. The answers stay sealed: they are opened only to be "
       "counted, and no one's answers are shown.",
       "Pwy ymatebodd, wedi'u cyfrif yn ôl eu hatebion cydraddoldeb. Mae'r atebion yn aros wedi'u selio: fe'u hagorir "
       "dim ond i'w cyfrif, ac ni ddangosir atebion neb."},
      {"reach.no_questions", "This consultation asks no equality questions.",
       "Nid yw'r ymgynghoriad hwn yn gofyn cwestiynau cydraddoldeb."},
  };
}

}  // namespace soundings::hub::detail::console
