// ALSA playback: opened without blocking, about 100 ms buffered so that Stop is heard at once, errors as values.
#include "alsa_output.h"

#include <alsa/asoundlib.h>

#include <cstdarg>

namespace soundings::kiosk {

namespace {
// ALSA prints its own complaints on standard error (no card, no config); the kiosk reports them once, as a status.
void quiet(const char*, int, const char*, int, const char*, ...) {}

Error alsa_error(int code, const std::string& doing) {
  return Error{ErrorCode::NotFound, "sound output: " + doing + ": " + snd_strerror(code)};
}

constexpr unsigned kLatencyMicroseconds = 100000;
}  // namespace

struct AlsaOutput::Pcm {
  snd_pcm_t* handle = nullptr;
};

AlsaOutput::AlsaOutput(std::string device) : device_(std::move(device)) {}
AlsaOutput::~AlsaOutput() { abort(); }

Status AlsaOutput::begin(int sample_rate) {
  close();
  snd_lib_error_set_handler(quiet);
  snd_pcm_t* handle = nullptr;
  // Non-blocking open: a device held by another program must not stall the speech thread.
  int rc = snd_pcm_open(&handle, device_.c_str(), SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
  if (rc < 0) return alsa_error(rc, "cannot open " + device_);
  rc = snd_pcm_nonblock(handle, 0);
  if (rc >= 0)
    rc = snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1,
                            static_cast<unsigned>(sample_rate), 1, kLatencyMicroseconds);
  if (rc < 0) {
    snd_pcm_close(handle);
    return alsa_error(rc, "cannot play 16-bit mono at " + std::to_string(sample_rate) + " Hz on " + device_);
  }
  pcm_ = std::make_unique<Pcm>(Pcm{handle});
  return Status::success();
}

bool AlsaOutput::write(const int16_t* samples, size_t count) {
  if (!pcm_) return false;
  while (count > 0) {
    snd_pcm_sframes_t written = snd_pcm_writei(pcm_->handle, samples, count);
    if (written < 0) written = snd_pcm_recover(pcm_->handle, static_cast<int>(written), 1);  // an underrun: go on
    if (written < 0) return false;
    samples += written;
    count -= static_cast<size_t>(written);
  }
  return true;
}

void AlsaOutput::finish() {
  if (pcm_) snd_pcm_drain(pcm_->handle);
  close();
}

void AlsaOutput::abort() {
  if (pcm_) snd_pcm_drop(pcm_->handle);
  close();
}

void AlsaOutput::close() {
  if (!pcm_) return;
  snd_pcm_close(pcm_->handle);
  pcm_.reset();
}

}  // namespace soundings::kiosk
