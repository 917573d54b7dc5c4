// Console pages: quarantine (console.h). The items the hub set aside, each with its kept copy (and, for a
// conflict, the stored copy beside it), and release or reject with a reason (hub_decisions.h).
#include <httplib.h>

#include <map>

#include <nlohmann/json.hpp>

#include "console.h"
#include "hub_decisions.h"

namespace soundings::hub::detail::console {

namespace {

using nlohmann::json;

// The seq in a route's first group; nullopt when it is not a number the store could hold.
std::optional<int64_t> seq_of(const PageRequest& request) {
  const std::string text = request.match.size() > 1 ? request.match[1].str() : "";
  if (text.empty() || text.size() > 18) return std::nullopt;
  return std::stoll(text);
}

std::string kind_text(const std::string& kind, const Lang& lang) {
  return kind == "conflict" ? tr("quarantine.kind_conflict", lang) : tr("quarantine.kind_rejected", lang);
}

std::string record_kind_text(const std::string& kind, const Lang& lang) {
  if (kind == "visit") return tr("quarantine.record_visit", lang);
  if (kind == "check_in") return tr("quarantine.record_check_in", lang);
  if (kind == "sign_in") return tr("quarantine.record_sign_in", lang);
  return tr("quarantine.record_response", lang);
}

std::string decision_text(const QuarantineDecision& decision, const Lang& lang) {
  return tr(decision.decision == "released" ? "quarantine.decided_released" : "quarantine.decided_rejected", lang,
            {{"who", decision.decided_by}, {"at", decision.decided_at}});
}

// A kept body laid out for reading; text that is not JSON as it is.
std::string body_block(const std::string& body, const std::string& label_id) {
  const json parsed = json::parse(body, nullptr, false);
  const std::string shown =
      parsed.is_discarded() ? body : parsed.dump(2, ' ', false, json::error_handler_t::replace);
  return "<pre aria-labelledby=\"" + label_id + "\">" + escape(shown) + "</pre>";
}

PageResult list_page(PageRequest& request) {
  const Lang& lang = request.lang;
  auto items = request.hub.store->quarantined("");
  if (!items) return storage_failure(request, items.error());
  auto decided = request.hub.store->quarantine_decisions();
  if (!decided) return storage_failure(request, decided.error());
  std::map<int64_t, QuarantineDecision> decisions;
  for (auto& decision : *decided) decisions.emplace(decision.seq, std::move(decision));
  auto devices = request.hub.store->devices();
  if (!devices) return storage_failure(request, devices.error());
  std::map<std::string, std::string> device_names;
  for (const DeviceInfo& device : *devices) device_names.emplace(device.device_id, device.name);

  Table table;
  table.id = "quarantine";
  table.caption = tr("quarantine.caption", lang);
  table.headers = {tr("quarantine.col_seq", lang),         tr("quarantine.col_kind", lang),
                   tr("quarantine.col_record_kind", lang), tr("quarantine.col_consultation", lang),
                   tr("quarantine.col_reason", lang),      tr("quarantine.col_device", lang),
                   tr("quarantine.col_first_seen", lang),  tr("quarantine.col_last_seen", lang),
                   tr("quarantine.col_times", lang),       tr("quarantine.col_decision", lang)};
  table.keys = {"seq",       "kind",          "record_kind",  "consultation", "reason",
                "device_id", "first_seen_at", "last_seen_at", "times_seen",   "decision"};
  // Newest first: the items that want a decision are usually the latest.
  for (auto it = items->rbegin(); it != items->rend(); ++it) {
    const QuarantinedItem& item = *it;
    const auto decision = decisions.find(item.seq);
    const auto name = device_names.find(item.received_from);
    Cell seq = Cell::count(item.seq);
    seq.href = "/quarantine/" + std::to_string(item.seq);
    Cell device = Cell::of(item.received_from);
    if (request.format == Format::Html && name != device_names.end()) device.text = name->second;
    Cell decision_cell = Cell::of(decision == decisions.end() ? tr("quarantine.undecided", lang)
                                                              : decision_text(decision->second, lang));
    if (request.format != Format::Html) decision_cell.text = decision == decisions.end() ? "" : decision->second.decision;
    table.rows.push_back({std::move(seq),
                          Cell::of(request.format == Format::Html ? kind_text(item.kind, lang) : item.kind),
                          Cell::of(request.format == Format::Html ? record_kind_text(item.record_kind, lang)
                                                                  : item.record_kind),
                          Cell::of(item.consultation_id), Cell::of(item.reason), std::move(device),
                          Cell::of(item.first_seen_at), Cell::of(item.last_seen_at), Cell::count(item.times_seen),
                          std::move(decision_cell)});
  }
  PageResult result;
  result.title = tr("quarantine.title", lang);
  result.main = page_heading(result.title) + "<p>" + escape(tr("quarantine.intro", lang)) + "</p>" +
                table_html(table, lang);
  result.tables.push_back(std::move(table));
  return result;
}

std::string decision_form(const PageRequest& request, int64_t seq, const char* action) {
  const Lang& lang = request.lang;
  const std::string id = std::string("reason-") + action;
  const std::string base = std::string("quarantine.") + action;
  return "<section aria-labelledby=\"" + id + "-heading\"><h3 id=\"" + id + "-heading\">" +
         escape(tr(base + "_heading", lang)) + "</h3><p>" + escape(tr(base + "_explain", lang)) + "</p>" +
         form_start(request, "/quarantine/" + std::to_string(seq) + "/" + action) + "<label for=\"" + id + "\">" +
         escape(tr("quarantine.reason_label", lang)) + "</label> <textarea id=\"" + id +
         "\" name=\"reason\" required maxlength=\"" + std::to_string(kMaxDecisionReasonChars) +
         "\" rows=\"3\" cols=\"60\"></textarea> <button type=\"submit\">" + escape(tr(base + "_button", lang)) +
         "</button></form></section>";
}

PageResult item_page(PageRequest& request) {
  const Lang& lang = request.lang;
  const auto seq = seq_of(request);
  if (!seq) return not_found(request);
  auto item = request.hub.store->quarantined_item(*seq);
  if (!item) return storage_failure(request, item.error());
  if (!*item) return not_found(request);
  auto decision = request.hub.store->quarantine_decision(*seq);
  if (!decision) return storage_failure(request, decision.error());
  const QuarantinedItem& it = **item;

  PageResult result;
  result.title = tr("quarantine.item_title", lang, {{"seq", std::to_string(*seq)}});
  std::string& out = result.main;
  out = page_heading(result.title);
  const std::string done = request.param("done");
  if (done == "released" || done == "rejected") out += notice(tr("quarantine.done_" + done, lang));
  out += "<p><a href=\"/quarantine\">" + escape(tr("quarantine.back", lang)) + "</a></p><dl>";
  const auto row = [&out, &lang](const char* key, const std::string& value) {
    out += "<dt>" + escape(tr(key, lang)) + "</dt><dd>" + escape(value) + "</dd>";
  };
  row("quarantine.col_kind", kind_text(it.kind, lang));
  row("quarantine.col_record_kind", record_kind_text(it.record_kind, lang));
  row("quarantine.col_record_id", it.response_id.empty() ? tr("quarantine.none", lang) : it.response_id);
  row("quarantine.col_consultation", it.consultation_id.empty() ? tr("quarantine.none", lang) : it.consultation_id);
  row("quarantine.col_reason", it.reason);
  row("quarantine.col_device", it.received_from);
  row("quarantine.col_first_seen", it.first_seen_at);
  row("quarantine.col_last_seen", it.last_seen_at);
  row("quarantine.col_times", std::to_string(it.times_seen));
  row("quarantine.col_decision", *decision ? decision_text(**decision, lang) : tr("quarantine.undecided", lang));
  if (*decision) row("quarantine.decision_reason", (*decision)->reason);
  out += "</dl>";

  out += "<div class=\"side-by-side\"><section aria-labelledby=\"kept-heading\"><h2 id=\"kept-heading\">" +
         escape(tr("quarantine.kept_copy", lang)) + "</h2>" + body_block(it.body, "kept-heading") + "</section>";
  if (it.kind == "conflict" && !it.response_id.empty()) {
    const auto kind = record_kind_from_name(it.record_kind).value_or(RecordKind::Response);
    auto stored = request.hub.store->stored_body(kind, it.response_id);
    if (!stored) return storage_failure(request, stored.error());
    out += "<section aria-labelledby=\"stored-heading\"><h2 id=\"stored-heading\">" +
           escape(tr("quarantine.stored_copy", lang)) + "</h2>" +
           (*stored ? body_block(**stored, "stored-heading") : "<p>" + escape(tr("quarantine.none", lang)) + "</p>") +
           "</section>";
    if (kind == RecordKind::Response) {
      auto correction = request.hub.store->correction_of(it.response_id);
      if (!correction) return storage_failure(request, correction.error());
      if (*correction) {
        out += "<section aria-labelledby=\"correction-heading\"><h2 id=\"correction-heading\">" +
               escape(tr("quarantine.correction_copy", lang,
                         {{"seq", std::to_string((*correction)->first)}})) +
               "</h2>" + body_block((*correction)->second, "correction-heading") + "</section>";
      }
    }
  }
  out += "</div>";

  if (!*decision && allowed(request.session.role, Permission::Quarantine)) {
    out += "<section aria-labelledby=\"decide-heading\"><h2 id=\"decide-heading\">" +
           escape(tr("quarantine.decide_heading", lang)) + "</h2>" + decision_form(request, *seq, "release") +
           decision_form(request, *seq, "reject") + "</section>";
  }
  return result;
}

PageResult refused_page(const PageRequest& request, int status, const std::string& title, const std::string& detail,
                        int64_t seq) {
  PageResult result;
  result.status = status;
  result.title = title;
  result.main = page_heading(title) + notice(detail, true) + "<p><a href=\"/quarantine/" + std::to_string(seq) +
                "\">" + escape(tr("quarantine.back_to_item", request.lang)) + "</a></p>";
  return result;
}

PageResult decide(PageRequest& request, DecisionKind kind) {
  const Lang& lang = request.lang;
  const auto seq = seq_of(request);
  if (!seq) return not_found(request);
  auto outcome = decide_quarantine(request.hub, *seq, kind, request.session.email, request.param("reason"));
  if (!outcome) return storage_failure(request, outcome.error());
  switch (outcome->refusal) {
    case DecisionRefusal::None: break;
    case DecisionRefusal::BadReason:
      return bad_request(request, tr("quarantine.bad_reason", lang,
                                     {{"max", std::to_string(kMaxDecisionReasonChars)}, {"detail", outcome->detail}}));
    case DecisionRefusal::NoSuchItem: return not_found(request);
    case DecisionRefusal::AlreadyDecided:
      return refused_page(request, 409, tr("quarantine.already_decided", lang), outcome->detail, *seq);
    case DecisionRefusal::CannotRelease:
      return refused_page(request, 422, tr("quarantine.cannot_release", lang),
                          tr("quarantine.cannot_release_detail", lang, {{"detail", outcome->detail}}), *seq);
  }
  const std::string action = kind == DecisionKind::Release ? "quarantine_release" : "quarantine_reject";
  std::string trimmed;
  check_decision_reason(request.param("reason"), trimmed);
  if (auto audited = audit(request.hub, request.session.email, action, std::to_string(*seq), trimmed); !audited) {
    // The decision stands (it is in the store); the page must not say that nothing changed.
    PageResult result;
    result.status = 500;
    result.title = tr("quarantine.audit_failed", lang);
    result.main = page_heading(result.title) +
                  notice(tr("quarantine.audit_failed_detail", lang, {{"problem", audited.error().message}}), true);
    return result;
  }
  PageResult result;
  result.redirect = "/quarantine/" + std::to_string(*seq) + "?done=" + decision_name(kind);
  return result;
}

}  // namespace

std::vector<Route> quarantine_routes() {
  return {
      Route{"GET", "/quarantine", Permission::ReadRows, list_page, true},
      Route{"GET", "/quarantine/([0-9]+)", Permission::ReadRows, item_page, false},
      Route{"POST", "/quarantine/([0-9]+)/release", Permission::Quarantine,
            [](PageRequest& request) { return decide(request, DecisionKind::Release); }, false},
      Route{"POST", "/quarantine/([0-9]+)/reject", Permission::Quarantine,
            [](PageRequest& request) { return decide(request, DecisionKind::Reject); }, false},
  };
}

std::vector<TextEntry> quarantine_text() {
  return {
      {"quarantine.title", "Quarantine", "Cwarantîn"},
      {"quarantine.intro",
       "Records the hub set aside for review: conflicts (a record whose id is already stored with different contents) "
       "and records it could not accept. Open an item to see it, then release or reject it with a reason.",
       "Cofnodion a roddodd yr hyb o'r neilltu i'w hadolygu: gwrthdrawiadau (cofnod y mae ei ddynodydd eisoes wedi'i "
       "storio gyda chynnwys gwahanol) a chofnodion na allai eu derbyn. Agorwch eitem i'w gweld, yna ei rhyddhau neu ei "
       "gwrthod gyda rheswm."},
      {"quarantine.caption", "Items in quarantine, newest first", "Eitemau mewn cwarantîn, y diweddaraf yn gyntaf"},
      {"quarantine.col_seq", "Item", "Eitem"},
      {"quarantine.col_kind", "Kind", "Math"},
      {"quarantine.col_record_kind", "Record", "Cofnod"},
      {"quarantine.col_record_id", "Record id", "Dynodydd y cofnod"},
      {"quarantine.col_consultation", "Consultation", "Ymgynghoriad"},
      {"quarantine.col_reason", "Why it was set aside", "Pam y'i rhoddwyd o'r neilltu"},
      {"quarantine.col_device", "Device", "Dyfais"},
      {"quarantine.col_first_seen", "First seen (UTC)", "Gwelwyd gyntaf (UTC)"},
      {"quarantine.col_last_seen", "Last seen (UTC)", "Gwelwyd ddiwethaf (UTC)"},
      {"quarantine.col_times", "Times sent", "Sawl gwaith yr anfonwyd"},
      {"quarantine.col_decision", "Decision", "Penderfyniad"},
      {"quarantine.kind_conflict", "Conflict", "Gwrthdaro"},
      {"quarantine.kind_rejected", "Not accepted", "Heb ei dderbyn"},
      {"quarantine.record_response", "Response", "Ymateb"},
      {"quarantine.record_visit", "Door visit", "Ymweliad â drws"},
      {"quarantine.record_check_in", "Check-in", "Cofrestru diogelwch"},
      {"quarantine.record_sign_in", "Sign-in event", "Digwyddiad mewngofnodi"},
      {"quarantine.undecided", "Not decided yet", "Heb benderfynu eto"},
      {"quarantine.decided_released", "Released by {who} at {at}", "Rhyddhawyd gan {who} am {at}"},
      {"quarantine.decided_rejected", "Rejected by {who} at {at}", "Gwrthodwyd gan {who} am {at}"},
      {"quarantine.decision_reason", "Reason given", "Y rheswm a roddwyd"},
      {"quarantine.none", "None", "Dim"},
      {"quarantine.item_title", "Quarantined item {seq}", "Eitem {seq} mewn cwarantîn"},
      {"quarantine.back", "Back to the quarantine list", "Yn ôl i restr y cwarantîn"},
      {"quarantine.back_to_item", "Back to the item", "Yn ôl i'r eitem"},
      {"quarantine.kept_copy", "The copy set aside", "Y copi a roddwyd o'r neilltu"},
      {"quarantine.stored_copy", "The copy already stored", "Y copi sydd eisoes wedi'i storio"},
      {"quarantine.correction_copy", "The reviewed correction counted now (from item {seq})",
       "Y cywiriad a adolygwyd sy'n cael ei gyfrif nawr (o eitem {seq})"},
      {"quarantine.decide_heading", "Decide", "Penderfynu"},
      {"quarantine.release_heading", "Release", "Rhyddhau"},
      {"quarantine.release_explain",
       "A conflicting response is kept beside the stored one as a reviewed correction, and results count the "
       "correction; the stored copy is never changed. Any other record is stored if it can be read now.",
       "Cedwir ymateb sy'n gwrthdaro wrth ochr yr un sydd wedi'i storio fel cywiriad a adolygwyd, a chaiff y cywiriad "
       "ei gyfrif yn y canlyniadau; ni chaiff y copi sydd wedi'i storio byth ei newid. Caiff unrhyw gofnod arall ei "
       "storio os oes modd ei ddarllen nawr."},
      {"quarantine.release_button", "Release this item", "Rhyddhau'r eitem hon"},
      {"quarantine.reject_heading", "Reject", "Gwrthod"},
      {"quarantine.reject_explain", "The item stays in quarantine, marked rejected, and is never counted.",
       "Mae'r eitem yn aros mewn cwarantîn, wedi'i marcio'n wrthodedig, ac ni chaiff byth ei chyfrif."},
      {"quarantine.reject_button", "Reject this item", "Gwrthod yr eitem hon"},
      {"quarantine.reason_label", "Reason (required, up to 500 characters)",
       "Rheswm (gofynnol, hyd at 500 nod)"},
      {"quarantine.bad_reason", "reason: give a reason of 1 to {max} characters ({detail}). Nothing was changed.",
       "rheswm: rhowch reswm o 1 i {max} nod ({detail}). Ni newidiwyd dim."},
      {"quarantine.already_decided", "This item has already been decided", "Mae penderfyniad eisoes wedi'i wneud ar yr eitem hon"},
      {"quarantine.cannot_release", "This item cannot be released", "Ni ellir rhyddhau'r eitem hon"},
      {"quarantine.cannot_release_detail", "Nothing was changed. Why: {detail}. You can reject it with a reason instead.",
       "Ni newidiwyd dim. Pam: {detail}. Gallwch ei gwrthod gyda rheswm yn lle hynny."},
      {"quarantine.done_released", "The item was released.", "Rhyddhawyd yr eitem."},
      {"quarantine.done_rejected", "The item was rejected.", "Gwrthodwyd yr eitem."},
      {"quarantine.audit_failed", "The decision was recorded, but not in the audit log",
       "Cofnodwyd y penderfyniad, ond nid yn y log archwilio"},
      {"quarantine.audit_failed_detail",
       "Tell an administrator: the audit log could not be written ({problem}).",
       "Dywedwch wrth weinyddwr: nid oedd modd ysgrifennu yn y log archwilio ({problem})."},
  };
}

}  // namespace soundings::hub::detail::console
