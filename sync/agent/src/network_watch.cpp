// Reads the interface list with getifaddrs(): cheap enough to poll every few seconds from the sync thread.
#include "network_watch.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <vector>

namespace soundings::sync {

std::string network_fingerprint() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::vector<std::string> entries;
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || (entry->ifa_flags & IFF_UP) == 0 || (entry->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    char text[INET6_ADDRSTRLEN] = {};
    const int family = entry->ifa_addr->sa_family;
    if (family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(entry->ifa_addr)->sin_addr, text, sizeof text);
    } else if (family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(entry->ifa_addr)->sin6_addr, text, sizeof text);
    } else {
      continue;
    }
    const bool running = (entry->ifa_flags & IFF_RUNNING) != 0;
    entries.push_back(std::string(entry->ifa_name) + "=" + text + (running ? "" : "(down)"));
  }
  freeifaddrs(list);
  std::sort(entries.begin(), entries.end());
  std::string fingerprint;
  for (const auto& entry : entries) fingerprint += entry + ";";
  return fingerprint;
}

}  // namespace soundings::sync
