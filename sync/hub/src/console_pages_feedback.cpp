// Console pages: "you said, we did" (console.h). Written in Welsh and English, previewed the way a kiosk's
// attract screen lays it out, and published with detail::publish_feedback (what `soundings-hub feedback`
// runs), so kiosks receive it in GET /api/v1/consultations at their next sync.
#include <array>
#include <map>
#include <optional>
#include <regex>

#include <nlohmann/json.hpp>

#include "console.h"
#include "hub_impl.h"

namespace soundings::hub::detail::console {

namespace {

using nlohmann::json;

// The feedback's text fields, in the order the form and the kiosk give them.
constexpr std::array<const char*, 3> kTextFields = {"you_said", "we_did", "how_connected"};
// Welsh first, as the council's Welsh Language Standards ask of forms.
constexpr std::array<const char*, 2> kLanguages = {"cy", "en"};

struct FeedbackForm {
  std::map<std::string, std::string> text;  // "you_said.cy" -> text
  std::string published;                    // YYYY-MM-DD
};

std::string field_key(const std::string& field, const std::string& language) { return field + "." + language; }
std::string param_name(const std::string& field, const std::string& language) { return field + "_" + language; }

// Browsers send a textarea's line breaks as CRLF; kiosks draw text with \n line breaks.
std::string without_carriage_returns(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

FeedbackForm form_from_request(const PageRequest& request) {
  FeedbackForm form;
  for (const char* field : kTextFields) {
    for (const char* language : kLanguages) {
      form.text[field_key(field, language)] = without_carriage_returns(request.param(param_name(field, language)));
    }
  }
  form.published = request.param("published");
  return form;
}

FeedbackForm form_from_json(const json& feedback) {
  FeedbackForm form;
  if (!feedback.is_object()) return form;
  for (const char* field : kTextFields) {
    const json text = feedback.value(field, json::object());
    for (const char* language : kLanguages) {
      form.text[field_key(field, language)] = text.is_object() ? text.value(language, "") : "";
    }
  }
  form.published = feedback.value("published", "");
  return form;
}

json form_to_json(const FeedbackForm& form) {
  json out = json::object();
  for (const char* field : kTextFields) {
    for (const char* language : kLanguages) out[field][language] = form.text.at(field_key(field, language));
  }
  out["published"] = form.published;
  return out;
}

bool real_date(const std::string& text) {
  static const std::regex shape("([0-9]{4})-([0-9]{2})-([0-9]{2})");
  std::smatch parts;
  if (!std::regex_match(text, parts, shape)) return false;
  const int year = std::stoi(parts[1].str());
  const int month = std::stoi(parts[2].str());
  const int day = std::stoi(parts[3].str());
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

// Each problem names the field as the form labels it.
std::vector<std::string> form_problems(const FeedbackForm& form, const Lang& lang) {
  std::vector<std::string> problems;
  for (const char* field : kTextFields) {
    for (const char* language : kLanguages) {
      if (!blank(form.text.at(field_key(field, language)))) continue;
      problems.push_back(tr("feedback.problem.missing", lang,
                            {{"field", tr(std::string("feedback.field.") + field, lang)},
                             {"language", tr(std::string("feedback.language.") + language, lang)}}));
    }
  }
  if (!real_date(form.published)) {
    problems.push_back(tr("feedback.problem.date", lang, {{"value", form.published}}));
  }
  return problems;
}

// The consultation's newest published version, or nullopt when there is none.
Result<std::optional<PublishedConsultation>> latest(HubState& hub, const std::string& id) {
  auto all = hub.store->latest_consultations();
  if (!all) return all.error();
  for (auto& consultation : *all) {
    if (consultation.id == id) return std::optional<PublishedConsultation>(std::move(consultation));
  }
  return std::optional<PublishedConsultation>();
}

std::string text_area(const FeedbackForm& form, const std::string& field, const std::string& language,
                      const Lang& lang) {
  const std::string name = param_name(field, language);
  return "<p><label for=\"feedback-" + name + "\">" + escape(tr("feedback.language." + language, lang)) +
         "</label><br><textarea id=\"feedback-" + name + "\" name=\"" + name + "\" lang=\"" + language +
         "\" rows=\"4\" cols=\"70\">" + escape(form.text.at(field_key(field, language))) + "</textarea></p>";
}

std::string feedback_form(const PageRequest& request, const FeedbackForm& form, const std::string& action) {
  const Lang& lang = request.lang;
  std::string out = form_start(request, action);
  for (const char* field : kTextFields) {
    out += "<fieldset><legend>" + escape(tr(std::string("feedback.field.") + field, lang)) + "</legend>";
    out += "<p>" + escape(tr(std::string("feedback.hint.") + field, lang)) + "</p>";
    for (const char* language : kLanguages) out += text_area(form, field, language, lang);
    out += "</fieldset>";
  }
  out += "<p><label for=\"feedback-published\">" + escape(tr("feedback.field.published", lang)) +
         "</label><br><input type=\"date\" id=\"feedback-published\" name=\"published\" value=\"" +
         escape(form.published) + "\" aria-describedby=\"feedback-published-hint\"> <span id=\"feedback-published-hint\">" +
         escape(tr("feedback.hint.published", lang)) + "</span></p>";
  out += "<p><button type=\"submit\" name=\"action\" value=\"preview\">" + escape(tr("feedback.preview", lang)) +
         "</button> <button type=\"submit\" name=\"action\" value=\"publish\">" +
         escape(tr("feedback.publish", lang)) + "</button></p></form>";
  return out;
}

// An imitation of kiosk/ui/screen_attract.cpp's feedback panel: the bilingual heading (the kiosk's first
// language, Welsh by default, above the other), the consultation's title, "You said:" and "We did:" in the
// resident's language. The kiosk's own words (assets/strings/kiosk.json) are repeated in feedback_text().
std::string kiosk_box(const FeedbackForm& form, const std::string& title_in, const std::string& language,
                      const Lang& lang) {
  std::string out = "<section class=\"kiosk-preview\" aria-labelledby=\"preview-" + language +
                    "\" style=\"border:3px solid #444;border-radius:16px;padding:1em 1.5em;margin:1em 0;"
                    "max-width:44em\">";
  out += "<h3 id=\"preview-" + language + "\">" +
         escape(tr("feedback.preview.in", lang, {{"language", tr("feedback.language." + language, lang)}})) + "</h3>";
  out += "<div lang=\"" + language + "\">";
  out += "<p style=\"font-size:1.5em;font-weight:bold;margin:0\" lang=\"cy\">" +
         escape(tr("feedback.kiosk.heading", "cy")) + "</p>";
  out += "<p style=\"margin:0 0 .8em 0\" lang=\"en\">" + escape(tr("feedback.kiosk.heading", "en")) + "</p>";
  out += "<p style=\"margin:0 0 .8em 0\">" + escape(title_in) + "</p>";
  const auto paragraph = [&](const char* label_key, const char* field) {
    return "<p style=\"white-space:pre-line\">" + escape(tr(label_key, language) + " " +
                                                          form.text.at(field_key(field, language))) +
           "</p>";
  };
  out += paragraph("feedback.kiosk.you_said", "you_said") + paragraph("feedback.kiosk.we_did", "we_did");
  out += "</div>";
  out += "<p><em>" + escape(tr("feedback.preview.how_connected_note", lang)) + "</em> <span lang=\"" + language +
         "\" style=\"white-space:pre-line\">" + escape(form.text.at(field_key("how_connected", language))) +
         "</span></p>";
  return out + "</section>";
}

PageResult feedback_page(PageRequest& request, const PublishedConsultation& consultation, const FeedbackForm& form,
                         const std::string& before, bool with_preview, int status) {
  const Lang& lang = request.lang;
  auto definition = request.hub.definition(consultation.id, consultation.version);
  if (!definition) return storage_failure(request, definition.error());
  const std::string action = "/consultations/" + consultation.id + "/feedback";
  PageResult page;
  page.status = status;
  const std::string title = *definition ? (*definition)->title.in(lang) : consultation.id;
  page.title = tr("feedback.title", lang, {{"title", title}});
  page.main = page_heading(page.title) + before;
  page.main += "<p>" + escape(tr("feedback.intro", lang)) + "</p>";
  if (with_preview) {
    page.main += "<section aria-labelledby=\"feedback-preview\"><h2 id=\"feedback-preview\">" +
                 escape(tr("feedback.preview.heading", lang)) + "</h2><p>" +
                 escape(tr("feedback.preview.not_published", lang)) + "</p>";
    for (const char* language : kLanguages) {
      page.main += kiosk_box(form, *definition ? (*definition)->title.in(language) : consultation.id, language, lang);
    }
    page.main += "</section>";
  }
  page.main += "<section aria-labelledby=\"feedback-write\"><h2 id=\"feedback-write\">" +
               escape(tr("feedback.write.heading", lang)) + "</h2>" + feedback_form(request, form, action) +
               "</section>";
  return page;
}

// The feedback kiosks hold now: published with the console or the command, or written into the definition.
FeedbackForm current_feedback(HubState& hub, const PublishedConsultation& consultation) {
  if (!consultation.feedback.empty()) return form_from_json(json::parse(consultation.feedback, nullptr, false));
  const json definition = json::parse(consultation.definition, nullptr, false);
  if (definition.is_object() && definition.contains("feedback")) return form_from_json(definition["feedback"]);
  FeedbackForm empty = form_from_json(json::object());
  empty.published = hub.today();
  return empty;
}

PageResult show_feedback(PageRequest& request) {
  auto consultation = latest(request.hub, request.match[1].str());
  if (!consultation) return storage_failure(request, consultation.error());
  if (!*consultation) return not_found(request);
  std::string before;
  if (!request.param("published").empty()) before = notice(tr("feedback.done", request.lang));
  return feedback_page(request, **consultation, current_feedback(request.hub, **consultation), before, false, 200);
}

std::string problem_notice(const std::vector<std::string>& problems, const Lang& lang) {
  std::string list = "<ul>";
  for (const std::string& problem : problems) list += "<li>" + escape(problem) + "</li>";
  list += "</ul>";
  // notice() escapes its text, so the list of problems follows it rather than going inside it.
  return notice(tr("feedback.problem.refused", lang), true) + list;
}

PageResult post_feedback(PageRequest& request) {
  const Lang& lang = request.lang;
  auto consultation = latest(request.hub, request.match[1].str());
  if (!consultation) return storage_failure(request, consultation.error());
  if (!*consultation) return not_found(request);
  const FeedbackForm form = form_from_request(request);
  const std::string action = request.param("action");
  if (action == "preview") return feedback_page(request, **consultation, form, "", true, 200);
  if (action != "publish") return bad_request(request, tr("feedback.problem.action", lang));
  if (const auto problems = form_problems(form, lang); !problems.empty()) {
    return feedback_page(request, **consultation, form, problem_notice(problems, lang), false, 400);
  }
  const std::string feedback = form_to_json(form).dump();
  if (auto published = publish_feedback(request.hub, (*consultation)->id, feedback); !published) {
    if (published.error().code != ErrorCode::InvalidInput) return storage_failure(request, published.error());
    // The loader's own check (the consultation's declared languages, the date): its places name the field.
    return feedback_page(request, **consultation, form, problem_notice({published.error().message}, lang), false, 400);
  }
  if (auto audited = audit(request.hub, request.session.email, "feedback", (*consultation)->id,
                           "published " + form.published);
      !audited) {
    return storage_failure(request, audited.error());
  }
  PageResult done;
  done.redirect = "/consultations/" + (*consultation)->id + "/feedback?published=1";
  return done;
}

}  // namespace

std::vector<Route> feedback_routes() {
  return {
      {"GET", std::string("/consultations/") + kConsultationIdPattern + "/feedback", Permission::Feedback, show_feedback, false},
      {"POST", std::string("/consultations/") + kConsultationIdPattern + "/feedback", Permission::Feedback, post_feedback, false},
  };
}

std::vector<TextEntry> feedback_text() {
  return {
      {"feedback.title", "You said, we did: {title}", "Dywedoch chi, gwnaethom ni: {title}"},
      {"feedback.intro",
       "Tell residents what happened after they gave their views, in Welsh and in English. Kiosks receive it at "
       "their next sync and show it on their welcome screen.",
       "Dywedwch wrth drigolion beth ddigwyddodd ar ôl iddynt roi eu barn, yn Gymraeg ac yn Saesneg. Bydd y "
       "ciosgau'n ei dderbyn pan fyddant yn cysoni nesaf ac yn ei ddangos ar eu sgrin groeso."},
      {"feedback.write.heading", "Write the feedback", "Ysgrifennu'r adborth"},
      {"feedback.field.you_said", "You said", "Dywedoch chi"},
      {"feedback.field.we_did", "We did", "Gwnaethom ni"},
      {"feedback.field.how_connected", "How your views were connected to the decision",
       "Sut y cysylltwyd eich barn â'r penderfyniad"},
      {"feedback.field.published", "Published on (YYYY-MM-DD)", "Cyhoeddwyd ar (BBBB-MM-DD)"},
      {"feedback.hint.you_said", "What residents told you, in a sentence or two.",
       "Beth ddywedodd trigolion wrthych, mewn brawddeg neu ddwy."},
      {"feedback.hint.we_did", "What the council did because of it. Kiosks keep this part when space is short.",
       "Beth wnaeth y cyngor o'i herwydd. Mae ciosgau'n cadw'r rhan hon pan fo lle'n brin."},
      {"feedback.hint.how_connected", "How the views were weighed, and if they did not change the decision, why not.",
       "Sut y pwyswyd a mesurwyd y farn, ac os na newidiodd y penderfyniad, pam ddim."},
      {"feedback.hint.published", "For example 2027-03-15.", "Er enghraifft 2027-03-15."},
      {"feedback.language.cy", "Welsh (Cymraeg)", "Cymraeg"},
      {"feedback.language.en", "English", "Saesneg (English)"},
      {"feedback.preview", "Preview as a kiosk shows it", "Rhagolwg fel y mae ciosg yn ei ddangos"},
      {"feedback.publish", "Publish to the kiosks", "Cyhoeddi i'r ciosgau"},
      {"feedback.preview.heading", "Preview", "Rhagolwg"},
      {"feedback.preview.not_published", "This is a preview: nothing has been published yet.",
       "Rhagolwg yw hwn: nid oes dim wedi'i gyhoeddi eto."},
      {"feedback.preview.in", "On a kiosk in {language}", "Ar giosg yn {language}"},
      {"feedback.preview.how_connected_note",
       "Sent to kiosks with the rest, but not shown on their welcome screen:",
       "Caiff ei anfon i'r ciosgau gyda'r gweddill, ond nid yw'n cael ei ddangos ar eu sgrin groeso:"},
      {"feedback.kiosk.heading", "You said, we did", "Dywedoch chi, fe wnaethon ni"},
      {"feedback.kiosk.you_said", "You said:", "Dywedoch chi:"},
      {"feedback.kiosk.we_did", "We did:", "Fe wnaethon ni:"},
      {"feedback.problem.refused", "Nothing was published. Please correct:", "Ni chyhoeddwyd dim. Cywirwch:"},
      {"feedback.problem.missing", "{field}, {language}: this is empty; every part is needed in both languages.",
       "{field}, {language}: mae hwn yn wag; mae angen pob rhan yn y ddwy iaith."},
      {"feedback.problem.date", "Published on: \"{value}\" is not a date written YYYY-MM-DD.",
       "Cyhoeddwyd ar: nid yw \"{value}\" yn ddyddiad ar y ffurf BBBB-MM-DD."},
      {"feedback.problem.action", "action: choose preview or publish.", "action: dewiswch ragweld neu gyhoeddi."},
      {"feedback.done", "Published. Kiosks receive it at their next sync.",
       "Cyhoeddwyd. Bydd y ciosgau'n ei dderbyn pan fyddant yn cysoni nesaf."},
  };
}

}  // namespace soundings::hub::detail::console
