// soundings-say: reads text in Welsh or English through the kiosk's read-aloud path into a WAV file, or out loud.
#include <cstdio>
#include <string>

#include "alsa_output.h"
#include "espeak_voice.h"
#include "wav_file.h"

using namespace soundings;
using namespace soundings::kiosk;

static int usage() {
  std::fprintf(stderr, "usage: soundings-say --lang cy|en (--out FILE.wav | --play) TEXT\n");
  return 2;
}

int main(int argc, char** argv) {
  std::string lang, out, text;
  bool play = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--lang" && i + 1 < argc) lang = argv[++i];
    else if (arg == "--out" && i + 1 < argc) out = argv[++i];
    else if (arg == "--play") play = true;
    else if (!arg.empty() && arg[0] != '-' && text.empty()) text = arg;
    else return usage();
  }
  if ((lang != "cy" && lang != "en") || text.empty() || out.empty() == !play) return usage();
  PcmBuffer buffer;
  AlsaOutput speakers;
  PcmSink& sink = play ? static_cast<PcmSink&>(speakers) : buffer;
  Result<VoiceInfo> voice = speak_into(text, lang, sink);
  if (!voice) return std::fprintf(stderr, "soundings-say: %s\n", voice.error().message.c_str()), 1;
  if (play) {
    speakers.finish();
  } else if (Status written = write_wav(out, buffer.samples, buffer.rate); !written) {
    return std::fprintf(stderr, "soundings-say: %s\n", written.error().message.c_str()), 1;
  }
  std::printf("voice %s (%s, %s)", voice->name.c_str(), voice->identifier.c_str(), voice->language.c_str());
  if (!play) std::printf(", %.2f s at %d Hz in %s", buffer.seconds(), buffer.rate, out.c_str());
  std::printf("\n");
  return 0;
}
