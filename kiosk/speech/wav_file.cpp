// Writes a canonical 44-byte-header WAV (RIFF, PCM, little-endian).
#include "wav_file.h"

#include <fstream>

namespace soundings::kiosk {

namespace {
void put16(std::ofstream& out, uint16_t v) {
  const char b[2] = {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
  out.write(b, 2);
}
void put32(std::ofstream& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v & 0xffff));
  put16(out, static_cast<uint16_t>(v >> 16));
}
}  // namespace

Status write_wav(const std::string& path, const std::vector<int16_t>& samples, int sample_rate) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{ErrorCode::Storage, path + ": cannot write"};
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  out.write("RIFF", 4);
  put32(out, 36 + data_bytes);
  out.write("WAVEfmt ", 8);
  put32(out, 16);
  put16(out, 1);  // PCM
  put16(out, 1);  // mono
  put32(out, static_cast<uint32_t>(sample_rate));
  put32(out, static_cast<uint32_t>(sample_rate) * 2);
  put16(out, 2);
  put16(out, 16);
  out.write("data", 4);
  put32(out, data_bytes);
  for (int16_t s : samples) put16(out, static_cast<uint16_t>(s));
  out.close();
  if (!out) return Error{ErrorCode::Storage, path + ": write failed"};
  return Status::success();
}

}  // namespace soundings::kiosk
