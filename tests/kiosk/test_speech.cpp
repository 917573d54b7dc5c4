// Read-aloud: espeak-ng voices rendered to buffers, the words each screen gives, Listen and Stop, and when speech stops.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "alsa_output.h"
#include "espeak_voice.h"
#include "harness.h"
#include "walk.h"
#include "soundings/ui_text.h"
#include "speaker.h"
#include "ui/read_aloud.h"
#include "wav_file.h"

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {

double rms(const std::vector<int16_t>& samples) {
  double sum = 0;
  for (int16_t s : samples) sum += static_cast<double>(s) * s;
  return samples.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

// Speech is not silence: well above the noise floor of 16-bit audio.
constexpr double kRmsFloor = 300.0;

PcmBuffer render(const std::string& text, const std::string& language, VoiceInfo* voice = nullptr) {
  PcmBuffer buffer;
  Result<VoiceInfo> spoken = speak_into(text, language, buffer);
  INFO("espeak-ng must be installed (deploy/install-deps.sh: libespeak-ng-dev espeak-ng-data)");
  INFO((spoken ? std::string() : spoken.error().message));
  REQUIRE(spoken);
  if (voice) *voice = *spoken;
  return buffer;
}

// Records what the controller asks of read-aloud; reads "for ever" until stopped.
class FakeSpeech : public SpeechPort {
 public:
  void say(std::vector<SpokenText> parts) override {
    said.push_back(std::move(parts));
    speaking = true;
  }
  void stop() override {
    ++stops;
    speaking = false;
  }
  SpeechStatus status() const override {
    return SpeechStatus{speaking ? SpeechState::Speaking : SpeechState::Idle, ""};
  }
  std::vector<std::vector<SpokenText>> said;
  int stops = 0;
  bool speaking = false;
};

void open_first_page(Harness& h, const std::string& language) {
  if (language != h.state.language) REQUIRE(h.tap("lang:" + language));
  REQUIRE(h.tap("card:every-type"));
  REQUIRE(h.tap("start"));
  REQUIRE(h.state.screen == Screen::Page);
}

bool contains(const std::string& words, const std::string& part) { return words.find(part) != std::string::npos; }

// What the sinks of a speaker saw, one entry per reading (kept here: the speaker owns and drops the sinks).
struct Playback {
  size_t samples = 0;
  bool finished = false, aborted = false;
};
struct PlaybackLog {
  std::mutex mutex;
  std::vector<Playback> readings;
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return readings.size();
  }
  Playback at(size_t i) {
    std::lock_guard<std::mutex> lock(mutex);
    return readings.at(i);
  }
};

// A sink that plays in real time, as a sound card does, so that a reading takes as long as it sounds.
class RealTimeSink : public PcmSink {
 public:
  explicit RealTimeSink(PlaybackLog& log) : log_(log) {
    std::lock_guard<std::mutex> lock(log_.mutex);
    index_ = log_.readings.size();
    log_.readings.emplace_back();
  }
  Status begin(int sample_rate) override {
    rate_ = sample_rate;
    return Status::success();
  }
  bool write(const int16_t*, size_t count) override {
    {
      std::lock_guard<std::mutex> lock(log_.mutex);
      log_.readings[index_].samples += count;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(count * 1000000 / static_cast<size_t>(rate_)));
    return true;
  }
  void finish() override {
    std::lock_guard<std::mutex> lock(log_.mutex);
    log_.readings[index_].finished = true;
  }
  void abort() override {
    std::lock_guard<std::mutex> lock(log_.mutex);
    log_.readings[index_].aborted = true;
  }

 private:
  PlaybackLog& log_;
  size_t index_ = 0;
  int rate_ = 22050;
};

template <typename Predicate>
bool wait_for(Predicate done, int max_ms = 10000) {
  for (int i = 0; i < max_ms / 5; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

}  // namespace

TEST_CASE("Welsh is read in espeak-ng's Welsh voice and English in its English voice", "[speech]") {
  VoiceInfo cy, en;
  PcmBuffer welsh = render("Sut daethoch chi yma heddiw? Bws, wedi'i ddewis. Cerdded.", "cy", &cy);
  PcmBuffer english = render("How did you get here today? Bus, chosen. Walking.", "en", &en);
  CHECK(cy.language == "cy");
  CHECK(cy.name == "Welsh");
  CHECK(en.language.rfind("en", 0) == 0);
  CHECK(en.name.rfind("English", 0) == 0);
  // Nine or ten words at about 175 a minute, with pauses: three to eight seconds each.
  CHECK(welsh.seconds() > 2.5);
  CHECK(welsh.seconds() < 8.0);
  CHECK(english.seconds() > 2.5);
  CHECK(english.seconds() < 8.0);
  CHECK(rms(welsh.samples) > kRmsFloor);
  CHECK(rms(english.samples) > kRmsFloor);
  CHECK(welsh.rate == 22050);
}

TEST_CASE("longer words take longer to read and a language without a voice is refused", "[speech]") {
  double one = render("Llyfrgell.", "cy").seconds();
  double many = render("Llyfrgell Wrecsam, Brynteg, Cefn Mawr, Y Waun, Coed-poeth a Gresffordd.", "cy").seconds();
  CHECK(many > one * 3);
  PcmBuffer buffer;
  Result<VoiceInfo> french = speak_into("Bonjour", "fr", buffer);
  REQUIRE_FALSE(french);
  CHECK(buffer.samples.empty());
}

TEST_CASE("the words of a Welsh question page give the question, its options and the chosen one in Welsh", "[speech]") {
  Harness h(every_type());
  open_first_page(h, "cy");
  REQUIRE(h.tap("option:transport:walk"));
  std::vector<SpokenText> words = words_on_screen(h.state);
  REQUIRE(words.size() == 1);
  CHECK(words[0].language == "cy");
  const std::string& w = words[0].words;
  CHECK(contains(w, "Dewisiadau"));  // the page title
  CHECK(contains(w, "Sut daethoch chi yma heddiw?"));
  CHECK(contains(w, "Bws."));
  CHECK(contains(w, ui_text("kiosk.speech.chosen", "cy", {{"option", "Cerdded"}})));
  CHECK(contains(w, "Cerdded, wedi'i ddewis"));
  CHECK(contains(w, "Pa wasanaethau ydych chi'n eu defnyddio?"));
  CHECK(contains(w, ui_text("kiosk.choice.choose_up_to", "cy", {{"count", "2"}})));
  CHECK_FALSE(contains(w, "How did you get here"));
  CHECK_FALSE(contains(w, "chosen"));
  // The question comes before its options, and the options in the order shown.
  CHECK(w.find("Sut daethoch") < w.find("Bws"));
  CHECK(w.find("Bws") < w.find("Cerdded"));
}

TEST_CASE("the words of a page say what is wrong after a refused Next", "[speech]") {
  Harness h(every_type());
  open_first_page(h, "en");
  REQUIRE(h.tap("next"));
  REQUIRE(h.state.show_problems);
  std::string w = words_on_screen(h.state).at(0).words;
  CHECK(contains(w, ui_text("kiosk.problems.title", "en")));
  for (const QuestionProblem& p : h.state.problems) CHECK(contains(w, p.message));
}

TEST_CASE("tapping Listen asks for the page in the language on screen, and the button turns to Stop", "[speech]") {
  Harness h(every_type());
  FakeSpeech speech;
  h.controller->set_speech(&speech);
  open_first_page(h, "en");
  REQUIRE(h.tap("option:transport:bus"));
  REQUIRE(h.has_target("listen"));
  REQUIRE(h.tap("listen"));
  REQUIRE(speech.said.size() == 1);
  REQUIRE(speech.said[0].size() == 1);
  CHECK(speech.said[0][0].language == "en");
  CHECK(speech.said[0][0] == words_on_screen(h.state)[0]);
  CHECK(contains(speech.said[0][0].words, "Bus, chosen"));
  CHECK(h.state.speech.state == SpeechState::Speaking);

  // Tapped again while reading: Stop.
  REQUIRE(h.tap("listen"));
  CHECK(speech.stops == 1);
  CHECK(speech.said.size() == 1);
  // And again: a fresh reading of the page as it is now, in Welsh after switching.
  REQUIRE(h.tap("lang:cy"));
  REQUIRE(h.tap("listen"));
  REQUIRE(speech.said.size() == 2);
  CHECK(speech.said[1][0].language == "cy");
  CHECK(contains(speech.said[1][0].words, "Bws, wedi'i ddewis"));
}

TEST_CASE("every resident screen has Listen, staff screens do not, and the review is read with its answers", "[speech]") {
  HarnessOptions o = every_type();
  o.staff_pin = "4821";
  Harness h(o);
  CHECK(h.has_target("listen"));  // attract
  REQUIRE(h.tap("card:every-type"));
  CHECK(h.has_target("listen"));  // intro
  CHECK(contains(words_on_screen(h.state).at(0).words, ui_text("kiosk.intro.purpose", "cy")));
  REQUIRE(h.tap("leave"));
  REQUIRE(h.state.screen == Screen::Attract);
  walk_to_review(h, "every-type", "en");
  CHECK(h.has_target("listen"));
  std::string review = words_on_screen(h.state).at(0).words;
  CHECK(contains(review, ui_text("kiosk.review.title", "en")));
  for (const ReviewItem& item : h.state.session->review()) {
    CHECK(contains(review, item.question_text));
    CHECK(contains(review, item.answer_text));
  }
  REQUIRE(h.tap("submit"));
  h.settle();
  REQUIRE(h.state.screen == Screen::Thanks);
  CHECK(h.has_target("listen"));
  CHECK(contains(words_on_screen(h.state).at(0).words, ui_text("kiosk.thanks.saved", "en")));
  REQUIRE(h.tap("finish"));
  h.hold(20, 20, 3.2f);
  REQUIRE(h.state.screen == Screen::StaffPin);
  CHECK_FALSE(h.has_target("listen"));
  CHECK(words_on_screen(h.state).empty());
}

TEST_CASE("Listen on the attract screen reads the read-first language, then the other", "[speech]") {
  HarnessOptions o = every_type();
  o.lang_first = "en";
  Harness h(o);
  FakeSpeech speech;
  h.controller->set_speech(&speech);
  REQUIRE(h.tap("listen"));
  REQUIRE(speech.said.size() == 1);
  REQUIRE(speech.said[0].size() == 2);
  CHECK(speech.said[0][0].language == "en");
  CHECK(contains(speech.said[0][0].words, ui_text("kiosk.attract.welcome", "en")));
  CHECK(speech.said[0][1].language == "cy");
  CHECK(contains(speech.said[0][1].words, ui_text("kiosk.attract.welcome", "cy")));
  CHECK(contains(speech.said[0][1].words, ui_text("kiosk.attract.open_consultations", "cy")));
}

TEST_CASE("speech stops when the page changes, when the resident leaves and at the idle reset", "[speech]") {
  Harness h(every_type());
  FakeSpeech speech;
  h.controller->set_speech(&speech);
  open_first_page(h, "en");
  REQUIRE(h.tap("listen"));
  REQUIRE(h.tap("back"));  // to the intro
  CHECK(speech.stops == 1);
  CHECK_FALSE(speech.speaking);

  REQUIRE(h.tap("start"));
  REQUIRE(h.tap("listen"));
  REQUIRE(h.tap("leave"));  // the overlay is another view: its own words, on its own Listen
  CHECK(speech.stops == 2);
  REQUIRE(h.tap("listen"));
  CHECK(contains(speech.said.back()[0].words, ui_text("kiosk.leave.body", "en")));
  REQUIRE(h.tap("leave:yes"));
  CHECK(speech.stops == 3);
  CHECK(h.state.screen == Screen::Attract);

  open_first_page(h, "en");
  REQUIRE(h.tap("option:transport:bus"));
  REQUIRE(h.tap("listen"));
  int before = speech.stops;
  const IdleSettings& idle = h.state.config.idle;
  h.clock.advance(idle.warn_after + idle.reset_after_warning + std::chrono::seconds(1));
  h.frame();
  h.frame();
  REQUIRE(h.state.screen == Screen::Attract);
  CHECK(speech.stops > before);
  CHECK_FALSE(speech.speaking);
}

TEST_CASE("the speaker never makes the caller wait, and a newer request cancels the one being read", "[speech]") {
  const std::string long_text = "Pa lyfrgell ydych chi'n ei defnyddio fwyaf? Wrecsam. Brynteg. Cefn Mawr. Y Waun. Coed-poeth.";
  const size_t full = render(long_text, "cy").samples.size();
  PlaybackLog log;
  Speaker speaker([&] { return std::make_unique<RealTimeSink>(log); }, nullptr);
  REQUIRE(wait_for([&] { return log.size() == 1; }));  // the start-up check

  auto started = std::chrono::steady_clock::now();
  speaker.say({{"cy", long_text}});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(20));
  CHECK(speaker.status().state == SpeechState::Speaking);
  REQUIRE(wait_for([&] { return log.size() == 2 && log.at(1).samples > 0; }));

  started = std::chrono::steady_clock::now();
  speaker.say({{"en", "Which library do you use most?"}});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(20));
  REQUIRE(wait_for([&] { return speaker.status().state == SpeechState::Idle; }));
  REQUIRE(log.size() == 3);
  Playback first = log.at(1), second = log.at(2);
  CHECK(first.aborted);
  CHECK_FALSE(first.finished);
  CHECK(first.samples < full / 2);  // cut short, not read to the end
  CHECK(second.finished);
  CHECK(second.samples > 22050);
  CHECK(speaker.status().last_error.empty());
}

