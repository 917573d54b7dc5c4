// The device's sound output through ALSA's "default" PCM (which PipeWire or PulseAudio take over where installed).
#pragma once

#include <memory>
#include <string>

#include "pcm_sink.h"

namespace soundings::kiosk {

class AlsaOutput : public PcmSink {
 public:
  explicit AlsaOutput(std::string device = "default");
  ~AlsaOutput() override;  // drops whatever has not played
  AlsaOutput(const AlsaOutput&) = delete;
  AlsaOutput& operator=(const AlsaOutput&) = delete;

  Status begin(int sample_rate) override;  // opens the device: fails at once where there is none (CI)
  bool write(const int16_t* samples, size_t count) override;
  void finish() override;
  void abort() override;

 private:
  void close();
  std::string device_;
  struct Pcm;
  std::unique_ptr<Pcm> pcm_;
};

}  // namespace soundings::kiosk
