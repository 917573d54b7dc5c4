// Console pages: devices (console.h). The fleet's health from each device's last heartbeat, devices silent
// for over a day and clocks far out flagged in words; enrolment codes, shown once; revocation, confirmed.
#include <httplib.h>

#include <chrono>
#include <cstdio>

#include "console.h"
#include "hub_credentials.h"
#include "hub_impl.h"
#include "soundings/json_bounded.h"

namespace soundings::hub::detail::console {

namespace {

constexpr std::chrono::hours kSilentAfter{24};
constexpr int64_t kClockFlagSeconds = 5 * 60;
constexpr size_t kMaxDeviceNameBytes = 200;  // as the enrolment API takes
constexpr std::chrono::hours kCodeValidFor{24};

// Bytes in decimal units, as disks are sold: "3.2 GB".
std::string storage_text(int64_t bytes, const Lang& lang) {
  if (bytes < 0) return tr("devices.unknown", lang);
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < std::size(kUnits)) {
    value /= 1000.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string clock_text(std::optional<int64_t> offset, const Lang& lang) {
  if (!offset) return tr("devices.unknown", lang);
  const std::string seconds = (*offset > 0 ? "+" : "") + std::to_string(*offset);
  const bool far = *offset > kClockFlagSeconds || *offset < -kClockFlagSeconds;
  return tr(far ? "devices.clock_far" : "devices.clock", lang, {{"seconds", seconds}});
}

// Whether the device has been silent for over a day at `now`; one never heard from counts from enrolment.
bool silent(const DeviceInfo& device, TimePoint now) {
  TimePoint last;
  const std::string& since = device.last_contact_at.empty() ? device.enrolled_at : device.last_contact_at;
  if (!parse_iso8601_utc(since, last)) return false;
  return now - last > kSilentAfter;
}

std::string role_text(DeviceRole role, const Lang& lang) {
  return tr(role == DeviceRole::Field ? "devices.role_field" : "devices.role_kiosk", lang);
}

PageResult list_page(PageRequest& request) {
  const Lang& lang = request.lang;
  auto devices = request.hub.store->devices();
  if (!devices) return storage_failure(request, devices.error());
  auto offsets = request.hub.store->clock_offsets();
  if (!offsets) return storage_failure(request, offsets.error());
  const TimePoint now = request.hub.now();
  const bool html = request.format == Format::Html;

  Table table;
  table.id = "devices";
  table.caption = tr("devices.caption", lang);
  table.headers = {tr("devices.col_name", lang),     tr("devices.col_role", lang),
                   tr("devices.col_last_seen", lang), tr("devices.col_state", lang),
                   tr("devices.col_waiting", lang),   tr("devices.col_oldest", lang),
                   tr("devices.col_app", lang),       tr("devices.col_storage", lang),
                   tr("devices.col_clock", lang),     tr("devices.col_id", lang)};
  table.keys = {"name",        "role",        "last_seen_at",       "state",
                "waiting",     "oldest_unsent_at", "app_version", "free_storage_bytes",
                "clock_difference_seconds", "device_id"};
  std::string revoke_list;
  int64_t silent_count = 0;
  for (const DeviceInfo& device : *devices) {
    const auto found = offsets->find(device.device_id);
    const std::optional<int64_t> offset =
        found == offsets->end() ? std::nullopt : std::optional<int64_t>(found->second);
    std::string state = "ok";
    if (device.revoked) {
      state = "revoked";
    } else if (silent(device, now)) {
      state = "silent";
      ++silent_count;
    }
    if (offset && (*offset > kClockFlagSeconds || *offset < -kClockFlagSeconds) && state == "ok") state = "clock";
    Cell storage{storage_text(device.free_disk_bytes, lang), std::nullopt, false, {}, {}};
    if (device.free_disk_bytes >= 0) storage.number = device.free_disk_bytes;
    Cell clock{clock_text(offset, lang), offset, false, {}, {}};
    Cell waiting = Cell::count(device.pending_on_device);
    if (!html) {
      storage.text.clear();
      clock.text.clear();
    }
    table.rows.push_back({Cell::of(device.name),
                          Cell::of(html ? role_text(device.role, lang) : device_role_name(device.role)),
                          Cell::of(device.last_contact_at.empty() && html ? tr("devices.never", lang)
                                                                          : device.last_contact_at),
                          Cell::of(html ? tr("devices.state_" + state, lang) : state), std::move(waiting),
                          Cell::of(device.oldest_pending_at.empty() && html ? tr("devices.none_waiting", lang)
                                                                            : device.oldest_pending_at),
                          Cell::of(device.app_version), std::move(storage), std::move(clock),
                          Cell::of(device.device_id)});
    if (!device.revoked) {
      revoke_list += "<li><a href=\"/devices/" + escape(device.device_id) + "/revoke\">" +
                     escape(tr("devices.revoke_link", lang, {{"name", device.name}})) + "</a></li>";
    }
  }
  PageResult result;
  result.title = tr("devices.title", lang);
  std::string& out = result.main;
  out = page_heading(result.title);
  if (silent_count > 0) out += notice(tr("devices.silent_notice", lang, {{"count", std::to_string(silent_count)}}));
  out += "<p>" + escape(tr("devices.intro", lang)) + "</p>" + table_html(table, lang);
  out += "<h2>" + escape(tr("devices.enrol_heading", lang)) + "</h2><p>" + escape(tr("devices.enrol_explain", lang)) +
         "</p>";
  if (allowed(request.session.role, Permission::Devices)) {
    out += form_start(request, "/devices/enrol-code") + "<p><label for=\"device-name\">" +
           escape(tr("devices.enrol_name", lang)) + "</label> <input id=\"device-name\" name=\"name\" type=\"text\" "
           "required maxlength=\"200\"></p><fieldset><legend>" + escape(tr("devices.enrol_role", lang)) +
           "</legend><p><input type=\"radio\" id=\"role-kiosk\" name=\"role\" value=\"kiosk\" checked> <label "
           "for=\"role-kiosk\">" + escape(tr("devices.role_kiosk", lang)) + "</label></p><p><input type=\"radio\" "
           "id=\"role-field\" name=\"role\" value=\"field\"> <label for=\"role-field\">" +
           escape(tr("devices.role_field", lang)) + "</label></p></fieldset><p><button type=\"submit\">" +
           escape(tr("devices.enrol_button", lang)) + "</button></p></form>";
  }
  out += "<h2>" + escape(tr("devices.revoke_heading", lang)) + "</h2><p>" +
         escape(tr("devices.revoke_explain", lang)) + "</p>";
  out += revoke_list.empty() ? "<p>" + escape(tr("table.empty", lang)) + "</p>" : "<ul>" + revoke_list + "</ul>";
  result.tables.push_back(std::move(table));
  return result;
}

PageResult enrol_code(PageRequest& request) {
  const Lang& lang = request.lang;
  std::string name = request.param("name");
  const auto first = name.find_first_not_of(" \t\r\n");
  name = first == std::string::npos ? "" : name.substr(first, name.find_last_not_of(" \t\r\n") - first + 1);
  if (name.empty() || name.size() > kMaxDeviceNameBytes || first_bad_utf8(name) != std::string::npos) {
    return bad_request(request, tr("devices.bad_name", lang, {{"max", std::to_string(kMaxDeviceNameBytes)}}));
  }
  const std::string role_name = request.param("role");
  if (role_name != "kiosk" && role_name != "field") return bad_request(request, tr("devices.bad_role", lang));
  const DeviceRole role = role_name == "field" ? DeviceRole::Field : DeviceRole::Kiosk;
  const std::string code = make_enrol_code();
  const TimePoint now = request.hub.now();
  const int64_t expires =
      std::chrono::duration_cast<std::chrono::seconds>((now + kCodeValidFor).time_since_epoch()).count();
  if (auto added = request.hub.store->add_enrol_code(content_hash(normalise_enrol_code(code)), name,
                                                     format_iso8601_utc(now), expires, role);
      !added) {
    return storage_failure(request, added.error());
  }
  // The code itself is never written down at head office: only its hash is stored, and the log names the device.
  if (auto audited = audit(request.hub, request.session.email, "enrol_code", name, role_name); !audited) {
    return storage_failure(request, audited.error());
  }
  PageResult result;
  result.title = tr("devices.code_title", lang);
  result.main = page_heading(result.title) +
                "<p>" + escape(tr("devices.code_for", lang, {{"name", name}, {"role", role_text(role, lang)}})) +
                "</p><p class=\"enrol-code\"><strong>" + escape(code) + "</strong></p><p>" +
                escape(tr("devices.code_once", lang)) + "</p><p><a href=\"/devices\">" +
                escape(tr("devices.back", lang)) + "</a></p>";
  return result;
}

std::optional<DeviceInfo> device_named(const std::vector<DeviceInfo>& devices, const std::string& id) {
  for (const DeviceInfo& device : devices) {
    if (device.device_id == id) return device;
  }
  return std::nullopt;
}

PageResult revoke_confirm(PageRequest& request) {
  const Lang& lang = request.lang;
  auto devices = request.hub.store->devices();
  if (!devices) return storage_failure(request, devices.error());
  const auto device = device_named(*devices, request.match[1].str());
  if (!device) return not_found(request);
  PageResult result;
  result.title = tr("devices.revoke_title", lang, {{"name", device->name}});
  result.main = page_heading(result.title);
  if (device->revoked) {
    result.main += notice(tr("devices.already_revoked", lang));
  } else {
    result.main += "<p>" + escape(tr("devices.revoke_warning", lang)) + "</p>" +
                   form_start(request, "/devices/" + device->device_id + "/revoke") +
                   "<p><button type=\"submit\">" + escape(tr("devices.revoke_button", lang, {{"name", device->name}})) +
                   "</button></p></form>";
  }
  result.main += "<p><a href=\"/devices\">" + escape(tr("devices.back", lang)) + "</a></p>";
  return result;
}

PageResult revoke(PageRequest& request) {
  const std::string id = request.match[1].str();
  auto revoked = request.hub.store->revoke(id, request.hub.now_text());
  if (!revoked) return storage_failure(request, revoked.error());
  if (!*revoked) return not_found(request);
  if (auto audited = audit(request.hub, request.session.email, "revoke", id, ""); !audited) {
    return storage_failure(request, audited.error());
  }
  PageResult result;
  result.redirect = "/devices";
  return result;
}

}  // namespace

std::vector<Route> device_routes() {
  return {
      Route{"GET", "/devices", Permission::Devices, list_page, true},
      Route{"POST", "/devices/enrol-code", Permission::Devices, enrol_code, false},
      Route{"GET", "/devices/([0-9a-f-]{1,64})/revoke", Permission::Devices, revoke_confirm, false},
      Route{"POST", "/devices/([0-9a-f-]{1,64})/revoke", Permission::Devices, revoke, false},
  };
}

std::vector<TextEntry> device_text() {
  return {
      {"devices.title", "Devices", "Dyfeisiau"},
      {"devices.intro",
       "Each device as its last heartbeat told head office. Times are UTC. A device silent for over a day, or whose "
       "clock is more than 5 minutes out, is marked in the State column.",
       "Pob dyfais fel y dywedodd ei churiad calon diwethaf wrth y pencadlys. Mae'r amseroedd yn UTC. Caiff dyfais sydd "
       "wedi bod yn dawel am dros ddiwrnod, neu y mae ei chloc fwy na 5 munud allan, ei marcio yn y golofn Cyflwr."},
      {"devices.caption", "Enrolled devices", "Dyfeisiau sydd wedi'u cofrestru"},
      {"devices.col_name", "Name", "Enw"},
      {"devices.col_role", "Role", "Rôl"},
      {"devices.col_last_seen", "Last seen (UTC)", "Gwelwyd ddiwethaf (UTC)"},
      {"devices.col_state", "State", "Cyflwr"},
      {"devices.col_waiting", "Waiting to send", "Yn aros i'w hanfon"},
      {"devices.col_oldest", "Oldest unsent (UTC)", "Yr hynaf heb ei anfon (UTC)"},
      {"devices.col_app", "App version", "Fersiwn yr ap"},
      {"devices.col_storage", "Free storage", "Storfa rydd"},
      {"devices.col_clock", "Clock difference", "Gwahaniaeth cloc"},
      {"devices.col_id", "Device id", "Dynodydd y ddyfais"},
      {"devices.role_kiosk", "Kiosk", "Ciosg"},
      {"devices.role_field", "Field tablet", "Llechen maes"},
      {"devices.never", "Never", "Byth"},
      {"devices.none_waiting", "Nothing waiting", "Dim yn aros"},
      {"devices.unknown", "Not known", "Anhysbys"},
      {"devices.clock", "{seconds} s", "{seconds} e"},
      {"devices.clock_far", "{seconds} s: more than 5 minutes out", "{seconds} e: mwy na 5 munud allan"},
      {"devices.state_ok", "In touch", "Mewn cysylltiad"},
      {"devices.state_silent", "Silent for over a day", "Yn dawel ers dros ddiwrnod"},
      {"devices.state_clock", "Clock more than 5 minutes out", "Cloc fwy na 5 munud allan"},
      {"devices.state_revoked", "Revoked", "Wedi'i dirymu"},
      {"devices.silent_notice", "Devices silent for over a day: {count}. See the State column.",
       "Dyfeisiau sydd wedi bod yn dawel ers dros ddiwrnod: {count}. Gweler y golofn Cyflwr."},
      {"devices.enrol_heading", "Make an enrolment code", "Creu cod cofrestru"},
      {"devices.enrol_explain",
       "Type the code on the new device within 24 hours. It works once, and is shown only once.",
       "Teipiwch y cod ar y ddyfais newydd o fewn 24 awr. Mae'n gweithio unwaith, a dim ond unwaith y caiff ei ddangos."},
      {"devices.enrol_name", "Device name", "Enw'r ddyfais"},
      {"devices.enrol_role", "The device is", "Mae'r ddyfais yn"},
      {"devices.enrol_button", "Make the code", "Creu'r cod"},
      {"devices.bad_name", "name: give the device a name of 1 to {max} bytes. Nothing was changed.",
       "enw: rhowch enw o 1 i {max} beit i'r ddyfais. Ni newidiwyd dim."},
      {"devices.bad_role", "role: choose kiosk or field tablet. Nothing was changed.",
       "rôl: dewiswch giosg neu lechen maes. Ni newidiwyd dim."},
      {"devices.code_title", "Enrolment code", "Cod cofrestru"},
      {"devices.code_for", "For {name} ({role}):", "Ar gyfer {name} ({role}):"},
      {"devices.code_once",
       "Write it down or type it on the device now: it is not shown again, and it expires in 24 hours.",
       "Ysgrifennwch ef neu ei deipio ar y ddyfais nawr: ni chaiff ei ddangos eto, ac mae'n dod i ben ymhen 24 awr."},
      {"devices.back", "Back to devices", "Yn ôl i'r dyfeisiau"},
      {"devices.revoke_heading", "Revoke a device", "Dirymu dyfais"},
      {"devices.revoke_explain",
       "A revoked device can no longer send or receive anything. You will be asked to confirm.",
       "Ni all dyfais sydd wedi'i dirymu anfon na derbyn dim mwyach. Gofynnir i chi gadarnhau."},
      {"devices.revoke_link", "Revoke {name}", "Dirymu {name}"},
      {"devices.revoke_title", "Revoke {name}?", "Dirymu {name}?"},
      {"devices.revoke_warning",
       "Anything still waiting on it stays there and is not sent. This cannot be undone: the device would have to be "
       "enrolled again.",
       "Mae unrhyw beth sy'n dal i aros arni yn aros yno ac ni chaiff ei anfon. Ni ellir dadwneud hyn: byddai'n rhaid "
       "cofrestru'r ddyfais eto."},
      {"devices.revoke_button", "Yes, revoke {name}", "Ie, dirymu {name}"},
      {"devices.already_revoked", "This device is already revoked.", "Mae'r ddyfais hon eisoes wedi'i dirymu."},
  };
}

}  // namespace soundings::hub::detail::console
