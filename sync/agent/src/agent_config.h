// Turns the public AgentConfig into the transport's and the scheduler's settings.
#pragma once

#include "http_transport.h"
#include "soundings/sync_agent.h"
#include "soundings/sync_schedule.h"

namespace soundings::sync {

inline TransportConfig transport_config(const AgentConfig& config) {
  TransportConfig transport;
  transport.ca_file = config.ca_file;
  transport.connect_timeout = config.connect_timeout;
  transport.low_speed_window = config.low_speed_window;
  transport.request_timeout = config.request_timeout;
  transport.user_agent = "soundings-sync/" + config.app_version;
  return transport;
}

inline ScheduleConfig schedule_config(const AgentConfig& config) {
  ScheduleConfig schedule;
  schedule.backoff_base = config.backoff_base;
  schedule.backoff_cap = config.backoff_cap;
  schedule.poll_interval = config.poll_interval;
  return schedule;
}

}  // namespace soundings::sync
