// Console pages: publish (console.h). A consultation file, uploaded or pasted, goes through exactly what
// `soundings-hub publish` runs (detail::publish_json: the loader with the block folder, then the version
// check); its problems are listed with their places, and nothing is published while there is one.
#include <httplib.h>

#include "console.h"
#include "hub_impl.h"
#include "soundings/loader.h"

namespace soundings::hub::detail::console {

namespace {


constexpr const char* kIdPattern = kConsultationIdPattern;

// The place and message of each problem, labelled in words (not colour) as an error or a warning.
std::string problem_list(const std::vector<Problem>& problems, const std::string& label_key, const Lang& lang) {
  if (problems.empty()) return "";
  std::string out = "<ul class=\"problems\">";
  for (const Problem& problem : problems) {
    out += "<li><strong>" + escape(tr(label_key, lang)) + "</strong> ";
    if (!problem.path.empty()) out += "<code>" + escape(problem.path) + "</code>: ";
    out += escape(problem.message) + "</li>";
  }
  return out + "</ul>";
}

std::string upload_form(const PageRequest& request, const std::string& pasted) {
  const Lang& lang = request.lang;
  std::string out = "<section aria-labelledby=\"publish-upload\"><h2 id=\"publish-upload\">" +
                    escape(tr("publish.upload.heading", lang)) + "</h2>";
  out += "<p>" + escape(tr("publish.upload.intro", lang)) + "</p>";
  out += form_start(request, "/publish", true);
  out += "<p><label for=\"publish-file\">" + escape(tr("publish.upload.file", lang)) +
         "</label><br><input type=\"file\" id=\"publish-file\" name=\"file\" accept=\".json,application/json\"></p>";
  out += "<p><label for=\"publish-text\">" + escape(tr("publish.upload.paste", lang)) +
         "</label><br><textarea id=\"publish-text\" name=\"definition\" rows=\"12\" cols=\"80\" spellcheck=\"false\">" +
         escape(pasted) + "</textarea></p>";
  out += "<p><button type=\"submit\">" + escape(tr("publish.upload.submit", lang)) + "</button></p></form></section>";
  return out;
}

// Every consultation's newest version: a page table and its .csv/.json twin.
Result<Table> published_table(PageRequest& request) {
  const Lang& lang = request.lang;
  auto published = request.hub.store->latest_consultations();
  if (!published) return published.error();
  Table table;
  table.id = "consultations";
  table.caption = tr("publish.table.caption", lang);
  table.headers = {tr("publish.col.id", lang),     tr("publish.col.title", lang),  tr("publish.col.version", lang),
                   tr("publish.col.status", lang), tr("publish.col.opens", lang),  tr("publish.col.closes", lang),
                   tr("publish.col.feedback", lang)};
  table.keys = {"id", "title", "version", "status", "opens", "closes", "feedback"};
  const std::string today = request.hub.today();
  for (const PublishedConsultation& consultation : *published) {
    auto definition = request.hub.definition(consultation.id, consultation.version);
    if (!definition) return definition.error();
    const std::string title = *definition ? (*definition)->title.in(lang) : "";
    const bool has_feedback = !consultation.feedback.empty() || (*definition && (*definition)->feedback);
    Cell id = Cell::of(consultation.id);
    id.href = "/publish/" + consultation.id;
    Cell version = Cell::of(std::to_string(consultation.version));
    version.number = consultation.version;
    table.rows.push_back({id, Cell::of(title), version,
                          Cell::of(tr(std::string("publish.status.") +
                                          consultation_status(today, consultation.opens, consultation.closes),
                                      lang)),
                          Cell::of(consultation.opens), Cell::of(consultation.closes),
                          Cell::of(tr(has_feedback ? "publish.yes" : "publish.no", lang))});
  }
  return table;
}

PageResult publish_page(PageRequest& request, const std::string& before, const std::string& pasted, int status) {
  auto table = published_table(request);
  if (!table) return storage_failure(request, table.error());
  PageResult page;
  page.status = status;
  page.title = tr("publish.title", request.lang);
  page.main = page_heading(page.title) + before + upload_form(request, pasted) +
              "<section aria-labelledby=\"publish-published\"><h2 id=\"publish-published\">" +
              escape(tr("publish.published.heading", request.lang)) + "</h2>" + table_html(*table, request.lang) +
              "</section>";
  page.tables.push_back(std::move(*table));
  return page;
}

PageResult show_publish(PageRequest& request) { return publish_page(request, "", "", 200); }

struct Submitted {
  std::string text;
  bool from_file = false;
};

// The file's text: the uploaded file when one was chosen, otherwise the pasted text.
Submitted submitted_definition(const PageRequest& request) {
  if (request.http.has_file("file")) {
    const auto file = request.http.get_file_value("file");
    // A multipart form with no file chosen still sends the part, with no file name and no content.
    if (!file.content.empty() && !file.filename.empty()) return {file.content, true};
  }
  return {request.param("definition"), false};
}

PageResult do_publish(PageRequest& request) {
  const Lang& lang = request.lang;
  const Submitted submitted = submitted_definition(request);
  if (submitted.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return publish_page(request, notice(tr("publish.problem.empty", lang), true), "", 400);
  }
  const PublishOutcome outcome = publish_json(request.hub, submitted.text);
  if (!outcome.problems.empty()) {
    const std::string report =
        notice(tr("publish.problem.refused", lang, {{"count", std::to_string(outcome.problems.size())}}), true) +
        "<section aria-labelledby=\"publish-problems\"><h2 id=\"publish-problems\">" +
        escape(tr("publish.problems.heading", lang)) + "</h2>" +
        problem_list(outcome.problems, "publish.label.error", lang) +
        problem_list(outcome.warnings, "publish.label.warning", lang) + "</section>";
    // Pasted text comes back for mending; an uploaded file is mended where it lives.
    return publish_page(request, report, submitted.from_file ? "" : submitted.text, 422);
  }
  if (auto audited = audit(request.hub, request.session.email, "publish", outcome.id,
                           "version " + std::to_string(outcome.version));
      !audited) {
    return storage_failure(request, audited.error());
  }
  PageResult done;
  done.redirect = "/publish/" + outcome.id + "?published=" + std::to_string(outcome.version);
  return done;
}

PageResult show_versions(PageRequest& request) {
  const Lang& lang = request.lang;
  const std::string id = request.match[1].str();
  auto versions = request.hub.store->version_history(id);
  if (!versions) return storage_failure(request, versions.error());
  if (versions->empty()) return not_found(request);
  Table table;
  table.id = "versions";
  table.caption = tr("publish.versions.caption", lang, {{"id", id}});
  table.headers = {tr("publish.col.version", lang), tr("publish.col.published_at", lang),
                   tr("publish.col.opens", lang), tr("publish.col.closes", lang)};
  table.keys = {"version", "published_at", "opens", "closes"};
  for (const PublishedVersion& version : *versions) {
    Cell number = Cell::of(std::to_string(version.version));
    number.number = version.version;
    table.rows.push_back({number, Cell::of(version.published_at), Cell::of(version.opens), Cell::of(version.closes)});
  }
  PageResult page;
  page.title = tr("publish.versions.title", lang, {{"id", id}});
  page.main = page_heading(page.title);
  if (const std::string published = request.param("published"); !published.empty()) {
    page.main += notice(tr("publish.done", lang, {{"id", id}, {"version", published}}));
  }
  // The newest version's warnings, worked out again from what is stored: they do not stop publishing, so
  // they are worth seeing after it too.
  auto text = request.hub.store->definition(id, versions->front().version);
  if (!text) return storage_failure(request, text.error());
  if (*text) {
    const LoadOutcome loaded = load_consultation(**text);
    if (!loaded.warnings.empty()) {
      page.main += "<section aria-labelledby=\"publish-warnings\"><h2 id=\"publish-warnings\">" +
                   escape(tr("publish.warnings.heading", lang)) + "</h2>" +
                   problem_list(loaded.warnings, "publish.label.warning", lang) + "</section>";
    }
  }
  page.main += table_html(table, lang) + "<p><a href=\"/publish\">" + escape(tr("publish.back", lang)) + "</a></p>";
  page.tables.push_back(std::move(table));
  return page;
}

}  // namespace

std::vector<Route> publish_routes() {
  return {
      {"GET", "/publish", Permission::Publish, show_publish, true},
      {"POST", "/publish", Permission::Publish, do_publish, false},
      {"GET", std::string("/publish/") + kIdPattern, Permission::Publish, show_versions, true},
  };
}

std::vector<TextEntry> publish_text() {
  return {
      {"publish.title", "Publish a consultation", "Cyhoeddi ymgynghoriad"},
      {"publish.upload.heading", "Upload a consultation file", "Llwytho ffeil ymgynghoriad i fyny"},
      {"publish.upload.intro",
       "The file is checked as soundings-hub publish checks it. Nothing is published while it has an error; a new "
       "version needs a higher version number.",
       "Caiff y ffeil ei gwirio yn yr un ffordd â soundings-hub publish. Ni chyhoeddir dim tra bo gwall ynddi; mae "
       "angen rhif fersiwn uwch ar fersiwn newydd."},
      {"publish.upload.file", "Consultation file (JSON)", "Ffeil yr ymgynghoriad (JSON)"},
      {"publish.upload.paste", "Or paste the file's contents here", "Neu gludo cynnwys y ffeil yma"},
      {"publish.upload.submit", "Check and publish", "Gwirio a chyhoeddi"},
      {"publish.published.heading", "Published consultations", "Ymgynghoriadau a gyhoeddwyd"},
      {"publish.table.caption", "Published consultations and their newest versions",
       "Ymgynghoriadau a gyhoeddwyd a'u fersiynau diweddaraf"},
      {"publish.col.id", "Identifier", "Dynodydd"},
      {"publish.col.title", "Title", "Teitl"},
      {"publish.col.version", "Version", "Fersiwn"},
      {"publish.col.status", "Status", "Statws"},
      {"publish.col.opens", "Opens", "Yn agor"},
      {"publish.col.closes", "Closes", "Yn cau"},
      {"publish.col.feedback", "You said, we did", "Dywedoch chi, gwnaethom ni"},
      {"publish.col.published_at", "Published", "Cyhoeddwyd"},
      {"publish.status.open", "Open", "Ar agor"},
      {"publish.status.upcoming", "Upcoming", "I ddod"},
      {"publish.status.closed", "Closed", "Wedi cau"},
      {"publish.yes", "Yes", "Oes"},
      {"publish.no", "No", "Nac oes"},
      {"publish.problem.empty", "Consultation file: choose a file or paste its contents; nothing was published.",
       "Ffeil yr ymgynghoriad: dewiswch ffeil neu gludo ei chynnwys; ni chyhoeddwyd dim."},
      {"publish.problem.refused", "Nothing was published: the file has {count} error(s), listed below.",
       "Ni chyhoeddwyd dim: mae {count} gwall yn y ffeil, a restrir isod."},
      {"publish.problems.heading", "What the check found", "Beth a ganfu'r gwiriad"},
      {"publish.warnings.heading", "Warnings about the newest version", "Rhybuddion am y fersiwn diweddaraf"},
      {"publish.label.error", "Error:", "Gwall:"},
      {"publish.label.warning", "Warning (does not stop publishing):", "Rhybudd (nid yw'n atal cyhoeddi):"},
      {"publish.versions.title", "Versions of {id}", "Fersiynau {id}"},
      {"publish.versions.caption", "Every published version of {id}, newest first",
       "Pob fersiwn o {id} a gyhoeddwyd, y diweddaraf yn gyntaf"},
      {"publish.done", "Published {id} version {version}. Kiosks receive it at their next sync.",
       "Cyhoeddwyd {id} fersiwn {version}. Bydd y ciosgau'n ei derbyn pan fyddant yn cysoni nesaf."},
      {"publish.back", "Back to publishing", "Yn ôl i gyhoeddi"},
  };
}

}  // namespace soundings::hub::detail::console
