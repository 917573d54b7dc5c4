// The device store's path inside a data folder.
#include "soundings/device_store.h"

#include <filesystem>

namespace soundings {

std::string device_store_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / kDeviceStoreFile).string();
}

}  // namespace soundings