TEST_CASE("stop silences the reading at once", "[speech]") {
  PlaybackLog log;
  Speaker speaker([&] { return std::make_unique<RealTimeSink>(log); }, nullptr);
  speaker.say({{"en", "Which library do you use most? Wrexham. Brynteg. Cefn Mawr. Chirk. Coedpoeth. Gresford."}});
  REQUIRE(wait_for([&] { return log.size() == 2 && log.at(1).samples > 0; }));
  speaker.stop();
  CHECK(speaker.status().state == SpeechState::Idle);
  REQUIRE(wait_for([&] { return log.at(1).aborted; }, 500));
  CHECK_FALSE(log.at(1).finished);
}

TEST_CASE("with no sound output the speaker says it is unavailable and saying still returns at once", "[speech]") {
  Speaker speaker([] { return std::make_unique<AlsaOutput>("soundings_no_such_device"); }, nullptr);
  REQUIRE(wait_for([&] { return speaker.status().state == SpeechState::Unavailable; }));
  CHECK_FALSE(speaker.status().last_error.empty());
  speaker.say({{"en", "Hello"}});
  REQUIRE(wait_for([&] { return speaker.status().state == SpeechState::Unavailable; }));
  CHECK(speaker.status().last_error.find("sound output") != std::string::npos);
}

