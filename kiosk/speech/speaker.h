// The kiosk's read-aloud: a thread that synthesises and plays, so that no frame ever waits for speech.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "pcm_sink.h"
#include "ui/speech_port.h"

namespace soundings::kiosk {

class Speaker : public SpeechPort {
 public:
  // Opens a fresh output for each reading (the sound card, or a fake in tests).
  using OutputFactory = std::function<std::unique_ptr<PcmSink>()>;

  // `on_change` is called from the speech thread when the status changes (e.g. glfwPostEmptyEvent), so the
  // UI redraws Stop back to Listen. The thread checks at once that a voice and an output are there.
  Speaker(OutputFactory output, std::function<void()> on_change);
  ~Speaker() override;  // stops reading and joins
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  void say(std::vector<SpokenText> parts) override;
  void stop() override;
  SpeechStatus status() const override;

 private:
  void run();
  void check_available();
  // Reads `parts` in order; returns the error that stopped it, if any.
  std::optional<std::string> read(const std::vector<SpokenText>& parts);

  OutputFactory output_;
  std::function<void()> on_change_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<std::vector<SpokenText>> pending_;
  std::atomic<bool> cancel_{false};
  SpeechStatus status_;
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace soundings::kiosk
