// soundings-hub commands for head office: publishing, feedback, enrolment and devices, results and backups.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.h"

namespace soundings::hub::cli {

namespace {

// The command's entry in the audit log, after it is done; a log that cannot be written fails the command.
int audited(Hub& hub, const std::string& action, const std::string& subject, const std::string& detail) {
  if (auto logged = hub.audit("cli", action, subject, detail); !logged) {
    std::cerr << "soundings-hub: done, but the audit log could not be written: " << logged.error().message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int publish(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 1) return usage_error("publish takes one consultation file");
  const auto outcome = hub.publish_file(args.positional[0]);
  if (!outcome.problems.empty()) {
    std::cerr << "soundings-hub: " << args.positional[0] << " was not published:\n";
    for (const auto& problem : outcome.problems) std::cerr << "  " << soundings::describe(problem) << "\n";
    return 1;
  }
  std::cout << "published " << outcome.id << " version " << outcome.version << "\n";
  return audited(hub, "publish", outcome.id, "version " + std::to_string(outcome.version));
}

int feedback(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 1 || args.option("consultation").empty()) {
    return usage_error("feedback takes --consultation ID and one feedback file");
  }
  std::ifstream in(args.positional[0], std::ios::binary);
  if (!in) return fail({soundings::ErrorCode::NotFound, args.positional[0] + ": cannot be read"});
  std::stringstream text;
  text << in.rdbuf();
  const auto status = hub.publish_feedback(args.option("consultation"), text.str());
  if (!status) {
    std::cerr << "soundings-hub: feedback for " << args.option("consultation") << " was not published:\n"
              << status.error().message << "\n";
    return 1;
  }
  std::cout << "published feedback for " << args.option("consultation") << "\n";
  return audited(hub, "feedback", args.option("consultation"), "");
}

int enrol_code(const Arguments& args, Hub& hub) {
  // A year at most: a code is a key to the hub, and hours past this would overflow the expiry time.
  constexpr long long kMaxValidHours = 8760;
  long long hours = 24;
  if (!args.option("valid-hours").empty() &&
      (!parse_count(args.option("valid-hours"), 1, hours) || hours > kMaxValidHours)) {
    return usage_error("--valid-hours must be a whole number of hours from 1 to " + std::to_string(kMaxValidHours) +
                       " (a year), not \"" + args.option("valid-hours") + "\"");
  }
  const bool field = args.flag("field");
  const auto code = hub.make_enrol_code(args.option("name"), std::chrono::hours(hours),
                                        field ? DeviceRole::Field : DeviceRole::Kiosk);
  if (!code) return fail(code.error());
  std::cout << "Enrolment code for " << (field ? "field tablet" : "kiosk") << " \"" << args.option("name")
            << "\", single use, valid for " << hours << " hours:\n"
            << *code << "\n";
  return audited(hub, "enrol_code", args.option("name"),
                 std::string(field ? "field tablet" : "kiosk") + ", valid " + std::to_string(hours) + " hours");
}

int devices(Hub& hub) {
  const auto list = hub.devices();
  if (!list) return fail(list.error());
  if (list->empty()) {
    std::cout << "no devices enrolled\n";
    return 0;
  }
  for (const auto& device : *list) {
    std::cout << device.device_id << "  " << device.name << "  "
              << (device.role == DeviceRole::Field ? "field tablet" : "kiosk") << (device.revoked ? "  [revoked]" : "")
              << "\n"
              << "  last contact " << or_dash(device.last_contact_at) << ", " << device.pending_on_device
              << " responses waiting on the device (oldest " << or_dash(device.oldest_pending_at) << ")\n"
              << "  app " << or_dash(device.app_version) << ", consultations " << or_dash(device.consultation_versions)
              << ", free disk "
              << (device.free_disk_bytes < 0 ? std::string("-") : std::to_string(device.free_disk_bytes / 1048576) + " MiB")
              << "\n";
  }
  return 0;
}

int status(Hub& hub) {
  const auto list = hub.consultations();
  const auto stored = hub.stored_count();
  const auto quarantined = hub.quarantine_count();
  if (!list) return fail(list.error());
  if (!stored) return fail(stored.error());
  if (!quarantined) return fail(quarantined.error());
  std::printf("%-32s %7s %-8s %-10s %-10s %8s %11s %s\n", "consultation", "version", "status", "opens", "closes",
              "stored", "quarantined", "feedback");
  for (const auto& c : *list) {
    std::printf("%-32s %7d %-8s %-10s %-10s %8lld %11lld %s\n", c.id.c_str(), c.version, c.status.c_str(),
                c.opens.c_str(), c.closes.c_str(), static_cast<long long>(c.stored),
                static_cast<long long>(c.quarantined), c.has_feedback ? "yes" : "no");
  }
  std::printf("total: %lld stored, %lld quarantined (conflicts and rejected items held for review)\n",
              static_cast<long long>(*stored), static_cast<long long>(*quarantined));
  return 0;
}

// Conflicts and rejected items, for staff to review; --bodies yes adds each item as received.
int quarantine(const Arguments& args, Hub& hub) {
  const auto items = hub.quarantined(args.option("consultation"));
  if (!items) return fail(items.error());
  if (items->empty()) {
    std::cout << "nothing in quarantine\n";
    return 0;
  }
  for (const auto& item : *items) {
    std::cout << "#" << item.seq << "  " << item.kind << "  " << item.record_kind << "  " << or_dash(item.response_id)
              << "  "
              << or_dash(item.consultation_id) << "\n"
              << "  " << item.reason << "\n"
              << "  from device " << item.received_from << ", first " << item.first_seen_at << ", last "
              << item.last_seen_at << " (" << item.times_seen << (item.times_seen == 1 ? " time" : " times") << ")\n";
    if (args.option("bodies") == "yes") std::cout << "  " << item.body << "\n";
  }
  return 0;
}

int export_responses(const Arguments& args, Hub& hub) {
  if (args.option("consultation").empty() || args.option("format").empty()) {
    return usage_error("export takes --consultation ID --format csv|json");
  }
  const auto text = hub.export_responses(args.option("consultation"), args.option("format"));
  if (!text) return fail(text.error());
  return write_output(args, *text);
}

int reach(const Arguments& args, Hub& hub) {
  if (args.option("consultation").empty()) return usage_error("reach takes --consultation ID");
  soundings::hub::ReachOptions options;
  if (!args.option("min-count").empty()) {
    long long value = 0;
    if (!parse_count(args.option("min-count"), 1, value)) return usage_error("--min-count must be 1 or more");
    options.min_count = value;
  }
  if (!args.option("lang").empty()) options.language = args.option("lang");
  const auto text = hub.reach_report(args.option("consultation"), options);
  if (!text) return fail(text.error());
  return write_output(args, *text);
}

// An online copy of the SQLite hub, taken while it serves; the key file is never in it.
int backup(const Arguments& args, const HubConfig& config) {
  const auto made = soundings::hub::backup_database(config, args.option("output"));
  if (!made) return refused_or_failed(made.error());
  std::cout << soundings::hub::describe(*made);
  return 0;
}

int revoke(const Arguments& args, Hub& hub) {
  if (args.positional.size() != 1) return usage_error("revoke takes one device id");
  const auto revoked = hub.revoke(args.positional[0]);
  if (!revoked) return fail(revoked.error());
  std::cout << "revoked " << args.positional[0] << "; its token is refused from now on\n";
  return audited(hub, "revoke", args.positional[0], "");
}

}  // namespace soundings::hub::cli