TEST_CASE("a question page read aloud, from the Listen button to a WAV, in Welsh and in English", "[speech][wav]") {
  for (const std::string language : {"cy", "en"}) {
    HarnessOptions o;
    o.consultation_files = {std::string(SOUNDINGS_ASSETS_DIR) + "/consultations/library-opening-hours.json"};
    Harness h(o);
    FakeSpeech speech;
    h.controller->set_speech(&speech);
    if (language != h.state.language) REQUIRE(h.tap("lang:" + language));
    REQUIRE(h.tap("card:library-opening-hours"));
    REQUIRE(h.tap("start"));
    REQUIRE(h.tap("option:library_used:wrexham"));
    REQUIRE(h.tap("listen"));
    REQUIRE(speech.said.size() == 1);
    REQUIRE(speech.said[0].size() == 1);
    const SpokenText& words = speech.said[0][0];
    CHECK(words.language == language);
    VoiceInfo voice;
    PcmBuffer buffer = render(words.words, words.language, &voice);
    CHECK(voice.language.rfind(language, 0) == 0);
    // The page's two questions and fifteen options: about 150 words at 175 a minute.
    CHECK(buffer.seconds() > 25.0);
    CHECK(buffer.seconds() < 120.0);
    CHECK(rms(buffer.samples) > kRmsFloor);
    std::filesystem::create_directories(KIOSK_SPEECH_DIR);
    std::string path = std::string(KIOSK_SPEECH_DIR) + "/library-question-" + language + ".wav";
    REQUIRE(write_wav(path, buffer.samples, buffer.rate));
    CHECK(std::filesystem::file_size(path) == 44 + buffer.samples.size() * 2);
  }
}
