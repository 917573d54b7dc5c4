// Console: every interface string in Welsh and English. The shared strings are here; each page file keeps
// its own beside its pages (console.h), and this file gathers them into one table, built once.
#include <map>

#include "console.h"

namespace soundings::hub::detail::console {

namespace {

struct Both {
  std::string en;
  std::string cy;
};

using TextMap = std::map<std::string, Both, std::less<>>;

const TextMap& text_map() {
  static const TextMap map = [] {
    TextMap built;
    for (auto part : {shared_text, consultation_text, export_text, quarantine_text, device_text, field_text,
                      feedback_text, publish_text, account_text}) {
      for (const TextEntry& entry : part()) built.emplace(entry.key, Both{entry.en, entry.cy});
    }
    return built;
  }();
  return map;
}

}  // namespace

std::string tr(std::string_view key, const Lang& lang, const std::vector<std::pair<std::string, std::string>>& values) {
  const auto& map = text_map();
  const auto found = map.find(key);
  if (found == map.end()) return "[" + std::string(key) + "]";
  std::string text = lang == "cy" ? found->second.cy : found->second.en;
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

std::vector<std::string> text_keys() {
  std::vector<std::string> keys;
  for (const auto& [key, both] : text_map()) keys.push_back(key);
  return keys;
}

std::vector<TextEntry> shared_text() {
  return {
      {"console.name", "Soundings head office", "Pencadlys Soundings"},
      {"count.suppressed", "fewer than 5", "llai na 5"},
      {"table.empty", "Nothing to show.", "Dim i'w ddangos."},
      {"error.bad_request", "That request could not be used", "Nid oedd modd defnyddio'r cais hwnnw"},
      {"error.not_found", "Page not found", "Heb ddod o hyd i'r dudalen"},
      {"error.not_found_detail", "There is no page at this address. Check the address or use the menu.",
       "Does dim tudalen yn y cyfeiriad hwn. Gwiriwch y cyfeiriad neu defnyddiwch y ddewislen."},
      {"error.storage", "The hub cannot use its database", "Ni all yr hyb ddefnyddio ei gronfa ddata"},
      {"error.storage_detail", "Nothing was changed. Try again in a minute. ({problem})",
       "Ni newidiwyd dim. Rhowch gynnig arall arni mewn munud. ({problem})"},
      {"error.forbidden", "You cannot use this page", "Ni allwch ddefnyddio'r dudalen hon"},
      {"error.forbidden_detail", "Your account's role ({role}) does not allow this. Ask an administrator if you need it.",
       "Nid yw rôl eich cyfrif ({role}) yn caniatáu hyn. Gofynnwch i weinyddwr os oes ei angen arnoch."},
      {"nav.label", "Main menu", "Prif ddewislen"},
      {"nav.consultations", "Consultations", "Ymgynghoriadau"},
      {"nav.quarantine", "Quarantine", "Cwarantîn"},
      {"nav.devices", "Devices", "Dyfeisiau"},
      {"nav.field", "Field work", "Gwaith maes"},
      {"nav.publish", "Publish", "Cyhoeddi"},
      {"nav.users", "Users", "Defnyddwyr"},
      {"nav.audit", "Audit log", "Log archwilio"},
      {"nav.skip", "Skip to main content", "Neidio i'r prif gynnwys"},
      {"language.switch", "Cymraeg", "English"},
      {"language.switch_label", "Newid i'r Gymraeg", "Switch to English"},
      {"session.signed_in_as", "Signed in as {email} ({role})", "Wedi mewngofnodi fel {email} ({role})"},
      {"session.sign_out", "Sign out", "Allgofnodi"},
      {"role.admin", "administrator", "gweinyddwr"},
      {"role.officer", "officer", "swyddog"},
      {"role.viewer", "viewer", "gwyliwr"},
      {"overdue.banner", "An officer is overdue for a check-in: {names}. Follow your lone-working procedure now.",
       "Mae swyddog yn hwyr yn cofrestru: {names}. Dilynwch eich trefn gweithio ar eich pen eich hun nawr."},
      {"overdue.link", "See field work", "Gweld gwaith maes"},
      {"filter.legend", "Filter responses", "Hidlo ymatebion"},
      {"filter.from", "Submitted on or after", "Cyflwynwyd ar neu ar ôl"},
      {"filter.to", "Submitted on or before", "Cyflwynwyd ar neu cyn"},
      {"filter.channel", "Channel", "Sianel"},
      {"filter.venue", "Venue", "Lleoliad"},
      {"filter.language", "Language", "Iaith"},
      {"filter.device", "Device", "Dyfais"},
      {"filter.any", "Any", "Unrhyw"},
      {"filter.apply", "Apply filters", "Hidlo"},
      {"filter.clear", "Clear filters", "Clirio'r hidlau"},
      {"filter.bad_date", "{field}: \"{value}\" is not a date written YYYY-MM-DD",
       "{field}: nid yw \"{value}\" yn ddyddiad ar ffurf BBBB-MM-DD"},
      {"filter.bad_channel", "channel: \"{value}\" is not kiosk or field", "channel: nid yw \"{value}\" yn kiosk nac yn field"},
      {"filter.too_long", "{field}: longer than {max} bytes", "{field}: yn hirach na {max} beit"},
      {"filter.too_few",
       "These filters leave fewer than 10 responses, so no breakdown is shown: small groups could identify people.",
       "Mae'r hidlau hyn yn gadael llai na 10 ymateb, felly ni ddangosir dadansoddiad: gallai grwpiau bach adnabod pobl."},
      {"channel.kiosk", "Kiosk", "Ciosg"},
      {"channel.field", "Field (door to door)", "Maes (o ddrws i ddrws)"},
      {"language.cy", "Welsh", "Cymraeg"},
      {"language.en", "English", "Saesneg"},
      {"twins.label", "This table as", "Y tabl hwn fel"},
      {"form.csrf_refused", "This form could not be accepted: it did not come from this console's own page. Nothing was changed. Reload the page and try again.",
       "Nid oedd modd derbyn y ffurflen hon: ni ddaeth o dudalen y consol hwn. Ni newidiwyd dim. Ail-lwythwch y dudalen a rhowch gynnig arall arni."},
      {"form.origin_refused", "This form was sent from another site, so it was refused. Nothing was changed.",
       "Anfonwyd y ffurflen hon o wefan arall, felly fe'i gwrthodwyd. Ni newidiwyd dim."},
      {"page.previous", "Previous page", "Tudalen flaenorol"},
      {"page.next", "Next page", "Tudalen nesaf"},
      {"page.position", "Page {page} of {pages}", "Tudalen {page} o {pages}"},
  };
}

}  // namespace soundings::hub::detail::console
