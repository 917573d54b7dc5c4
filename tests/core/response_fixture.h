// A response as a field tablet records one, for the response-format tests.
#pragma once

#include "soundings/response.h"

namespace soundings::testing {

inline Response sample_response() {
  Response response;
  response.id = make_uuid();
  response.consultation_id = "library-opening-hours";
  response.consultation_version = 2;
  response.language = "cy";
  response.channel = Channel::Field;
  response.device_id = "tablet-07";
  response.venue = "Caffi Trwsio Rhos";
  response.staff_id = "staff-3";
  response.started_at = "2026-11-23T16:01:30Z";
  response.submitted_at = "2026-11-23T16:04:02Z";
  response.page_seconds = {{"your-library", 40}, {"evenings", 73}, {"about-you", 39}};
  response.answers = {{"library_used", {{"option", "brynteg"}}}, {"visits", 4}, {"comment", "Diolch yn fawr"}};
  response.personal = {{"sealed", std::string(96, 'A')}};  // base64 of a box-sized blob
  return response;
}

}  // namespace soundings::testing
