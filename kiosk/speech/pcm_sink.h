// Where synthesised speech goes as it is made: the sound output, a WAV file or a buffer in a test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "soundings/result.h"

namespace soundings::kiosk {

class PcmSink {
 public:
  virtual ~PcmSink() = default;
  // Before the first samples: 16-bit signed mono at `sample_rate` Hz.
  virtual Status begin(int sample_rate) = 0;
  // May block while the sound plays (that paces synthesis). False: stop synthesising.
  virtual bool write(const int16_t* samples, size_t count) = 0;
  // The text is finished: let the last samples play out.
  virtual void finish() {}
  // Cancelled: silence now, drop whatever is queued.
  virtual void abort() {}
};

// Keeps every sample: for WAV files and tests.
class PcmBuffer : public PcmSink {
 public:
  Status begin(int sample_rate) override {
    rate = sample_rate;
    return Status::success();
  }
  bool write(const int16_t* data, size_t count) override {
    samples.insert(samples.end(), data, data + count);
    return true;
  }
  double seconds() const { return rate > 0 ? static_cast<double>(samples.size()) / rate : 0.0; }

  int rate = 0;
  std::vector<int16_t> samples;
};

}  // namespace soundings::kiosk
