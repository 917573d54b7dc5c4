// Makes completed responses the way a resident would, through a real Session, for tests and benchmarks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "soundings/consultation.h"
#include "soundings/response.h"
#include "soundings/result.h"
#include "soundings/store.h"

namespace soundings::loadgen {

struct LoadgenOptions {
  int64_t count = 0;
  uint64_t seed = 1;
  std::string device_id;   // empty: the store's "device_id" setting, else "loadgen-device"
  std::string venue = "loadgen";
  Channel channel = Channel::Kiosk;
  std::function<void(int64_t saved)> progress;  // every 1000 responses
};

// Walks one Session through `consultation` with random valid answers for every visible question
// (optional ones sometimes left blank) and submits it. Personal questions are asked only when
// `seal_public_key` is set, and then sealed with it. Same rng state, same answers. The session
// starts at `started`, or at a random moment of the last three days when none is given.
Result<Response> make_response(const ConsultationPtr& consultation, std::mt19937_64& rng, const std::string& device_id,
                               const std::string& venue, Channel channel, const std::string& seal_public_key,
                               std::optional<TimePoint> started = std::nullopt);

// Caches the consultation in the store (as a kiosk would have it) and saves `count` responses with
// Store::save, one transaction each, exactly as the kiosk's submit does. Returns how many were saved.
Result<int64_t> fill_store(Store& store, const ConsultationPtr& consultation, const LoadgenOptions& options);

// Saves `count` door visits with Store::save_visit, one transaction each as a field tablet does: round the
// doors of the walk lists the store holds, by its first enabled officer, with outcomes drawn at random
// (a fifth "come back" with a time promised), over the last three days in the order saved. The store
// must hold a walk list and an officer (a field tablet after its first sync).
Result<int64_t> fill_visits(Store& store, int64_t count, uint64_t seed,
                            const std::function<void(int64_t saved)>& progress = {});

}  // namespace soundings::loadgen
