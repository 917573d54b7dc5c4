// espeak-ng behind one mutex: initialised once, synchronous synthesis, every status code turned into an Error here.
#include "espeak_voice.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <mutex>

namespace soundings::kiosk {

namespace {

std::mutex engine_mutex;  // espeak-ng keeps one global synthesiser per process

Error espeak_error(espeak_ng_STATUS status, const std::string& doing) {
  char message[512] = {};
  espeak_ng_GetStatusCodeMessage(status, message, sizeof message);
  ErrorCode code = status == ENS_VOICE_NOT_FOUND ? ErrorCode::NotFound : ErrorCode::Internal;
  return Error{code, "espeak-ng: " + doing + ": " + message};
}

// Initialised on first use; a failure is kept, so every later request reports the same reason.
struct Engine {
  bool tried = false;
  std::optional<Error> failed;
  int sample_rate = 0;
};
Engine engine;

// The render in progress: the callback has no other way to find it in synchronous mode.
struct Render {
  PcmSink* sink = nullptr;
  const std::atomic<bool>* cancel = nullptr;
};
Render* current = nullptr;

int on_samples(short* wav, int count, espeak_EVENT*) {
  if (current == nullptr) return 1;
  if (current->cancel && current->cancel->load()) return 1;  // 1 tells espeak-ng to abandon the text
  if (wav && count > 0 && !current->sink->write(wav, static_cast<size_t>(count))) return 1;
  return 0;
}

std::optional<Error> start_engine() {
  if (engine.tried) return engine.failed;
  engine.tried = true;
  espeak_ng_InitializePath(nullptr);  // ESPEAK_DATA_PATH, else where the espeak-ng-data package puts it
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  if (status != ENS_OK) {
    engine.failed = espeak_error(status, "cannot start (is the espeak-ng-data package installed?)");
    return engine.failed;
  }
  status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
  if (status != ENS_OK) {
    engine.failed = espeak_error(status, "cannot start synchronous output");
    return engine.failed;
  }
  espeak_SetSynthCallback(on_samples);
  engine.sample_rate = espeak_ng_GetSampleRate();
  return std::nullopt;
}

Result<VoiceInfo> choose_voice(const std::string& language) {
  if (language != "cy" && language != "en") return Error{ErrorCode::InvalidInput, "no voice for language " + language};
  espeak_ng_STATUS status = espeak_ng_SetVoiceByName(language.c_str());
  if (status != ENS_OK) return espeak_error(status, "voice " + language);
  const espeak_VOICE* voice = espeak_GetCurrentVoice();
  VoiceInfo info;
  if (voice) {
    info.name = voice->name ? voice->name : "";
    info.identifier = voice->identifier ? voice->identifier : "";
    if (voice->languages && voice->languages[0]) info.language = voice->languages + 1;  // after the priority byte
  }
  // espeak-ng keeps the previous voice when a name is not found: never read Welsh in an English voice.
  if (info.language.rfind(language, 0) != 0)
    return Error{ErrorCode::NotFound, "espeak-ng: no " + language + " voice (got " + info.name + ")"};
  return info;
}

}  // namespace

Result<VoiceInfo> speak_into(const std::string& text, const std::string& language, PcmSink& sink,
                             const std::atomic<bool>* cancel) {
  std::lock_guard<std::mutex> lock(engine_mutex);
  if (std::optional<Error> failed = start_engine()) return *failed;
  Result<VoiceInfo> voice = choose_voice(language);
  if (!voice) return voice;
  if (Status begun = sink.begin(engine.sample_rate); !begun) return begun.error();
  Render render{&sink, cancel};
  current = &render;
  espeak_ng_STATUS status = espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                                 espeakCHARS_UTF8, nullptr, nullptr);
  current = nullptr;
  bool cancelled = cancel && cancel->load();
  if (status != ENS_OK && status != ENS_SPEECH_STOPPED && !cancelled) return espeak_error(status, "reading text");
  return voice;
}

}  // namespace soundings::kiosk
